import { Command, CommanderError } from 'commander';
import { QueryError } from '../errors.js';
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
import { messageOf } from '../message-of.js';

const commands = [loadCommand, validateCommand, watchCommand, graphCommand, queryCommand, historyCommand, statsCommand, serveCommand];

/**
 * Runs the `workflow-cache` command and resolves with its exit status. Errors end as one line
 * on stderr, never a stack trace; usage errors also say where the usage is.
 */
export async function main(argv: readonly string[], version: string): Promise<number> {
  let code: number = exitCodes.ok;
  const finish = (c: number) => {
    code = c;
  };
  const program = oneLineErrors(
    new Command('workflow-cache')
      .description('Task workflow files (TOML phases) kept in SQLite: load, check, watch, graph and query them')
      .version(version)
      .exitOverride(),
  );
  for (const command of commands) program.addCommand(oneLineErrors(command(finish).exitOverride()));
  if (argv.length === 0) {
    const names = program.commands.map((c) => c.name()).join(', ');
    process.stderr.write(`workflow-cache: no command given; commands: ${names} (workflow-cache --help describes them)\n`);
    return exitCodes.usage;
  }
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return code;
  } catch (error) {
    if (error instanceof CommanderError) {
      // the line is written already, by oneLineErrors
      return error.exitCode === 0 ? exitCodes.ok : exitCodes.usage;
    }
    process.stderr.write(`workflow-cache: ${printable(message(error))}\n`);
    return exitCodeFor(error);
  }
}

/**
 * Commander's error lines (`error: unknown option '--jsn'`, then `(Did you mean --json?)`) as one
 * line with our prefix, the suggestion, and the help to read.
 */
function oneLineErrors(command: Command): Command {
  return command.configureOutput({
    outputError: (text, write) => {
      const [first = '', ...rest] = text.trim().replace(/^error: /, '').split('\n');
      const suggestion = rest.join(' ').match(/\(Did you mean (.+)\?\)/)?.[1];
      const path = command.parent ? `workflow-cache ${command.name()}` : 'workflow-cache';
      write(`workflow-cache: ${printable(first)}${suggestion ? `; did you mean ${printable(suggestion)}?` : ''} (${path} --help shows the usage)\n`);
    },
  });
}

/** The library's SQL errors name its methods (`query() is read-only`); here the command is the query. */
function message(error: unknown): string {
  const text = messageOf(error);
  return error instanceof QueryError ? text.replace(/\bquery(?:Isolated)?\(\)/g, 'the query') : text;
}
