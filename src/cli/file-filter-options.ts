import { Option } from 'commander';
import type { FileFilterOptions } from '../sources/file-filter.js';

/** What commander parses `--ignore` and `--include` into. */
export interface FilterFlags {
  ignore?: string[];
  include?: string[];
}

/** Repeatable, not variadic: a variadic option would swallow the path after it. */
const collect = (value: string, previous: string[] | undefined) => [...(previous ?? []), value];

/** `--ignore <glob>`, for a command that reads a workflows folder. */
export function ignoreOption(): Option {
  return new Option('--ignore <glob>', "leave out files and folders matching it (*.md, .git, drafts/**); repeatable; adds to the folder's .workflowcacheignore").argParser(collect);
}

/** `--include <glob>`, for a command that reads a workflows folder. */
export function includeOption(): Option {
  return new Option('--include <glob>', 'read only the files matching it (*.toml); repeatable').argParser(collect);
}

/** The library's filter options from the flags given. */
export function fileFilterOf(flags: FilterFlags): FileFilterOptions {
  return { ...(flags.ignore && { ignore: flags.ignore }), ...(flags.include && { include: flags.include }) };
}
