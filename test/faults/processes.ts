// Real separate processes for the lock and save faults: the saver and the command line, run as
// they are, as another user (setpriv) or in a PID namespace of their own (unshare), as root.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { chmod } from 'node:fs/promises';
import { cliPath, saverPath } from './setup/saver-path.js';

export interface Finished {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** How a process is started: as it is, as uid/gid 65534 (nobody), or in a new PID namespace. */
export type Where = 'here' | 'nobody' | 'namespace';

/**
 * The command that runs `node args` there. In a namespace, the next pid is set first so that
 * node gets `pid` there, a pid no process has here (unshare's child is pid 1 of the namespace).
 */
function command(where: Where, args: string[], pid?: number): [string, string[]] {
  if (where === 'here') return [process.execPath, args];
  if (where === 'nobody') return ['setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, ...args]];
  const quoted = [process.execPath, ...args].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
  const script = `${pid === undefined ? '' : `echo ${pid - 1} > /proc/sys/kernel/ns_last_pid; `}${quoted}; exit $?`;
  return ['unshare', ['--pid', '--fork', '--mount-proc', '--kill-child', 'sh', '-c', script]];
}

/** Runs the command line to its end. */
export function runCli(args: string[], where: Where = 'here', pid?: number): Promise<Finished> {
  const [file, argv] = command(where, [cliPath, ...args], pid);
  return new Promise((resolve) => {
    execFile(file, argv, (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }));
  });
}

export interface Running {
  child: ChildProcess;
  /** Everything it printed so far, stdout and stderr apart. */
  stdout: () => string;
  stderr: () => string;
  exited: Promise<Finished>;
  /** Resolves once a line of stdout starts with `prefix`. */
  printed(prefix: string): Promise<void>;
}

function started(file: string, argv: string[]): Running {
  const child = spawn(file, argv, { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let out = '';
  let err = '';
  const waiting: { prefix: string; resolve: () => void }[] = [];
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    out += chunk;
    for (const w of waiting.splice(0)) (out.split('\n').some((line) => line.startsWith(w.prefix)) ? w.resolve() : waiting.push(w));
  });
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (err += chunk));
  const exited = new Promise<Finished>((resolve) => child.on('exit', (code) => resolve({ code, stdout: out, stderr: err })));
  return {
    child,
    stdout: () => out,
    stderr: () => err,
    exited,
    printed: (prefix) =>
      new Promise<void>((resolve, reject) => {
        if (out.split('\n').some((line) => line.startsWith(prefix))) return resolve();
        waiting.push({ prefix, resolve });
        void exited.then((f) => reject(new Error(`exited (${f.code}) before printing "${prefix}": ${f.stderr}`)));
      }),
  };
}

/** Starts the saver (saves a growing database until killed; prints `ready`, then `saved <v>`). */
export function startSaver(database: string, where: Where = 'here', pid?: number): Running {
  return started(...command(where, [saverPath, database, '0'], pid));
}

/** Starts the command line and leaves it running. */
export function startCli(args: string[], where: Where = 'here', pid?: number): Running {
  return started(...command(where, [cliPath, ...args], pid));
}

/** Kills a started process and everything it started (its process group; a namespace's init takes the rest). */
export async function kill(running: Running): Promise<void> {
  if (running.child.exitCode === null && running.child.signalCode === null) {
    try {
      process.kill(-running.child.pid!, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  await running.exited;
}

/** Whether a process with this pid exists in this PID namespace. */
export function visibleHere(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** A pid no process here has, for a process in a new namespace to take there. */
export function invisiblePid(): number {
  for (;;) {
    const pid = 20_000 + Math.floor(Math.random() * 10_000);
    if (!visibleHere(pid) && !visibleHere(pid - 1)) return pid;
  }
}

/** Lets uid 65534 into a test folder (temp folders are 0700). */
export async function openTo(folder: string, mode = 0o777): Promise<void> {
  await chmod(folder, mode);
}
