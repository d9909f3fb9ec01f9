// One instance of every error class the package exports, made from whichever build of it is
// given (the sources, or a bundle of the packed package), so both can be checked the same way.

type ErrorClass = new (...args: never[]) => Error;

/** Arguments each exported error class is made with; a class missing here fails the tests. */
const examples: Record<string, unknown[]> = {
  WorkflowCacheError: ['a message'],
  WorkflowLoadError: [{ file: 'f1.toml', reason: 'bad' }],
  RefreshError: [[], []],
  WorkflowPathError: ['workflows', 'does not exist'],
  CacheClosedError: ['get'],
  SourceChangedError: ['f1.toml'],
  QueryError: ['a message'],
  QueryTimeoutError: [1000],
  QueryRowLimitError: [10],
  QueryResultSizeError: [10],
  QueryMemoryError: [10],
  SchemaVersionError: [9, 1, 'storage'],
  UnusableDatabaseWarning: ['storage', 'damaged'],
  DatabaseContentError: ['f1.toml', 'a message'],
  StorageError: ['a message'],
  DatabaseLockedError: ['db.sqlite', 'db.sqlite.lock', {}],
  EngineLoadError: ['a message'],
  SqlJsLoadError: ['a message'],
  FileTooLargeError: [100, 10],
  S3Error: ['s3://bucket/key', { message: 'a message' }],
};

/** The names the modules export error classes under. */
export function exportedErrorClasses(...modules: Array<Record<string, unknown>>): string[] {
  const names = modules.flatMap((m) => Object.keys(m).filter((k) => typeof m[k] === 'function' && (m[k] as ErrorClass).prototype instanceof Error));
  return [...new Set(names)].sort();
}

/** Each exported error class's export name, beside the `name` of an instance of it. */
export function errorNames(...modules: Array<Record<string, unknown>>): Array<[string, string]> {
  const all = Object.assign({}, ...modules) as Record<string, ErrorClass>;
  return exportedErrorClasses(...modules).map((key) => {
    const args = examples[key];
    if (!args) throw new Error(`no example arguments for ${key} in test/error-examples.ts`);
    return [key, new all[key]!(...(args as never[])).name];
  });
}
