/**
 * Runs sgci the two ways the CLI tests need: the real bin in a child Node 24 process (exit status,
 * no terminal, as users and CI run it) and main() in this process (one module load instead of one
 * per call, which matters on a loaded runner).
 */
import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { main } from '../../src/cli/main.ts';

const repo = resolve(import.meta.dirname, '..', '..');
// node_modules/.bin/node is Node 24; the system node cannot run sgci
const node = resolve(repo, 'node_modules', '.bin', 'node');
const bin = resolve(repo, 'bin', 'sgci.js');

export interface CliResult {
  /** The exit code; -1 when the process was killed (timeout) or could not start. */
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export interface CliOptions {
  /** Set on top of this process's environment. */
  readonly env?: Readonly<Record<string, string>>;
  /** Removed from the inherited environment first (passwords a developer may have exported). */
  readonly unset?: readonly string[];
}

export interface BinOptions extends CliOptions {
  /** Written to the child's stdin, which is then closed. */
  readonly stdin?: string;
  /** Milliseconds before the child is killed; none by default. */
  readonly timeout?: number;
  /** Node's own options, before the bin (`--expose-internals`). */
  readonly nodeArgs?: readonly string[];
}

/** Runs bin/sgci.js in a child process; resolves with the exit code and output, never rejects on a non-zero exit. */
export function runSgci(args: readonly string[], options: BinOptions = {}): Promise<CliResult> {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of options.unset ?? []) delete env[name];
  Object.assign(env, options.env);
  return new Promise((done) => {
    const child = execFile(
      node,
      [...(options.nodeArgs ?? []), bin, ...args],
      { cwd: repo, env, timeout: options.timeout ?? 0, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
        done({ code, stdout, stderr });
      },
    );
    child.stdin?.end(options.stdin ?? '');
  });
}

/**
 * Runs main() in this process with its text output captured and the environment swapped in for the
 * call only. process.exitCode (set by gates such as --fail-on) is cleared so it cannot leak into the
 * test process.
 */
export async function runMain(args: readonly string[], options: CliOptions = {}): Promise<CliResult> {
  const saved = { ...process.env };
  for (const name of options.unset ?? []) delete process.env[name];
  Object.assign(process.env, options.env);
  const out: string[] = [];
  const err: string[] = [];
  const writeOut = process.stdout.write.bind(process.stdout);
  const writeErr = process.stderr.write.bind(process.stderr);
  // sgci writes strings; the test runner reports to its parent over this same stdout in binary
  // frames, which must pass through untouched.
  const capture =
    (into: string[], original: (...args: never[]) => boolean) =>
    (chunk: string | Uint8Array, ...rest: unknown[]): boolean => {
      if (typeof chunk !== 'string') return original(...([chunk, ...rest] as never[]));
      into.push(chunk);
      const callback = rest.find((r) => typeof r === 'function') as ((e?: Error) => void) | undefined;
      callback?.();
      return true;
    };
  process.stdout.write = capture(out, writeOut) as typeof process.stdout.write;
  process.stderr.write = capture(err, writeErr) as typeof process.stderr.write;
  try {
    const code = await main(['node', 'sgci', ...args]);
    return { code, stdout: out.join(''), stderr: err.join('') };
  } finally {
    process.stdout.write = writeOut;
    process.stderr.write = writeErr;
    process.exitCode = undefined;
    for (const name of Object.keys(process.env)) if (!(name in saved)) delete process.env[name];
    Object.assign(process.env, saved);
  }
}
