// The status of each phase, computed when its file loads and stored in workflow_phases.status:
// each status a phase can get, then how problems combine.
import { describe, expect, it } from 'vitest';
import { toml, useCaches } from './helpers.js';

type PhaseText = Parameters<typeof toml>[number];

describe('phase status', () => {
  const caches = useCaches();

  /** Loads the phases as one file and returns the stored status of each, by stored task key. */
  async function statuses(...phases: PhaseText[]): Promise<Record<string, string>> {
    const cache = await caches.openMemory({ 'w.toml': toml(...phases) });
    const rows = cache.query('SELECT task, status FROM workflow_phases');
    return Object.fromEntries(rows.map((r) => [String(r.task), String(r.status)]));
  }

  async function statusOf(task: string, ...phases: PhaseText[]): Promise<string> {
    return (await statuses(...phases))[task];
  }

  it("is '' for a sound root phase with a cron rule", async () => {
    expect(await statusOf('a', { task: 'a', rule: 'cron=0 0 * * *' })).toBe('');
  });

  it("is '' for a sound child phase", async () => {
    expect(await statusOf('b', { task: 'a', rule: 'cron=0 0 * * *' }, { task: 'b', dependsOn: 'a' })).toBe('');
  });

  it("is '' for a root phase with a files rule", async () => {
    expect(await statusOf('a', { task: 'a', rule: 'files=./in/*.csv' })).toBe('');
  });

  it('flags a phase with neither dependsOn nor rule', async () => {
    expect(await statusOf('a', { task: 'a' })).toBe('invalid phase: rule and dependsOn are blank');
  });

  it('flags a root phase whose rule has neither cron nor files', async () => {
    expect(await statusOf('a', { task: 'a', rule: 'offset=-1h' })).toBe('no valid rule found: offset=-1h');
  });

  it('flags a root phase whose cron is invalid', async () => {
    expect(await statusOf('a', { task: 'a', rule: 'cron=invalid' })).toContain('no valid rule found: cron=invalid');
  });

  it('flags a root phase whose files= is empty', async () => {
    expect(await statusOf('a', { task: 'a', rule: 'files=' })).toContain('no valid rule found: files=');
  });

  it('flags a dependsOn that names no task in the same file', async () => {
    expect(await statusOf('b', { task: 'b', dependsOn: 'elsewhere' })).toBe('parent task not found: elsewhere');
  });

  it('flags a dependsOn whose job no phase of that topic has', async () => {
    expect(await statusOf('b', { task: 'a', rule: 'cron=0 0 * * *&job=j1' }, { task: 'b', dependsOn: 'a:j2' })).toBe(
      'parent task not found: a:j2',
    );
  });

  it('finds a parent by topic alone when dependsOn names no job, as children() does', async () => {
    expect(await statusOf('b', { task: 'a:j1', rule: 'cron=0 0 * * *' }, { task: 'b', dependsOn: 'a' })).toBe('');
  });

  it('finds a parent whose job is in its rule', async () => {
    expect(await statusOf('b', { task: 'a', rule: 'cron=0 0 * * *&job=j1' }, { task: 'b', dependsOn: 'a:j1' })).toBe('');
  });

  it('flags a cron on a phase that has dependsOn as ignored', async () => {
    expect(await statusOf('b', { task: 'a', rule: 'cron=0 0 * * *' }, { task: 'b', dependsOn: 'a', rule: 'cron=5 0 * * *' })).toBe(
      'ignored rule: cron=5 0 * * *',
    );
  });

  it('warns about a retry above 10', async () => {
    expect(await statusOf('a', { task: 'a', rule: 'cron=0 0 * * *', retry: 11 })).toBe('warning: retry count exceeds recommended limit');
  });

  it('accepts a retry of exactly 10', async () => {
    expect(await statusOf('a', { task: 'a', rule: 'cron=0 0 * * *', retry: 10 })).toBe('');
  });

  it('flags a rule with a bad % escape as an invalid query string', async () => {
    expect(await statusOf('b', { task: 'a', rule: 'cron=0 0 * * *' }, { task: 'b', dependsOn: 'a', rule: 'x=%zz' })).toBe(
      'invalid rule format: x=%zz',
    );
  });

  it('flags a rule with a ; as an invalid query string, as Go does', async () => {
    expect(await statusOf('b', { task: 'a', rule: 'cron=0 0 * * *' }, { task: 'b', dependsOn: 'a', rule: 'x=1;y=2' })).toBe(
      'invalid rule format: x=1;y=2',
    );
  });

  it("joins several problems with '; '", async () => {
    expect(await statusOf('b', { task: 'b', dependsOn: 'gone', rule: 'cron=0 0 * * *', retry: 20 })).toBe(
      'parent task not found: gone; ignored rule: cron=0 0 * * *; warning: retry count exceeds recommended limit',
    );
  });
});

