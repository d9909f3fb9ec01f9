// The code blocks of README.md and the docs marked ```ts runnable, run as written by Node against
// the packed package, from a project that holds a copy of the repository's examples/. A block
// whose every console.log line ends in a comment must print exactly those comments, a line each.
import { execFileSync } from 'node:child_process';
import { cpSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { makeConsumer, packAndInstall, repoRoot, type Consumer, type Packed } from './consumer.js';

interface Block {
  line: number;
  code: string;
}

function runnableBlocks(document: string): Block[] {
  const lines = readFileSync(join(repoRoot, document), 'utf8').split('\n');
  const blocks: Block[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (lines[i] !== '```ts runnable') continue;
    const line = i + 1;
    const body: string[] = [];
    for (i++; lines[i] !== '```'; i++) body.push(lines[i]!);
    blocks.push({ line, code: body.join('\n') });
  }
  return blocks;
}

/** What the block says it prints: the comments of its console.log lines, when each has one. */
function promisedOutput(code: string): string[] | undefined {
  const logs = code.split('\n').filter((l) => /^\s*console\.log\(/.test(l));
  const comments = logs.map((l) => /\); \/\/ (.*)$/.exec(l)?.[1]);
  return comments.length > 0 && comments.every((c) => c !== undefined) ? (comments as string[]) : undefined;
}

let packed: Packed;
beforeAll(() => {
  packed = packAndInstall();
});
afterAll(() => packed.remove());

describe.each(['README.md', 'docs/cli.md'])('%s', (document) => {
  const blocks = runnableBlocks(document);

  test('has runnable blocks', () => {
    expect(blocks.length).toBeGreaterThan(0);
  });

  test.each(blocks.map((b) => [b.line, b] as const))(`the block at ${document}:%i runs as written`, (_line, block) => {
    const consumer: Consumer = makeConsumer(packed, ['fake-indexeddb']);
    try {
      cpSync(join(repoRoot, 'examples'), join(consumer.dir, 'examples'), { recursive: true });
      // Browser blocks run in Node with an in-memory IndexedDB; nothing else is added.
      const prelude = block.code.includes('IndexedDBStorage') ? "import 'fake-indexeddb/auto';\n" : '';
      const script = consumer.write('block.mjs', prelude + block.code);
      const out = execFileSync(process.execPath, [script], { cwd: consumer.dir, encoding: 'utf8', timeout: 30_000, stdio: ['ignore', 'pipe', 'pipe'] });
      const promised = promisedOutput(block.code);
      if (promised) expect(out.trimEnd().split('\n')).toEqual(promised);
    } finally {
      consumer.remove();
    }
  });
});
