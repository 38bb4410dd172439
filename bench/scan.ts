/**
 * `sgci scan` (SBOM + secrets + file digests + every check + the five reports, one pass over the layers) on
 * each fixture image and on the polyglot image (bench/lib/polyglot.ts) beside the floor: gzip -dc of the image's
 * compressed layers, the least work any tool reading the image must do. The advisory database holds a real set
 * (the corpus's OSV data and generated records up to 200,000, as bench/db builds it), so matching runs as a user
 * meets it. Target (issue 17 item 2): at most 1.3x the floor, peak RSS at most 200 MiB. The scan inflates layers on
 * its own thread by default (a layer worker costs ~20 MiB the scan of a large image does not have); the polyglot
 * image also runs with one layer worker (`SGCI_JOBS=1`), for what it would give. Where `node -e 0` alone takes over
 * half of 1.3x the floor (distroless-static: a floor of milliseconds), the figure is shown with that bound and no
 * target. No peer does the
 * same job (Dockle runs ~20 CIS checks without SBOM or evidence), so none is run.
 *
 * Run alone: node_modules/.bin/node bench/scan.ts [--runs N] [records] [fixture ... | polyglot]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fixture, fixtureNames, fixturesMissing } from '../test/helpers/fixtures.ts';
import { buildAdvisoryHome } from './lib/advisories.ts';
import { benchArguments, layerBlobs, layoutLayerBlobs } from './lib/fixtures.ts';
import { headline, quick, skipped } from './lib/headline.ts';
import { fastestRun, runTimed } from './lib/measure.ts';
import { polyglotImage } from './lib/polyglot.ts';
import { fmt, table } from './lib/report.ts';

const repo = resolve(import.meta.dirname, '..');

interface Run {
  readonly seconds: number;
  readonly cpuSeconds: number;
  readonly rssMb: number;
  readonly status: number | null;
}

/** Wall time (to the millisecond, as this process sees the child run), CPU time and peak RSS (GNU time) of a child. */
function measure(command: string, args: readonly string[], env: NodeJS.ProcessEnv = process.env): Run {
  const r = runTimed(command, args, { env, stdout: 'ignore' });
  return { seconds: r.wallSeconds, cpuSeconds: r.cpuSeconds, rssMb: r.rssMiB, status: r.status };
}

async function main(): Promise<void> {
  const missing = fixturesMissing();
  if (missing) {
    skipped(missing);
    return;
  }
  const args = process.argv.slice(2);
  const { runs, fixtures: named } = benchArguments(args);
  const records = Number(
    args.find((a, i) => /^\d+$/.test(a) && args[i - 1] !== '--runs') ?? (quick ? 20_000 : 200_000),
  );
  // `polyglot` alone: that image only
  const onlyPolyglot = args.includes('polyglot') && !args.some((a) => (fixtureNames as readonly string[]).includes(a));
  const images: { name: string; dir: string; blobs: string[]; jobs?: string }[] = (onlyPolyglot ? [] : named).map(
    (name) => ({ name, dir: fixture(name).ociDir, blobs: layerBlobs(name) }),
  );
  if (onlyPolyglot || !args.some((a) => (fixtureNames as readonly string[]).includes(a))) {
    const polyglot = polyglotImage();
    if ('dir' in polyglot) {
      const blobs = layoutLayerBlobs(polyglot.dir);
      images.push({ name: 'polyglot', dir: polyglot.dir, blobs });
      images.push({ name: 'polyglot (SGCI_JOBS=1)', dir: polyglot.dir, blobs, jobs: '1' });
    } else {
      skipped(`polyglot image: ${polyglot.missing}`);
    }
  }
  const home = mkdtempSync(join(tmpdir(), 'sgci-bench-scan-'));
  const rows: string[][] = [];
  try {
    const total = await buildAdvisoryHome(home, records);
    // Node's own start-up: where it alone uses more than half of the goal's 1.3x of the floor (distroless-static,
    // whose floor of milliseconds is mostly starting gzip), what is left cannot hold loading and running a scan,
    // and the figure says so instead of carrying the goal.
    const nodeStart = fastestRun(Array.from({ length: runs }, () => measure(process.execPath, ['-e', '0'])));
    for (const { name, dir, blobs, jobs } of images) {
      const out = join(home, 'out');
      const env = {
        ...process.env,
        SGCI_HOME: home,
        NO_COLOR: '1',
        ...(jobs === undefined ? {} : { SGCI_JOBS: jobs }),
      };
      const scans: Run[] = [];
      const floors: Run[] = [];
      for (let i = 0; i < runs; i++) {
        scans.push(
          measure(process.execPath, [join(repo, 'bin', 'sgci.js'), 'scan', `oci-dir:${dir}`, '--out', out], env),
        );
        floors.push(measure('/bin/sh', ['-c', 'for f in "$@"; do gzip -dc "$f" > /dev/null; done', 'floor', ...blobs]));
      }
      const scan = fastestRun(scans);
      const floor = fastestRun(floors);
      const cpu = Math.min(...scans.map((s) => s.cpuSeconds));
      const floorCpu = Math.min(...floors.map((f) => f.cpuSeconds));
      const rss = Math.max(...scans.map((s) => s.rssMb));
      // exit 1 (gate failed) is a normal outcome of a scan; 2 is an error
      const ok = scans.every((s) => s.status === 0 || s.status === 1);
      const ratio = scan.seconds / floor.seconds;
      const startRatio = nodeStart.seconds / floor.seconds;
      const bounded =
        startRatio > 1.3 / 2 ? `node -e 0 alone takes ${fmt(startRatio)}x the floor (Node's start-up)` : undefined;
      headline({
        what: `sgci scan ${name}`,
        value: ok ? scan.seconds : Number.NaN,
        unit: 's',
        reference: { name: 'gzip -dc', value: floor.seconds, rssMiB: floor.rssMb },
        ...(bounded !== undefined
          ? { bounded }
          : { target: { on: 'ratio', direction: '<=', limit: 1.3, source: '#17' } as const }),
        rssMiB: { sgci: rss },
        rssLimitMiB: 200,
      });
      rows.push([
        name,
        String(blobs.length),
        fmt(scan.seconds),
        fmt(floor.seconds),
        fmt(ratio),
        fmt(cpu),
        fmt(floorCpu),
        fmt(cpu / floorCpu),
        fmt(rss, 0),
        bounded !== undefined ? 'bounded' : ratio <= 1.3 && rss <= 200 ? 'met' : 'NOT met',
        ok ? 'ok' : 'ERROR',
      ]);
    }
    const header = [
      'image',
      'layers',
      'sgci scan s',
      'floor s',
      'ratio',
      'scan cpu',
      'floor cpu',
      'cpu ratio',
      'sgci RSS MiB',
      'target',
      'status',
    ];
    process.stdout.write(
      `best of ${runs} runs, ${total.toLocaleString('en')} advisories in the database; target ratio <= 1.3, RSS <= 200 MiB; node -e 0 ${fmt(nodeStart.seconds)} s (bounded: Node's start-up alone is over half of 1.3x the floor)\n${table(header, rows, 'end')}\n`,
    );
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
  if (rows.some((r) => r.at(-1) !== 'ok')) process.exitCode = 1;
}

await main();
