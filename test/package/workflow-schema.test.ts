import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, relative } from 'node:path';
import { Ajv } from 'ajv';
import { parse } from 'smol-toml';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { makeConsumer, packAndInstall, repoRoot, type Consumer, type Packed } from './consumer.js';

let packed: Packed;
let consumer: Consumer;
beforeAll(() => {
  packed = packAndInstall();
});
afterAll(() => packed.remove());
beforeEach(() => {
  consumer = makeConsumer(packed);
});
afterEach(() => consumer.remove());

/** The schema as a user's project resolves it: `workflow-cache/workflow.schema.json`. */
function schemaValidator() {
  const path = createRequire(join(consumer.dir, 'index.js')).resolve('workflow-cache/workflow.schema.json');
  // Its `properties` give editors the keys to complete; the case-insensitive patterns that
  // overlap them check the same keys as the loader matches them, in any case.
  return new Ajv({ allErrors: true, allowMatchingProperties: true }).compile(JSON.parse(readFileSync(path, 'utf8')));
}

/** Every .toml file below a folder. */
function tomlFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.toml'))
    .map((e) => join(e.parentPath, e.name));
}

describe('the workflow file JSON Schema', () => {
  test('every example that is TOML at all validates against it', () => {
    const validate = schemaValidator();
    const checked: string[] = [];
    for (const file of tomlFiles(join(repoRoot, 'examples'))) {
      let document: unknown;
      try {
        document = parse(readFileSync(file, 'utf8'));
      } catch {
        continue; // examples/broken/not-toml.toml: a syntax error, which no schema sees
      }
      expect(validate(document), `${relative(repoRoot, file)}: ${JSON.stringify(validate.errors)}`).toBe(true);
      checked.push(relative(repoRoot, file));
    }
    expect(checked).toEqual(expect.arrayContaining(['examples/workflows/orders.toml', 'examples/broken/problems.toml']));
    expect(checked.length).toBeGreaterThanOrEqual(5);
  });

  test.each([
    ['retry as a string', '[[phase]]\ntask = "a"\nretry = "3"\n'],
    ['task as a number', '[[phase]]\ntask = 1\n'],
    ['phase as a table, not an array of tables', '[phase]\ntask = "a"\n'],
    ['a key in another case, of the wrong type', '[[PHASE]]\nTask = "a"\nDEPENDSON = 3\n'],
  ])('refuses %s, as the loader does', (_name, toml) => {
    expect(schemaValidator()(parse(toml))).toBe(false);
  });

  test('describes every field of a phase and the rule keys', () => {
    const schema = JSON.parse(readFileSync(join(repoRoot, 'schema/workflow.schema.json'), 'utf8'));
    const phase = schema.definitions.phase.properties;
    expect(Object.keys(phase).sort()).toEqual(['dependsOn', 'retry', 'rule', 'task', 'template']);
    for (const key of Object.keys(phase)) expect(schema.definitions[key].description.length).toBeGreaterThan(40);
    for (const key of ['cron', 'files', 'job']) expect(schema.definitions.rule.description).toContain(`- ${key}:`);
  });

  test('ships in the package', () => {
    const out = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: repoRoot, encoding: 'utf8' });
    const files = (JSON.parse(out) as [{ files: { path: string }[] }])[0].files.map((f) => f.path);
    expect(files).toContain('schema/workflow.schema.json');
  });
});
