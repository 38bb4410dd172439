/**
 * `sgci sbom` on the docker-archive of each fixture image, side by side with cdxgen (the JavaScript
 * peer), and its engine on the image's OCI layout beside the floor (gzip -dc of those compressed layers: the
 * least work any tool reading the image must do; a docker archive's layers are not compressed, so timing the
 * engine on it against that floor would leave the inflating out). Prints wall time and peak RSS of each, the
 * ratios, and what each found.
 *
 * cdxgen is installed on first use into ~/.cache/sgci-bench/cdxgen (outside the repository) with
 * `npm install --prefix`, and runs offline: FETCH_LICENSE=false (no registry license lookups), no
 * server mode, `-t docker` on the docker-archive tar (cdxgen reads `docker save` tars directly).
 *
 * sgci and the floor are each run `--runs` times (default 3) and the fastest run counts: on a shared
 * machine the minimum is the figure least disturbed by other load. cdxgen (10-20 s a run) runs once.
 *
 * The polyglot image (bench/lib/polyglot.ts, several hundred MB in seven layers) runs as well, from its OCI
 * layout, without cdxgen (minutes on an image that size), once with the default layer workers and once with
 * none (`SGCI_JOBS=0`): the speed-up the parallel layer pass gives `sgci sbom`. Target (issue 17 item 5): at
 * most 0.5x the floor for a multi-layer image on two cores where no layer holds more than half of the compressed
 * bytes (`oneLayerBound`: one gzip stream inflates on one core).
 *
 * Run alone: node_modules/.bin/node bench/sbom.ts [--runs N] [fixture ... | polyglot]
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, homedir, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fixture, fixtureNames, fixturesMissing } from '../test/helpers/fixtures.ts';
import { benchArguments, layerBlobs, layoutLayerBlobs, oneLayerBound } from './lib/fixtures.ts';
import { headline, quick, skipped } from './lib/headline.ts';
import { fastestRun, runTimed } from './lib/measure.ts';
import { polyglotImage } from './lib/polyglot.ts';
import { fmt, table } from './lib/report.ts';

const repo = resolve(import.meta.dirname, '..');
const node = process.execPath;
const cdxgenDir = join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'sgci-bench', 'cdxgen');
const cdxgenBin = join(cdxgenDir, 'node_modules', '@cyclonedx', 'cdxgen', 'bin', 'cdxgen.js');

interface Run {
  seconds: number;
  rssMb: number;
  ok: boolean;
  stdout?: string;
}

/** Wall time and peak RSS of a child process, as GNU time measures them; a failure is shown, not fatal. */
function measure(command: string, args: readonly string[], env: NodeJS.ProcessEnv = process.env): Run {
  const r = runTimed(command, args, { env });
  if (r.status !== 0) process.stderr.write(`${command} ${args.join(' ')} failed:\n${r.stderr.slice(-2000)}\n`);
  return { seconds: r.elapsedSeconds, rssMb: r.rssMiB, ok: r.status === 0, stdout: r.stdout };
}

/** Runs a measurement `runs` times: the fastest counts, and it is ok only when every run was. */
function fastest(runs: number, run: () => Run): Run {
  const all = Array.from({ length: runs }, run);
  return { ...fastestRun(all), ok: all.every((r) => r.ok) };
}

/**
 * `--worker ARCHIVE`: the same work as `sgci sbom` (open, one pass, catalogue, encode CycloneDX)
 * timed inside the process after the modules are loaded, so the table can show the engine apart
 * from Node's start-up and TypeScript loading, which a loaded machine inflates most.
 */
