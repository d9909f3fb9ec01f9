import { Command, CommanderError } from 'commander';
import { graphCommand } from './graph.js';
import { historyCommand } from './history.js';
import { loadCommand } from './load.js';
import { printable } from './printable.js';
import { queryCommand } from './query.js';
import { serveCommand } from './serve.js';
import { statsCommand } from './stats.js';
import { exitCodeFor, exitCodes } from './usage.js';
import { validateCommand } from './validate.js';
import { watchCommand } from './watch.js';

/**
 * Runs the `workflow-cache` command and resolves with its exit status. Errors end as one line
 * on stderr, never a stack trace.
 */
export async function main(argv: readonly string[], version: string): Promise<number> {
  let code: number = exitCodes.ok;
  const finish = (c: number) => {
    code = c;
  };
  const program = new Command('workflow-cache')
    .description('Task workflow files (TOML phases) kept in SQLite: load, check, watch, graph and query them')
    .version(version)
    .showHelpAfterError('(add --help for usage)')
    .exitOverride();
  for (const command of [loadCommand, validateCommand, watchCommand, graphCommand, queryCommand, historyCommand, statsCommand, serveCommand]) {
    program.addCommand(command(finish).exitOverride().showHelpAfterError('(add --help for usage)'));
  }
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return code;
  } catch (error) {
    if (error instanceof CommanderError) {
      // commander has printed the message or the help already
      return error.exitCode === 0 ? exitCodes.ok : exitCodes.usage;
    }
    process.stderr.write(`workflow-cache: ${printable(error instanceof Error ? error.message : String(error))}\n`);
    return exitCodeFor(error);
  }
}
