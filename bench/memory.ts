/**
 * Flat memory at any image size (issue 17): `sgci files`, `sgci sbom` and `sgci scan` of a synthetic image at
 * 0.25, 0.5, 1 and 2 GB of layer bytes (scale 1: 300,000 files, two 500 MB files, six layers, whiteouts, package
 * databases; test/helpers/large-image.ts), each as a child process. Printed per size and command: wall and CPU
 * seconds, seconds per GB of layer bytes, the ratio to the floor (`gzip -dc` of the layers) and the peak RSS of
 * every process of the run (the sgci process and any process it starts; worker threads are inside their
 * process's figure), against the target of at most 200 MiB in every process. Then the linearity: seconds per GB
 * at each size beside the largest. Images are generated on first use and cached under the fixtures directory.
 *
 * Run alone: node_modules/.bin/node bench/memory.ts [--runs N] [--scales 0.125,0.25,0.5,1]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { type LargeImage, largeImage } from '../test/helpers/large-image.ts';
import { runTree, type TreeRun } from '../test/helpers/process-rss.ts';
import { headline, quick } from './lib/headline.ts';
import { fmt, table } from './lib/report.ts';

const repo = resolve(import.meta.dirname, '..');
const targetMiB = 200;
const GB = 1e9;
const commands = ['files', 'sbom', 'scan'] as const;
type Command = (typeof commands)[number];

function options(args: readonly string[]): { runs: number; scales: number[] } {
  const value = (flag: string) => {
    const at = args.indexOf(flag);
    return at >= 0 ? args[at + 1] : undefined;
  };
  return {
    runs: Math.max(1, Number(value('--runs') ?? 1)),
    scales: (value('--scales') ?? (quick ? '0.125' : '0.125,0.25,0.5,1')).split(',').map(Number),
  };
}

/** The fastest of `runs` runs, with the largest peak RSS each process reached in any of them. */
async function fastest(runs: number, run: () => Promise<TreeRun>): Promise<TreeRun> {
  let best: TreeRun | undefined;
  const peaks = new Map<number, number>();
  for (let i = 0; i < runs; i++) {
    const r = await run();
    // processes are matched by their place in the tree's order: the sgci process first
    for (const [place, p] of r.processes.entries()) peaks.set(place, Math.max(peaks.get(place) ?? 0, p.rssMiB));
    if (best === undefined || r.wallSeconds < best.wallSeconds) best = r;
  }
  const chosen = best as TreeRun;
  return {
    ...chosen,
    processes: chosen.processes.map((p, place) => ({ ...p, rssMiB: peaks.get(place) ?? p.rssMiB })),
  };
}

function sgciRun(command: Command, image: LargeImage, home: string): Promise<TreeRun> {
  const args = [join(repo, 'bin', 'sgci.js'), command, `oci-dir:${image.dir}`];
  if (command === 'scan') args.push('--out', join(home, 'out'));
  return runTree(process.execPath, args, { env: { ...process.env, SGCI_HOME: home, NO_COLOR: '1' } });
}

function floorRun(image: LargeImage): Promise<TreeRun> {
  return runTree('/bin/sh', ['-c', 'for f in "$@"; do gzip -dc "$f" > /dev/null; done', 'floor', ...image.blobs]);
}

/** `142` or `142 + git 12`: the sgci process, then each process it started with its program's name. */
function peaks(run: TreeRun): string {
  const [main, ...side] = run.processes;
  const others = side.map((p) => ` + ${p.command.split(' ')[0]} ${fmt(p.rssMiB, 0)}`).join('');
  return `${fmt(main?.rssMiB ?? Number.NaN, 0)}${others}`;
}

/** Peak RSS by process for the summary: `sgci`, then each process it started by its program's name. */
function processPeaks(run: TreeRun): Record<string, number> {
  const peaks: Record<string, number> = {};
  for (const [place, p] of run.processes.entries()) {
    const name = place === 0 ? 'sgci' : (p.command.split(' ')[0] ?? 'child');
    peaks[name in peaks ? `${name} #${place}` : name] = p.rssMiB;
  }
  return peaks;
}

