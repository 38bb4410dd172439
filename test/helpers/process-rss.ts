/**
 * Peak RSS of a child process and of every process it starts, each on its own: the kernel's high-water
 * mark (`VmHWM` in /proc/PID/status) sampled while the tree runs, and the child's own peak from wait4
 * through GNU time at the end, so a peak reached just before exit is not missed. Worker threads live in
 * their process, so their memory is in its figure.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';

export interface ProcessPeak {
  readonly pid: number;
  /** The command line, shortened to its program and first arguments. */
  readonly command: string;
  readonly rssMiB: number;
}

export interface TreeRun {
  readonly status: number | null;
  readonly wallSeconds: number;
  /** User plus system CPU of the child and everything it waited for. */
  readonly cpuSeconds: number;
  /** The child first, then every process it started, in the order they were first seen. */
  readonly processes: readonly ProcessPeak[];
  readonly stderr: string;
}

function readProc(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined; // the process ended between listing and reading
  }
}

function childrenOf(pid: number): number[] {
  const tasks = readProc(`/proc/${pid}/task/${pid}/children`);
  return tasks === undefined ? [] : tasks.trim().split(/\s+/).filter(Boolean).map(Number);
}

function highWaterMiB(pid: number): number | undefined {
  const match = /VmHWM:\s+(\d+) kB/.exec(readProc(`/proc/${pid}/status`) ?? '');
  return match ? Number(match[1]) / 1024 : undefined;
}

function commandOf(pid: number): string {
  const argv = (readProc(`/proc/${pid}/cmdline`) ?? '').split('\0').filter(Boolean);
  const words = argv.map((a) => a.slice(a.lastIndexOf('/') + 1));
  return words.slice(0, 4).join(' ');
}

/** Runs `command` under GNU time, sampling the RSS of its process tree every `intervalMs`. */
export function runTree(
  command: string,
  args: readonly string[],
  options: { env?: NodeJS.ProcessEnv; intervalMs?: number } = {},
): Promise<TreeRun> {
  const started = process.hrtime.bigint();
  const child = spawn('/usr/bin/time', ['-f', '%e %U %S %M', command, ...args], {
    env: options.env ?? process.env,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const peaks = new Map<number, { command: string; rssMiB: number }>();
  const sample = () => {
    if (child.pid === undefined) return;
    const stack = childrenOf(child.pid);
    while (stack.length > 0) {
      const pid = stack.pop() as number;
      const rss = highWaterMiB(pid);
      if (rss !== undefined) {
        const known = peaks.get(pid);
        peaks.set(pid, { command: known?.command ?? commandOf(pid), rssMiB: Math.max(rss, known?.rssMiB ?? 0) });
      }
      for (const grandchild of childrenOf(pid)) stack.push(grandchild);
    }
  };
  const timer = setInterval(sample, options.intervalMs ?? 50);
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (text: string) => {
    stderr += text;
  });
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (status) => {
      clearInterval(timer);
      const wallSeconds = Number(process.hrtime.bigint() - started) / 1e9;
      const lines = stderr.trimEnd().split('\n');
      const [, user = 'NaN', system = 'NaN', kib = 'NaN'] = (lines.pop() ?? '').split(' ');
      const processes = [...peaks].map(([pid, peak]) => ({ pid, ...peak }));
      // GNU time's own figure is the direct child's peak (largest of it and what it waited for)
      const [first, ...rest] = processes;
      const direct = first ? { ...first, rssMiB: Math.max(first.rssMiB, Number(kib) / 1024) } : undefined;
      resolve({
        status,
        wallSeconds,
        cpuSeconds: Number(user) + Number(system),
        processes: direct ? [direct, ...rest] : [{ pid: 0, command, rssMiB: Number(kib) / 1024 }],
        stderr: lines.join('\n'),
      });
    });
  });
}
