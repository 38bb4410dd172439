/**
 * Filesystem-view benchmark: for each fixture image, one full pass (all metadata, a visitor that
 * wants nothing, diffID verification) against the floor, `gzip -dc` of the same layer blobs to
 * /dev/null. Both run as child processes so wall time, CPU time and peak RSS are measured alike.
 *
 *   node_modules/.bin/node bench/fs.ts [--runs N] [NAME...]     (default: 3 runs, all five images)
 */
import { defaultLimits } from '../src/core/index.ts';
import { readFilesystem } from '../src/oci/fs/index.ts';
import type { FileVisitor } from '../src/oci/types.ts';
import { type FixtureName, fixture, fixtureNames, fixturesMissing } from '../test/helpers/fixtures.ts';
import { ociLayoutLayers } from '../test/helpers/synthetic-image.ts';
import { layerBlobs } from './lib/fixtures.ts';
import { headline, quick, skipped } from './lib/headline.ts';
import { runTimed } from './lib/measure.ts';
import { table } from './lib/report.ts';

interface Run {
  readonly wall: number;
  readonly cpu: number;
  readonly rssMiB: number;
}

/** In the child: one pass, then wall/CPU seconds and peak RSS as JSON on stdout. */
async function child(name: string): Promise<void> {
  const before = process.resourceUsage();
  const started = performance.now();
  const layers = await ociLayoutLayers(fixture(name as (typeof fixtureNames)[number]).ociDir);
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
  process.stdout.write(
    JSON.stringify({
      wall: (performance.now() - started) / 1000,
      cpu: (usage.userCPUTime + usage.systemCPUTime - before.userCPUTime - before.systemCPUTime) / 1e6,
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
function timeChild(command: string, args: string[]): Run & { stdout: string } {
  const r = runTimed(command, args);
  if (r.status !== 0) throw new Error(`${command} failed (${r.status}): ${r.stderr}`);
  return { wall: r.wallSeconds, cpu: r.cpuSeconds, rssMiB: r.rssMiB, stdout: r.stdout };
}

async function main(): Promise<void> {
  const missing = fixturesMissing();
  if (missing) {
    console.error(`bench/fs: skipped: ${missing}`);
    skipped(missing);
    return;
  }
  const args = process.argv.slice(2);
  const runsFlag = args.indexOf('--runs');
  const runs = runsFlag >= 0 ? Math.max(1, Number(args.splice(runsFlag, 2)[1]) || 1) : quick ? 1 : 3;
  const names = args.length > 0 ? args : [...fixtureNames];
  let peakRss = 0;
  const header = [
    'image',
    'entries',
    'pass s',
    'floor s',
    'ratio',
    'pass cpu',
    'floor cpu',
    'cpu ratio',
    'process s',
    'peak RSS MiB',
  ];
  const rows: string[][] = [];
  for (const name of names) {
    const blobs = layerBlobs(name as FixtureName);
    // Alternate floor and sgci runs and keep the fastest of each: on a shared machine the minimum
    // is the figure least disturbed by other load. Peak RSS is the largest seen.
    let floor: Run | undefined;
    let pass: (Run & { entries: number }) | undefined;
    let whole: Run | undefined;
    for (let run = 0; run < runs; run++) {
      const f = timeChild('sh', ['-c', 'for f in "$@"; do gzip -dc "$f"; done > /dev/null', 'floor', ...blobs]);
      const s = timeChild(process.execPath, [import.meta.filename, '--child', name]);
      const p = JSON.parse(s.stdout) as Run & { entries: number };
      floor = fastest(floor, f);
      pass = fastest(pass, p);
      whole = fastest(whole, s);
      peakRss = Math.max(peakRss, s.rssMiB);
    }
    if (!floor || !pass || !whole) continue;
    headline({
      what: `layer pass (sgci files) ${name}, ${blobs.length} layers`,
      value: pass.wall,
      unit: 's',
      reference: { name: 'gzip -dc', value: floor.wall, rssMiB: floor.rssMiB },
      target: { on: 'ratio', direction: '<=', limit: 0.5, source: '#17' },
      rssMiB: { sgci: peakRss },
    });
    rows.push([
      name,
      String(pass.entries),
      pass.wall.toFixed(2),
      floor.wall.toFixed(2),
      (pass.wall / floor.wall).toFixed(2),
      pass.cpu.toFixed(2),
      floor.cpu.toFixed(2),
      (pass.cpu / floor.cpu).toFixed(2),
      whole.wall.toFixed(2),
      peakRss.toFixed(0),
    ]);
    peakRss = 0;
  }
  console.log(table(header, rows, 'start'));
}

if (process.argv[2] === '--child') await child(process.argv[3] ?? '');
else await main();
