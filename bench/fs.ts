/**
 * Filesystem-view benchmark: for each fixture image and the polyglot image (bench/lib/polyglot.ts), one
 * full pass (all metadata, a visitor that wants nothing, diffID verification) against the floor, `gzip -dc`
 * of the same layer blobs to /dev/null. Both run as child processes so wall time, CPU time and peak RSS
 * are measured alike. The pass inflates layers on its default number of workers (one per core beside its
 * own); on the polyglot image it runs with 0 (all on the pass's thread), 1 and 2 workers (`SGCI_JOBS`), for
 * the speed-up per added core. CPU time is split into the pass's own thread and the workers (on a loaded
 * machine the larger of the two is a steadier estimate of the idle wall time than the wall time itself). Target (issue 17 item 5): at most 0.5x the floor for a multi-layer image on two cores, where no layer holds more than half of
 * the compressed bytes (one gzip stream inflates on one core: such an image shows its figure and that bound).
 *
 *   node_modules/.bin/node bench/fs.ts [--runs N] [NAME...]     (default: 3 runs, all six images)
 */

import { availableParallelism } from 'node:os';
import { defaultLimits } from '../src/core/index.ts';
import { readFilesystem } from '../src/oci/fs/index.ts';
import { layerJobs } from '../src/oci/layer/index.ts';
import type { FileVisitor } from '../src/oci/types.ts';
import { fixture, fixtureNames, fixturesMissing } from '../test/helpers/fixtures.ts';
import { ociLayoutLayers } from '../test/helpers/synthetic-image.ts';
import { layoutLayerBlobs, oneLayerBound } from './lib/fixtures.ts';
import { headline, quick, skipped } from './lib/headline.ts';
import { runTimed } from './lib/measure.ts';
import { polyglotImage } from './lib/polyglot.ts';
import { table } from './lib/report.ts';

interface Run {
  readonly wall: number;
  readonly cpu: number;
  readonly rssMiB: number;
}

/** In the child: one pass, then wall/CPU seconds and peak RSS as JSON on stdout. */
async function child(dir: string): Promise<void> {
  const before = process.resourceUsage();
  const threadBefore = process.threadCpuUsage();
  const started = performance.now();
  const layers = await ociLayoutLayers(dir);
  let files = 0;
  const countingVisitor: FileVisitor = {
    name: 'bench-nothing',
    wants: () => {
      files++;
      return undefined;
    },
    visit: () => {},
  };
  const fs = await readFilesystem(layers, { visitors: [countingVisitor] }, { limits: defaultLimits });
  let entries = 0;
  for (const _ of fs.squashed.entries()) entries++;
  const usage = process.resourceUsage();
  const thread = process.threadCpuUsage(threadBefore);
  process.stdout.write(
    JSON.stringify({
      wall: (performance.now() - started) / 1000,
      cpu: (usage.userCPUTime + usage.systemCPUTime - before.userCPUTime - before.systemCPUTime) / 1e6,
      threadCpu: (thread.user + thread.system) / 1e6,
      rssMiB: usage.maxRSS / 1024,
      entries,
      files,
    }),
  );
}

/** The run with the smaller wall time, keeping the smaller CPU time too. */
function fastest<T extends Run>(best: T | undefined, next: T): T {
  if (best === undefined) return next;
  const winner = next.wall < best.wall ? next : best;
  return { ...winner, cpu: Math.min(best.cpu, next.cpu) };
}

/** A child under GNU time; the bench fails when the child fails. */
function timeChild(command: string, args: string[], env?: NodeJS.ProcessEnv): Run & { stdout: string } {
  const r = runTimed(command, args, env ? { env } : {});
  if (r.status !== 0) throw new Error(`${command} failed (${r.status}): ${r.stderr}`);
  return { wall: r.wallSeconds, cpu: r.cpuSeconds, rssMiB: r.rssMiB, stdout: r.stdout };
}

/** The images measured: the fixtures named (all by default) and the polyglot image when it can be built. */
function images(names: readonly string[]): { name: string; dir: string }[] {
  const out: { name: string; dir: string }[] = (names.length === 0 ? fixtureNames : names)
    .filter((name): name is (typeof fixtureNames)[number] => (fixtureNames as readonly string[]).includes(name))
    .map((name) => ({ name, dir: fixture(name).ociDir }));
  if (names.length === 0 || names.includes('polyglot')) {
    const polyglot = polyglotImage();
    if ('dir' in polyglot) out.push({ name: 'polyglot', dir: polyglot.dir });
    else skipped(`polyglot image: ${polyglot.missing}`);
  }
  return out;
}