/** The floor's shell and one gzip per layer, one after the other: the largest of them. */
function largestPeak(run: TreeRun): number {
  return run.processes.reduce((max, p) => Math.max(max, p.rssMiB), 0);
}

async function main(): Promise<void> {
  const { runs, scales } = options(process.argv.slice(2));
  const home = mkdtempSync(join(tmpdir(), 'sgci-bench-memory-'));
  const rows: string[][] = [];
  const perGb = new Map<Command, { wall: number; cpu: number }[]>();
  let failed = false;
  try {
    for (const scale of scales) {
      const image = await largeImage(scale);
      const gb = image.layerBytes / GB;
      const floor = await fastest(runs, () => floorRun(image));
      rows.push([
        fmt(gb, 2),
        String(image.spec.files),
        'floor (gzip -dc)',
        fmt(floor.wallSeconds),
        fmt(floor.cpuSeconds),
        fmt(floor.wallSeconds / gb),
        fmt(floor.cpuSeconds / gb),
        '1.0',
        fmt(largestPeak(floor), 0),
        '',
      ]);
      for (const command of commands) {
        const run = await fastest(runs, () => sgciRun(command, image, home));
        // exit 1 is a scan whose gate failed, a normal outcome; 2 is an error
        if (run.status !== 0 && !(command === 'scan' && run.status === 1)) {
          failed = true;
          process.stdout.write(`sgci ${command} at ${fmt(gb)} GB failed (${run.status}): ${run.stderr}\n`);
        }
        const largest = largestPeak(run);
        headline({
          what: `sgci ${command}, ${fmt(gb, 2)} GB synthetic image (${image.spec.files.toLocaleString('en')} files), per GB`,
          value: run.status === 0 || (command === 'scan' && run.status === 1) ? run.wallSeconds / gb : Number.NaN,
          unit: 's/GB',
          reference: { name: 'gzip -dc', value: floor.wallSeconds / gb, rssMiB: largestPeak(floor) },
          rssMiB: processPeaks(run),
          rssLimitMiB: targetMiB,
        });
        perGb.set(command, [...(perGb.get(command) ?? []), { wall: run.wallSeconds / gb, cpu: run.cpuSeconds / gb }]);
        rows.push([
          fmt(gb, 2),
          String(image.spec.files),
          `sgci ${command}`,
          fmt(run.wallSeconds),
          fmt(run.cpuSeconds),
          fmt(run.wallSeconds / gb),
          fmt(run.cpuSeconds / gb),
          fmt(run.wallSeconds / floor.wallSeconds, 1),
          peaks(run),
          largest <= targetMiB ? 'ok' : 'OVER',
        ]);
      }
    }
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
  const header = [
    'GB',
    'files',
    'command',
    'wall s',
    'CPU s',
    's/GB',
    'CPU s/GB',
    'x floor',
    'peak RSS MiB per process',
    'target',
  ];
  process.stdout.write(
    `fastest of ${runs} run(s); GB = uncompressed layer bytes; target: peak RSS <= ${targetMiB} MiB in every process, time linear in layer bytes\n${table(header, rows, 'end')}\n\nlinearity: seconds per GB at each size / at the largest, wall (CPU); 1.00 throughout is linear\n`,
  );
  for (const [command, seconds] of perGb) {
    const last = seconds.at(-1);
    const ratios = seconds.map(
      (s) => `${fmt(s.wall / (last?.wall ?? Number.NaN))} (${fmt(s.cpu / (last?.cpu ?? Number.NaN))})`,
    );
    process.stdout.write(`  sgci ${command}: ${ratios.join('  ')}\n`);
  }
  if (failed) process.exitCode = 1;
}

await main();
