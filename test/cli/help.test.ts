import { describe, expect, test } from 'vitest';
import { run } from './run.js';

const commands = ['load', 'validate', 'watch', 'graph', 'query', 'history', 'stats'];

describe('workflow-cache --help', () => {
  test('lists every command', async () => {
    const result = await run(['--help']);
    expect(result.code).toBe(0);
    for (const name of commands) expect(result.stdout).toMatch(new RegExp(`^  ${name}\\b`, 'm'));
  });

  test.each(commands)('%s --help shows its usage and exits 0', async (name) => {
    const result = await run([name, '--help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(new RegExp(`^Usage: workflow-cache ${name} `, 'm'));
  });


  test('the bin starts with a node shebang', async () => {
    const { readFile } = await import('node:fs/promises');
    const { cli } = await import('./run.js');
    expect((await readFile(cli, 'utf8')).split('\n')[0]).toBe('#!/usr/bin/env node');
  });
});
