// Run by bench/figures/watch.mjs in a fresh process: watches a folder, has another process
// rewrite every file in it, and prints the longest the event loop was held meanwhile.
//   node watch-child.mjs <dist/node.js> <folder> recursive|ours <database file>
// `recursive` is Node's recursive fs.watch alone, with an empty listener; `ours` is the cache's
// watcher with everything it does: the refreshes that reload every file, and the saves.
import { spawn } from 'node:child_process';
import { readdirSync, watch } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const [library, folder, side, database] = process.argv.slice(2);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const files = readdirSync(folder, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).length;

let events = 0;
const reloaded = new Set();
let refreshes = 0;
let stop;
if (side === 'recursive') {
  const watcher = watch(folder, { recursive: true }, () => events++);
  stop = async () => watcher.close();
} else {
  const { WorkflowCache } = await import(pathToFileURL(library).href);
  const cache = await WorkflowCache.open({ workflows: folder, storage: database });
  const watcher = cache.watch();
  watcher.onReload((r) => {
    refreshes++;
    for (const key of r.changed) reloaded.add(key);
  });
  stop = async () => {
    await watcher.stop();
    await cache.close();
  };
}
await sleep(500); // watchers set up, the open's work done

// The longest wait between two ticks of a 5 ms timer, and the CPU time this process spent in it:
// on a busy machine the wait also holds time the process was not running at all.
// Also the most CPU time spent within any one gap: on a loaded machine the longest wall-clock gap
// may be time the process waited for a core, and the longest synchronous step shows here.
let stallMs = 0;
let stallCpuMs = 0;
let maxGapCpuMs = 0;
let last = performance.now();
let lastCpu = process.cpuUsage();
const ticks = setInterval(() => {
  const now = performance.now();
  const cpu = process.cpuUsage(lastCpu);
  const cpuMs = (cpu.user + cpu.system) / 1000;
  maxGapCpuMs = Math.max(maxGapCpuMs, cpuMs);
  if (now - last - 5 > stallMs) {
    stallMs = now - last - 5;
    stallCpuMs = cpuMs;
  }
  last = now;
  lastCpu = process.cpuUsage();
}, 5);
const started = performance.now();
const writer = spawn(process.execPath, ['-e', rewriteEveryFile(folder)], { stdio: 'inherit' });
await new Promise((resolve) => writer.on('exit', resolve));
if (side === 'recursive') {
  for (let seen = -1; seen !== events; await sleep(500)) seen = events; // until the events stop
} else {
  while (reloaded.size < files) await sleep(10);
}
const ms = performance.now() - started;
clearInterval(ticks);
await stop();
console.log(JSON.stringify({ side, files, stallMs, stallCpuMs, maxGapCpuMs, ms, events, refreshes }));

/** A script for another process: every file below the folder gets a line more, as a bulk edit does. */
function rewriteEveryFile(folder) {
  return `
    const fs = require('node:fs');
    for (const e of fs.readdirSync(${JSON.stringify(folder)}, { recursive: true, withFileTypes: true })) {
      if (!e.isFile()) continue;
      const path = require('node:path').join(e.parentPath, e.name);
      fs.writeFileSync(path, fs.readFileSync(path, 'utf8') + '\\n# rewritten ' + Date.now() + '\\n');
    }`;
}