async function worker(input: string): Promise<void> {
  const { openImage } = await import('../src/oci/source/index.ts');
  const { describeImage } = await import('../src/oci/image/index.ts');
  const { catalogerNeeds, catalogFilesystem } = await import('../src/catalog/index.ts');
  const { encodeSbom } = await import('../src/sbom/index.ts');
  const { defaultLimits } = await import('../src/core/index.ts');
  const start = performance.now();
  await using image = await openImage(input, { limits: defaultLimits });
  const needs = catalogerNeeds();
  const fs = await image.filesystem(needs);
  const text = encodeSbom(await catalogFilesystem(describeImage(image), fs, needs), 'cyclonedx-json');
  process.stdout.write(`${JSON.stringify({ seconds: (performance.now() - start) / 1000, bytes: text.length })}\n`);
}

function ensureCdxgen(): boolean {
  if (existsSync(cdxgenBin)) return true;
  mkdirSync(cdxgenDir, { recursive: true });
  process.stdout.write(`installing @cyclonedx/cdxgen into ${cdxgenDir} ...\n`);
  const r = spawnSync('npm', ['install', '--prefix', cdxgenDir, '--no-audit', '--no-fund', '@cyclonedx/cdxgen'], {
    stdio: 'inherit',
  });
  return r.status === 0 && existsSync(cdxgenBin);
}

/** Components per purl type (deb, npm, pypi …) in a CycloneDX JSON file. */
function found(file: string): Record<string, number> {
  if (!existsSync(file)) return {};
  const bom = JSON.parse(readFileSync(file, 'utf8'));
  const counts: Record<string, number> = {};
  for (const c of bom.components ?? []) {
    const type = typeof c.purl === 'string' ? c.purl.slice(4, c.purl.indexOf('/')) : c.type;
    counts[type] = (counts[type] ?? 0) + 1;
  }
  return counts;
}

