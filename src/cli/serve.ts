import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Command } from 'commander';
import type { HandlerOptions } from '../http/api.js';
import { createNodeListener } from '../http/create-node-listener.js';
import { fileFilterOf, ignoreOption, includeOption, type FilterFlags } from './file-filter-options.js';
import type { Finish } from './finish.js';
import { openWorkflows } from './open.js';
import { exitCodes, UsageError, wholeNumber } from './usage.js';

interface ServeOptions extends FilterFlags {
  db?: string;
  host: string;
  port: number;
  watch?: boolean;
  interval: number;
  cors?: string[];
  prefix?: string;
}

export function serveCommand(finish: Finish): Command {
  return new Command('serve')
    .description('serve the HTTP API over a cache of the workflows (GET /openapi.json lists the paths); Ctrl-C stops')
    .argument('<path>', 'workflow file or folder (read recursively), or s3://bucket/prefix')
    .option('--db <file>', 'database file (or s3://bucket/key) to keep them in (default: memory only)')
    .option('--host <address>', 'address to listen on', '127.0.0.1')
    .option('--port <n>', 'port to listen on (0: any free one)', wholeNumber('--port'), 8080)
    .option('--watch', 'refresh the workflows every --interval ms')
    .option('--interval <ms>', 'time between refreshes with --watch', wholeNumber('--interval'), 2000)
    .option('--cors <origin...>', 'origins allowed to call from browsers (* for any; default: none)')
    .option('--prefix <path>', 'serve under this path, such as /workflows')
    .addOption(ignoreOption())
    .addOption(includeOption())
    .addHelpText('after', '\nPOST /refresh needs Authorization: Bearer <token> when WORKFLOW_CACHE_TOKEN is set.')
    .action(async (path: string, options: ServeOptions) => {
      if (options.port > 65535) throw new UsageError(`--port must be at most 65535, got ${options.port}`);
      const cache = await openWorkflows(path, options.db, fileFilterOf(options));
      const handlerOptions: HandlerOptions = {};
      if (process.env.WORKFLOW_CACHE_TOKEN) handlerOptions.token = process.env.WORKFLOW_CACHE_TOKEN;
      if (options.cors) handlerOptions.cors = options.cors;
      if (options.prefix) handlerOptions.prefix = options.prefix;
      const listener = createNodeListener(cache, handlerOptions);
      const out = (line: string) => process.stdout.write(`${line}\n`);
      const server = createServer((req, res) => {
        const started = performance.now();
        res.on('finish', () => out(`${req.method} ${req.url} ${res.statusCode} ${(performance.now() - started).toFixed(1)}ms`));
        void listener(req, res);
      });
      await new Promise<void>((resolve, reject) => {
        server.once('error', (error: NodeJS.ErrnoException) =>
          reject(error.code === 'EADDRINUSE' ? new UsageError(`${options.host}:${options.port} is in use; pick another --port`) : error),
        );
        server.listen(options.port, options.host, resolve);
      }).catch(async (error) => {
        await cache.close();
        throw error;
      });
      const { address, port } = server.address() as AddressInfo;
      const where = `http://${address.includes(':') ? `[${address}]` : address}:${port}${options.prefix ?? ''}`;
      const counts = cache.stats();
      out(`serving ${path} on ${where} (${counts.files} files, ${counts.phases} phases${options.watch ? `, refreshing every ${options.interval} ms` : ''}); Ctrl-C stops`);
      const timer = options.watch
        ? setInterval(() => {
            cache.refresh().then(
              (changed) => changed.length > 0 && out(`refreshed: ${changed.join(', ')}`),
              (error: Error) => out(`refresh failed: ${error.message}`),
            );
          }, options.interval)
        : undefined;
      await stopSignal();
      clearInterval(timer);
      // Stop taking connections, let requests in flight finish briefly, then close the rest.
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      const grace = setTimeout(() => server.closeAllConnections(), 2000);
      await closed;
      clearTimeout(grace);
      await cache.close();
      out('stopped');
      finish(exitCodes.ok);
    });
}

/** Resolves at the first SIGINT or SIGTERM. */
function stopSignal(): Promise<void> {
  return new Promise((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}