describe('duplicate task keys in one file', () => {
  const caches = useCaches();
  const file = toml(
    { task: 'a', rule: 'cron=0 0 * * *', template: 'first' },
    { task: 'a', rule: 'cron=0 1 * * *', template: 'second' },
  );

  it('keeps the first phase', async () => {
    const cache = await caches.openMemory({ 'w.toml': file });
    expect(cache.get({ type: 'a', meta: 'workflow=w.toml' }).template).toBe('first');
  });

  it('stores one row for the key', async () => {
    const cache = await caches.openMemory({ 'w.toml': file });
    expect(cache.query('SELECT template FROM workflow_phases')).toEqual([{ template: 'first' }]);
  });

  it('reports the clash on the kept phase', async () => {
    const cache = await caches.openMemory({ 'w.toml': file });
    expect(cache.query('SELECT status FROM workflow_phases')).toEqual([{ status: expect.stringMatching(/^duplicate task: a\b/) }]);
  });

  it('treats task "a" with rule job=x and task "a:x" as the same key', async () => {
    const cache = await caches.openMemory({
      'w.toml': toml({ task: 'a', rule: 'cron=0 0 * * *&job=x' }, { task: 'a:x', rule: 'cron=0 1 * * *' }),
    });
    expect(cache.query('SELECT task, status FROM workflow_phases')).toEqual([{ task: 'a:x', status: expect.stringContaining('duplicate task: a:x') }]);
  });

  it('does not treat the same topic with different jobs as duplicates', async () => {
    const cache = await caches.openMemory({
      'w.toml': toml({ task: 'a', rule: 'cron=0 0 * * *&job=x' }, { task: 'a', rule: 'cron=0 0 * * *&job=y' }),
    });
    expect(cache.query("SELECT count(*) AS n FROM workflow_phases WHERE status = ''")).toEqual([{ n: 2 }]);
  });
});

describe('dependency cycles', () => {
  const caches = useCaches();

  it('reports a two-phase cycle on each phase of it, in run order from that phase', async () => {
    const cache = await caches.openMemory({ 'w.toml': toml({ task: 'a', dependsOn: 'b' }, { task: 'b', dependsOn: 'a' }) });
    expect(cache.query('SELECT task, status FROM workflow_phases ORDER BY task')).toEqual([
      { task: 'a', status: 'dependency cycle: a → b → a' },
      { task: 'b', status: 'dependency cycle: b → a → b' },
    ]);
  });

  it('reports a phase that depends on itself', async () => {
    const cache = await caches.openMemory({ 'w.toml': toml({ task: 'a', dependsOn: 'a' }) });
    expect(cache.query('SELECT status FROM workflow_phases')).toEqual([{ status: 'dependency cycle: a → a' }]);
  });

  it('leaves phases that only hang off a cycle without a cycle report', async () => {
    const cache = await caches.openMemory({
      'w.toml': toml({ task: 'a', dependsOn: 'b' }, { task: 'b', dependsOn: 'a' }, { task: 'c', dependsOn: 'a' }),
    });
    expect(cache.query("SELECT status FROM workflow_phases WHERE task = 'c'")).toEqual([{ status: '' }]);
  });

  it('reports a three-phase cycle', async () => {
    const cache = await caches.openMemory({
      'w.toml': toml({ task: 'a', dependsOn: 'c' }, { task: 'b', dependsOn: 'a' }, { task: 'c', dependsOn: 'b' }),
    });
    expect(cache.query("SELECT status FROM workflow_phases WHERE task = 'a'")).toEqual([{ status: 'dependency cycle: a → b → c → a' }]);
  });
});

describe("WHERE status != ''", () => {
  const caches = useCaches();

  it('finds every phase with a problem and no other', async () => {
    const cache = await caches.openMemory({
      'w.toml': toml(
        { task: 'ok', rule: 'cron=0 0 * * *' },
        { task: 'ok-child', dependsOn: 'ok' },
        { task: 'blank' },
        { task: 'no-rule', rule: 'offset=1h' },
        { task: 'bad-cron', rule: 'cron=invalid' },
        { task: 'orphan', dependsOn: 'missing' },
        { task: 'ignored', dependsOn: 'ok', rule: 'cron=0 0 * * *' },
        { task: 'retries', rule: 'cron=0 0 * * *', retry: 11 },
        { task: 'bad-format', dependsOn: 'ok', rule: '%' },
        { task: 'loop1', dependsOn: 'loop2' },
        { task: 'loop2', dependsOn: 'loop1' },
        { task: 'ok', rule: 'files=x' },
      ),
    });
    const flagged = cache.query("SELECT task FROM workflow_phases WHERE status != '' ORDER BY task").map((r) => r.task);
    expect(flagged).toEqual(['bad-cron', 'bad-format', 'blank', 'ignored', 'loop1', 'loop2', 'no-rule', 'ok', 'orphan', 'retries']);
  });
});
