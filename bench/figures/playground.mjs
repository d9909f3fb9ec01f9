// The playground at 100,000 phases, in headless Chromium (playwright-core, Debian's
// /usr/bin/chromium or CHROMIUM_PATH): a database of 2,000 files of 50 phases imported, then how
// long until its first rows are painted as "All files", and how long a sort and a filter take,
// each from the click or keystroke to the next painted frame. The import itself is shown for
// information: it re-checks every file.
//   node bench/figures/playground.mjs     (after npm run build; builds the playground itself)
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { build, preview } from 'vite';
import { figureOf } from '../harness.mjs';

const root = fileURLToPath(new URL('../..', import.meta.url));
const demoConfig = fileURLToPath(new URL('../../demo/vite.config.ts', import.meta.url));

/** The workflows of the bench: in each file a chain of 50 phases, every tenth file with two problems. */
function workflows(files) {
  const texts = {};
  for (let f = 0; f < files; f++) {
    let text = '';
    for (let p = 0; p < 50; p++) {
      const flagged = f % 10 === 0;
      const parent = p === 0 ? '' : flagged && p === 13 ? 'ghost' : `step${p - 1}:job${f}`;
      text += `[[phase]]\ntask = "step${p}:job${f}"\n${parent === '' ? 'rule = "cron=0 2 * * *"' : `dependsOn = "${parent}"`}\nretry = ${flagged && p === 7 ? 12 : p % 4}\ntemplate = "s3://bucket/${f}/${p}/{yyyy}-{mm}-{dd}"\n\n`;
    }
    texts[`group${String(f % 20).padStart(2, '0')}/file${String(f).padStart(4, '0')}.toml`] = text;
  }
  return texts;
}

/** Runs `act` in the page and answers the milliseconds until the frame after it is painted. */
function untilPainted(page, act, arg) {
  return page.evaluate(async ([act, arg]) => {
    const start = performance.now();
    new Function('arg', `(${act})(arg)`)(arg);
    await new Promise((done) => requestAnimationFrame(() => setTimeout(done, 0)));
    return performance.now() - start;
  }, [act.toString(), arg]);
}

/**
 * @param {object} lib the built library (dist/node.js)
 * @param {{ files?: number }} [options] 2,000 files of 50 phases by default
 */
export async function playgroundFigures(lib, { files = 2000 } = {}) {
  await build({ configFile: demoConfig, logLevel: 'warn' });
  const cache = await lib.WorkflowCache.open({ workflows: new lib.MemorySource(workflows(files)) });
  const image = Buffer.from(cache.export());
  await cache.close();
  const server = await preview({ configFile: demoConfig, logLevel: 'warn', preview: { host: '127.0.0.1', port: 0 } });
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', headless: true, args: ['--no-sandbox', '--disable-gpu', '--no-first-run'] });
  try {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await page.goto(`http://127.0.0.1:${server.httpServer.address().port}/`);
    await page.waitForSelector('body[data-ready="true"]');
    await page.getByTestId('phases-scope').selectOption('all');
    // Marks, in the page's clock, when the import is done and when its first row is painted.
    await page.evaluate(() => {
      const marks = (window.benchMarks = {});
      new MutationObserver(() => {
        if (marks.imported === undefined && document.querySelector('[data-testid="notice"]')?.textContent?.startsWith('Imported')) marks.imported = performance.now();
        if (marks.rows === undefined && document.querySelector('[data-testid="phases-table"] .vbody [role="row"]')?.textContent?.includes('step0:job0')) {
          requestAnimationFrame(() => (marks.rows ??= performance.now()));
        }
      }).observe(document.body, { subtree: true, childList: true, characterData: true });
      marks.start = performance.now();
    });
    await page.getByTestId('import-file').setInputFiles({ name: 'bench.sqlite', mimeType: 'application/vnd.sqlite3', buffer: image });
    await page.waitForFunction(() => window.benchMarks.imported !== undefined && window.benchMarks.rows !== undefined, undefined, { timeout: 600_000 });
    const marks = await page.evaluate(() => window.benchMarks);
    const phases = files * 50;
    // Every phase read: the sort and the filter work on all of them.
    await page.waitForFunction((total) => document.querySelector('[data-testid="phases-summary"]')?.textContent === `${total.toLocaleString('en')} of ${total.toLocaleString('en')} phases · ${(total / 250).toLocaleString('en')} with problems`, phases, { timeout: 60_000 });
    const sortCold = await untilPainted(page, () => { document.querySelector('[data-testid="sort-template"]').click(); });
    const sortAgain = await untilPainted(page, () => { document.querySelector('[data-testid="sort-template"]').click(); });
    const filter = await untilPainted(page, (needle) => {
      const input = document.querySelector('[data-testid="phases-filter"]');
      input.value = needle;
      input.dispatchEvent(new Event('input', { bubbles: true }));
    }, 'job1999');
    const n = phases.toLocaleString('en');
    return [
      figureOf({ figure: `playground: import a database of ${n} phases (every file re-checked)`, baselineName: '—', ours: marks.imported - marks.start, unit: 'ms' }),
      figureOf({ figure: `playground: first rows painted after the import of ${n} phases (All files)`, baselineName: '—', ours: Math.max(0, marks.rows - marks.imported), unit: 'ms', target: 1000 }),
      figureOf({ figure: `playground: sort ${n} phases by a column, to the painted frame`, baselineName: '—', ours: sortCold, unit: 'ms', target: 100 }),
      figureOf({ figure: `playground: reverse that sort, to the painted frame`, baselineName: '—', ours: sortAgain, unit: 'ms', target: 100 }),
      figureOf({ figure: `playground: filter ${n} phases by text, to the painted frame`, baselineName: '—', ours: filter, unit: 'ms', target: 100 }),
    ];
  } finally {
    await browser.close();
    await new Promise((done) => server.httpServer.close(done));
  }
}

// Run on its own: prints the figures.
if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { table } = await import('../harness.mjs');
  const lib = await import(pathToFileURL(`${root}dist/node.js`).href);
  console.log(table(await playgroundFigures(lib, { files: process.argv.includes('--quick') ? 200 : 2000 })));
}
