// The editor's diagnostics and the details users noticed, on each screen size: a new file that
// checks clean, the scope of the phases table kept across a reload, and a page opened from
// file:// that says how to serve it.
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { editorText, openPlayground, paste, rows, screens, servePlayground, showPart, waitSaved } from './helpers.js';

const served = servePlayground();

const pipeline = `[[phase]]
task = "extract:daily"
rule = "cron=0 0 2 * * *"

[[phase]]
task = "clean"
dependsOn = "extract:daily"
retry = 25

[[phase]]
task = "load"
dependsOn = "nowhere"
`;

describe.each(screens)('on a $name ($width x $height)', (screen) => {
  it("puts each phase's problems on that phase's lines, in the gutter and in the list, which jumps to them", async ({ onTestFinished }) => {
    const { context, page } = await openPlayground(served, screen);
    onTestFinished(() => context.close());
    await paste(page, pipeline);
    const items = page.getByTestId('problem-item');
    await expect(items.allTextContents()).resolves.toEqual([
      'line 5clean: warning: retry count exceeds recommended limit',
      'line 10load: parent task not found: nowhere',
    ]);
    // Underlined from the phase's header to its last line, marked in the gutter at the header.
    await expect(page.locator('.cm-lintRange-warning').allTextContents()).resolves.toEqual(['[[phase]]', 'task = "clean"', 'dependsOn = "extract:daily"', 'retry = 25']);
    await expect(page.locator('.cm-lintRange-error').allTextContents()).resolves.toEqual(['[[phase]]', 'task = "load"', 'dependsOn = "nowhere"']);
    await expect(page.locator('.cm-gutter-lint .cm-gutterElement:has(.cm-lint-marker-warning)').count()).resolves.toBe(1);
    await expect(page.locator('.cm-gutter-lint .cm-gutterElement:has(.cm-lint-marker-error)').count()).resolves.toBe(1);
    await items.nth(1).click();
    await expect(page.locator('.cm-lineNumbers .cm-activeLineGutter').textContent()).resolves.toBe('10');
  });

  it('shows a TOML syntax error at its line and column, in the editor and the list', async ({ onTestFinished }) => {
    const { context, page } = await openPlayground(served, screen);
    onTestFinished(() => context.close());
    await paste(page, `${pipeline}\n[[phase]\ntask = "broken"\n`);
    await expect(page.getByTestId('problem-item').allTextContents()).resolves.toEqual([
      expect.stringMatching(/^line 14:9data-load\.toml:14:9: .+\(the last good phases are kept\)$/),
    ]);
    await expect(page.locator('.cm-gutter-lint .cm-gutterElement:has(.cm-lint-marker-error)').count()).resolves.toBe(1);
    await page.getByTestId('problem-item').click();
    await expect(page.locator('.cm-lineNumbers .cm-activeLineGutter').textContent()).resolves.toBe('14');
  });

  it('starts a new file from a template that checks clean', async ({ onTestFinished }) => {
    const { context, page } = await openPlayground(served, screen);
    onTestFinished(() => context.close());
    await page.getByTestId('file-add').click();
    await waitSaved(page);
    await expect(page.getByTestId('file-list').locator('[aria-current="true"] .name').textContent()).resolves.toBe('untitled.toml');
    await expect(editorText(page)).resolves.toContain('[[phase]]');
    await expect(page.getByTestId('problem-count').textContent()).resolves.toBe('none');
    await expect(page.getByTestId('error').textContent()).resolves.toBe('');
    await showPart(page, 'tables');
    await expect(rows(page).count()).resolves.toBe(2);
    await expect(page.getByTestId('phases-summary').textContent()).resolves.toBe('2 of 2 phases · 0 with problems');
  });

  it('keeps "All files" in the phases table across a reload', async ({ onTestFinished }) => {
    const { context, page } = await openPlayground(served, screen);
    onTestFinished(() => context.close());
    await showPart(page, 'tables');
    await page.getByTestId('phases-scope').selectOption('all');
    await page.reload();
    await page.waitForSelector('body[data-ready="true"]');
    await showPart(page, 'tables');
    await expect(page.getByTestId('phases-scope').inputValue()).resolves.toBe('all');
    await expect(page.getByTestId('phases-summary').textContent()).resolves.toBe('8 of 8 phases · 2 with problems');
  });

  it('opened from file://, says to serve it with npm run preview:demo instead of showing a blank page', async ({ onTestFinished }) => {
    const context = await served.browser.newContext({ viewport: { width: screen.width, height: screen.height } });
    onTestFinished(() => context.close());
    const page = await context.newPage();
    await page.goto(`file://${fileURLToPath(new URL('../../dist-demo/index.html', import.meta.url))}`);
    const message = page.getByTestId('file-protocol');
    await message.waitFor();
    await expect(message.textContent()).resolves.toContain('npm run preview:demo');
    expect(await message.isVisible()).toBe(true);
  });
});