async function main(): Promise<void> {
  const missing = fixturesMissing();
  if (missing) {
    skipped(missing);
    return;
  }
  const args = process.argv.slice(2);
  const runsFlag = args.indexOf('--runs');
  const runs = runsFlag >= 0 ? Math.max(1, Number(args.splice(runsFlag, 2)[1]) || 1) : quick ? 1 : 3;
  const selected = images(args);
  const header = [
    'image',
    'layers',
    'workers',
    'entries',
    'pass s',
    'floor s',
    'ratio',
    'pass cpu',
    'pass thread',
    'workers cpu',
    'floor cpu',
    'cpu ratio',
    'process s',
    'peak RSS MiB',
    'target',
  ];
  const rows: string[][] = [];
  const speedups: string[] = [];
  for (const { name, dir } of selected) {
    const blobs = layoutLayerBlobs(dir);
    // The polyglot image is the one the speed-up per added core is measured on.
    const workerCounts = name === 'polyglot' ? [0, 1, 2] : [layerJobs({})];
    const passWall = new Map<number, number>();
    for (const workers of workerCounts) {
      // Alternate floor and sgci runs and keep the fastest of each: on a shared machine the minimum
      // is the figure least disturbed by other load. Peak RSS is the largest seen.
      let floor: Run | undefined;
      let pass: (Run & { entries: number; threadCpu: number }) | undefined;
      let whole: Run | undefined;
      let peakRss = 0;
      for (let run = 0; run < runs; run++) {
        const f = timeChild('sh', ['-c', 'for f in "$@"; do gzip -dc "$f"; done > /dev/null', 'floor', ...blobs]);
        const s = timeChild(process.execPath, [import.meta.filename, '--child', dir], {
          ...process.env,
          SGCI_JOBS: String(workers),
        });
        floor = fastest(floor, f);
        pass = fastest(pass, JSON.parse(s.stdout) as Run & { entries: number; threadCpu: number });
        whole = fastest(whole, s);
        peakRss = Math.max(peakRss, s.rssMiB);
      }
      if (!floor || !pass || !whole) continue;
      passWall.set(workers, pass.wall);
      const ratio = pass.wall / floor.wall;
      // the target holds for a multi-layer image at the default layer workers, unless one layer is most of it;
      // the other counts are shown
      const targeted = blobs.length > 1 && workers === layerJobs({});
      const bounded = targeted ? oneLayerBound(blobs) : undefined;
      const target =
        !targeted || bounded !== undefined ? (bounded ?? '') : ratio <= 0.5 ? '<= 0.5 met' : '<= 0.5 NOT met';
      headline({
        what: `layer pass (sgci files) ${name}, ${blobs.length} layers, ${workers === 0 ? 'no' : workers} layer worker${workers === 1 ? '' : 's'}`,
        value: pass.wall,
        unit: 's',
        reference: { name: 'gzip -dc', value: floor.wall, rssMiB: floor.rssMiB },
        ...(bounded !== undefined
          ? { bounded }
          : targeted
            ? { target: { on: 'ratio', direction: '<=', limit: 0.5, source: '#17' } as const }
            : {}),
        rssMiB: { sgci: peakRss },
      });
      rows.push([
        name,
        String(blobs.length),
        workers === 0 ? 'none' : String(workers),
        String(pass.entries),
        pass.wall.toFixed(2),
        floor.wall.toFixed(2),
        ratio.toFixed(2),
        pass.cpu.toFixed(2),
        pass.threadCpu.toFixed(2),
        (pass.cpu - pass.threadCpu).toFixed(2),
        floor.cpu.toFixed(2),
        (pass.cpu / floor.cpu).toFixed(2),
        whole.wall.toFixed(2),
        peakRss.toFixed(0),
        target,
      ]);
    }
    if (passWall.size > 1) {
      const inThread = passWall.get(0) ?? Number.NaN;
      const steps = [...passWall].map(
        ([w, s]) => `${w === 0 ? 'none' : `${w} worker${w > 1 ? 's' : ''}`} ${(inThread / s).toFixed(2)}x`,
      );
      const perCore = (passWall.get(1) ?? Number.NaN) / (passWall.get(2) ?? Number.NaN);
      speedups.push(
        `${name}: speed-up over the pass on one thread: ${steps.join(', ')}; the second worker (added core): ${perCore.toFixed(2)}x`,
      );
    }
  }
  console.log(`best of ${runs} runs on ${availableParallelism()} cores\n${table(header, rows, 'start')}`);
  for (const line of speedups) console.log(line);
}

if (process.argv[2] === '--child') await child(process.argv[3] ?? '');
else await main();