function main(): void {
  const missing = fixturesMissing();
  if (missing) {
    skipped(missing);
    return;
  }
  const args = process.argv.slice(2);
  const { runs, fixtures: names } = benchArguments(args);
  // `polyglot` alone: that image only
  const fixturesWanted =
    args.includes('polyglot') && !args.some((a) => (fixtureNames as readonly string[]).includes(a)) ? [] : names;
  // `input` is what sgci and cdxgen read as a whole process (a docker archive: cdxgen's input, uncompressed layers);
  // `layout` is what the engine is timed on beside the floor: the very blobs `gzip -dc` inflates.
  const images: {
    name: string;
    input: string;
    layout: string;
    blobs: string[];
    archive?: string;
    env?: NodeJS.ProcessEnv;
    layered: boolean;
  }[] = fixturesWanted.map((name) => ({
    name,
    input: `docker-archive:${fixture(name).dockerArchive}`,
    layout: `oci-dir:${fixture(name).ociDir}`,
    blobs: layerBlobs(name),
    archive: fixture(name).dockerArchive,
    layered: true,
  }));
  if (args.every((a) => a.startsWith('-') || /^\d+$/.test(a)) || args.includes('polyglot')) {
    const polyglot = polyglotImage();
    if ('dir' in polyglot) {
      const blobs = layoutLayerBlobs(polyglot.dir);
      const input = `oci-dir:${polyglot.dir}`;
      images.push({ name: 'polyglot', input, layout: input, blobs, layered: true });
      // the baseline of the layer workers' speed-up: one core by design, so item 5's goal is not its
      images.push({
        name: 'polyglot (no layer workers)',
        input,
        layout: input,
        blobs,
        env: { ...process.env, SGCI_JOBS: '0' },
        layered: false,
      });
    } else {
      skipped(`polyglot image: ${polyglot.missing}`);
    }
  }
  // --quick: no peer (cdxgen takes 10-20 s a run and its first use installs it)
  const haveCdxgen = !quick && ensureCdxgen();
  const out = mkdtempSync(join(tmpdir(), 'sgci-bench-sbom-'));
  const rows: string[][] = [];
  const findings: string[] = [];
  try {
    for (const { name, input, layout, blobs, archive, env, layered } of images) {
      const floor = fastest(runs, () => measure('sh', ['-c', 'gzip -dc "$@" > /dev/null', 'sh', ...blobs]));
      const sgciFile = join(out, `${name}.sgci.json`);
      const sgci = fastest(runs, () =>
        measure(node, [join(repo, 'bin', 'sgci.js'), 'sbom', input, '--output-file', sgciFile], env),
      );
      const work = fastest(runs, () => measure(node, [import.meta.filename, '--worker', layout], env));
      const bounded = layered ? oneLayerBound(blobs) : undefined;
      const workSeconds = Number(JSON.parse(work.stdout?.trim() || '{}').seconds);
      const cdxFile = join(out, `${name}.cdxgen.json`);
      const cdx =
        haveCdxgen && archive !== undefined
          ? measure(node, [cdxgenBin, '-t', 'docker', '-o', cdxFile, archive], {
              ...process.env,
              FETCH_LICENSE: 'false',
              CDXGEN_NO_BANNER: 'true',
            })
          : { seconds: Number.NaN, rssMb: Number.NaN, ok: false };
      headline({
        what: `sbom ${name} (engine, after module loading)`,
        value: work.ok ? workSeconds : Number.NaN,
        unit: 's',
        reference: { name: 'gzip -dc', value: floor.seconds, rssMiB: floor.rssMb },
        ...(bounded !== undefined
          ? { bounded }
          : layered
            ? { target: { on: 'ratio', direction: '<=', limit: 0.5, source: '#17' } as const }
            : {}),
        rssMiB: { 'sgci sbom': sgci.rssMb },
        rssLimitMiB: 200,
      });
      // cdxgen reads docker archives: not the polyglot image's layout
      if (archive !== undefined)
        headline({
          what: `sgci sbom ${name} (whole process)`,
          value: sgci.ok ? sgci.seconds : Number.NaN,
          unit: 's',
          reference: { name: 'cdxgen', value: cdx.ok ? cdx.seconds : Number.NaN, rssMiB: cdx.rssMb },
          // cdxgen at least 10x slower
          target: { on: 'ratio', direction: '<=', limit: 0.1, source: 'bench/sbom.ts' },
          rssMiB: { 'sgci sbom': sgci.rssMb },
          rssLimitMiB: 200,
        });
      rows.push([
        name,
        fmt(floor.seconds),
        fmt(sgci.seconds),
        fmt(workSeconds),
        fmt(cdx.seconds),
        fmt(sgci.seconds / floor.seconds),
        fmt(workSeconds / floor.seconds),
        fmt(cdx.seconds / sgci.seconds, 1),
        fmt(cdx.seconds / workSeconds, 1),
        fmt(sgci.rssMb, 0),
        fmt(cdx.rssMb, 0),
      ]);
      const show = (c: Record<string, number>) =>
        Object.entries(c)
          .sort()
          .map(([k, v]) => `${k}=${v}`)
          .join(' ');
      findings.push(`${name}\n  sgci:   ${show(found(sgciFile))}\n  cdxgen: ${show(found(cdxFile))}`);
    }
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
  const header = [
    'image',
    'floor s',
    'sgci s',
    'sgci work s',
    'cdxgen s',
    'sgci/floor',
    'work/floor',
    'cdxgen/sgci',
    'cdxgen/work',
    'sgci MB',
    'cdxgen MB',
  ];
  process.stdout.write(`best of ${runs} runs (cdxgen: one run)\n${table(header, rows, 'start')}\n`);
  process.stdout.write(
    'sgci s: the whole CLI run; sgci work s: the same work after module loading (open, pass, catalogue, encode)\n',
  );
  process.stdout.write(
    `load average at the end: ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')} on ${cpus().length} cores\n`,
  );
  process.stdout.write(
    'targets: sgci/floor <= 1.5 (<= 0.5 for a multi-layer image: issue 17 item 5), cdxgen/sgci >= 10, sgci peak RSS < 200 MB\n\n',
  );
  process.stdout.write(
    `components found (by purl type; untyped components by CycloneDX type):\n${findings.join('\n')}\n`,
  );
}

if (process.argv[2] === '--worker') await worker(process.argv[3] ?? '');
else main();
