/** Why a long-running command stops: a signal (`undefined`) or the error that ends it. */
export interface Stopping {
  /** Settles once, at the first of: SIGINT, SIGTERM or SIGHUP; an error nothing else handled; the event loop running dry. */
  reason: Promise<Error | undefined>;
  /** Removes the handlers, once the command has cleaned up. */
  dispose(): void;
}

const signals = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

/**
 * Holds a long-running command (`watch`) until it should stop, so that it always gets to clean up
 * (close its cache, which saves and releases the database's lock) before the process ends:
 * Node's default for these signals and for an uncaught error ends the process on the spot, and
 * an event loop with nothing left in it ends a pending top-level await with status 13. A signal
 * or error while cleaning up is swallowed: a second Ctrl-C does not cut the close short.
 */
export function untilStopped(): Stopping {
  let settle!: (reason: Error | undefined) => void;
  const reason = new Promise<Error | undefined>((resolve) => (settle = resolve));
  const onSignal = () => settle(undefined);
  const onError = (error: unknown) => settle(error instanceof Error ? error : new Error(String(error)));
  // A reader that went away (`watch … | head`) ends the command, not the process without a close.
  const onOutputError = (error: Error) => settle(new Error(`cannot write to standard output (${error.message})`));
  const onDry = () => settle(new Error('nothing is left to watch (the watcher stopped by itself)'));
  for (const signal of signals) process.on(signal, onSignal);
  process.on('uncaughtException', onError);
  process.on('unhandledRejection', onError);
  process.on('beforeExit', onDry);
  process.stdout.on('error', onOutputError);
  return {
    reason,
    dispose() {
      for (const signal of signals) process.off(signal, onSignal);
      process.off('uncaughtException', onError);
      process.off('unhandledRejection', onError);
      process.off('beforeExit', onDry);
      process.stdout.off('error', onOutputError);
    },
  };
}
