// Every error class says what it is in `name`, as its class is called, so that code which tells
// errors apart by name (logs, `error.name === 'StorageError'` across realms) can rely on it.
import { expect, test } from 'vitest';
import * as node from '../src/index.node.js';
import * as browser from '../src/index.browser.js';
import * as s3 from '../src/index.s3.js';
import * as tools from '../src/index.tools.js';
import * as http from '../src/index.http.js';
import { errorNames } from './error-examples.js';

test("every exported error class's name is its class name", () => {
  const names = errorNames(node, browser, s3, tools, http);
  expect(names.length).toBeGreaterThan(0);
  for (const [exported, name] of names) expect(name, exported).toBe(exported);
});
