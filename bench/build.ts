/**
 * Assembling an image from warm-cache .debs (`assembleImage`: sha256 check, unpack, synthesis, deterministic tar,
 * compression, OCI layout) beside the floor of decompressing the same data members with the system's
 * `dpkg-deb --fsys-tarfile` (the least work anything unpacking these packages must do). The target is at
 * most 1.5x the floor. Packages come from the apt cache (/var/cache/apt/archives); a set with a package missing there
 * is skipped, saying which.
 *
 * Each side runs `--runs` times (default 3) and the fastest run counts, with its CPU seconds beside (user + system,
 * all threads; on a loaded machine the steadier figure). Each sgci run is its own process (`--one SET COMPRESSION`),
 * timed inside after its modules are loaded, its peak RSS (GNU time) that of the whole process; dpkg-deb includes
 * its process starts, one per package, as a build calling it would.
 *
 * Not counted: `sgci build` runs the same assembly a second time in a child process, in parallel, to prove the
 * digest reproducible (issue item 7) — as much CPU again — and scans the result for the SBOM cross-check.
 *
 * Run alone: node_modules/.bin/node bench/build.ts [--runs N]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { assembleImage, parseBuildConfig } from '../src/build/index.ts';
import { debsFromAptCache, staticBuildYaml } from '../src/build/testing.ts';
import { headline, quick, skipped } from './lib/headline.ts';
import { runTimed } from './lib/measure.ts';
import { fmt, table } from './lib/report.ts';

const runsIndex = process.argv.indexOf('--runs');
const runs = runsIndex > 0 ? Number(process.argv[runsIndex + 1]) : quick ? 1 : 3;

const sets: Record<string, readonly string[]> = {
  static: ['base-files', 'netbase', 'tzdata', 'media-types', 'ca-certificates'],
  cc: [
    'base-files',
    'netbase',
    'tzdata',
    'media-types',
    'ca-certificates',
    'libc6',
    'libssl3',
    'libgcc-s1',
    'libstdc++6',
  ],
};

type Compression = 'gzip' | 'zstd';

/** One assembly in this process, after the modules are loaded: what `--one` prints for the parent. */
async function assembleOnce(set: string, compression: Compression): Promise<void> {
  const packages = sets[set] ?? [];
  const debs = debsFromAptCache(packages);
  if (!debs) throw new Error(`the apt cache lacks one of ${packages.join(', ')}`);
  const yaml = staticBuildYaml(`layers:\n  compression: ${compression}\n`).replace(
    '[base-files, netbase, tzdata, ca-certificates, libsgci0]',
    `[${packages.join(', ')}]`,
  );
  const config = parseBuildConfig(yaml, `${set}.yaml`);
  const dir = mkdtempSync(join(tmpdir(), 'sgci-bench-build-'));
  const start = performance.now();
  const cpu = process.cpuUsage();
  const built = await assembleImage(config, [{ platform: 'linux/amd64', packages: debs }], {
    layout: join(dir, 'oci'),
    baseDir: dir,
  });
  const used = process.cpuUsage(cpu);
  const wall = (performance.now() - start) / 1000;
  rmSync(dir, { recursive: true, force: true });
  process.stdout.write(`${JSON.stringify({ wall, cpu: (used.user + used.system) / 1e6, digest: built.digest })}\n`);
}

interface Fastest {
  wall: number;
  cpu: number;
  rss: number;
}

const fastest = (): Fastest => ({ wall: Number.POSITIVE_INFINITY, cpu: Number.POSITIVE_INFINITY, rss: 0 });

function keep(best: Fastest, wall: number, cpu: number, rss: number): void {
  if (wall < best.wall) Object.assign(best, { wall, cpu });
  best.rss = Math.max(best.rss, rss);
}

async function compare(): Promise<void> {
  const self = fileURLToPath(import.meta.url);
  const rows: string[][] = [];
  for (const [set, packages] of Object.entries(sets))
    for (const compression of ['gzip', 'zstd'] as const) {
      const name = `${set} (${compression})`;
      const debs = debsFromAptCache(packages);
      if (!debs) {
        process.stdout.write(`${name}: skipped, the apt cache lacks one of ${packages.join(', ')}\n`);
        skipped(`${name}: the apt cache lacks one of ${packages.join(', ')}`);
        continue;
      }
      let digest = '';
      const sgci = fastest();
      for (let i = 0; i < runs; i++) {
        const r = runTimed(process.execPath, [self, '--one', set, compression]);
        if (r.status !== 0) throw new Error(`sgci ${name} failed: ${r.stderr}`);
        const one = JSON.parse(r.stdout) as { wall: number; cpu: number; digest: string };
        keep(sgci, one.wall, one.cpu, r.rssMiB);
        digest = one.digest;
      }
      const floor = fastest();
      for (let i = 0; i < runs; i++) {
        const script = 'for d; do dpkg-deb --fsys-tarfile "$d" > /dev/null || exit 1; done';
        const r = runTimed('sh', ['-c', script, 'sh', ...debs.map((d) => d.debPath)]);
        if (r.status !== 0) throw new Error(`dpkg-deb --fsys-tarfile failed: ${r.stderr}`);
        keep(floor, r.wallSeconds, r.cpuSeconds, r.rssMiB);
      }
      headline({
        what: `assemble ${name}, ${debs.length} packages`,
        value: sgci.wall,
        unit: 's',
        reference: { name: 'dpkg-deb --fsys-tarfile', value: floor.wall, rssMiB: floor.rss },
        target: { on: 'ratio', direction: '<=', limit: 1.5, source: '#16' },
        rssMiB: { sgci: sgci.rss },
      });
      rows.push([
        name,
        String(debs.length),
        `${fmt(sgci.wall)} (${fmt(sgci.cpu)})`,
        `${fmt(floor.wall)} (${fmt(floor.cpu)})`,
        `${(sgci.wall / floor.wall).toFixed(2)}x (${(sgci.cpu / floor.cpu).toFixed(2)}x)`,
        `${fmt(sgci.rss, 0)} / ${fmt(floor.rss, 0)}`,
        digest.slice(0, 19),
      ]);
    }
  process.stdout.write(
    `${table(
      [
        'set',
        'packages',
        'sgci s (cpu s)',
        'dpkg-deb --fsys-tarfile s (cpu s)',
        'ratio (cpu)',
        'peak RSS MiB sgci / floor',
        'digest',
      ],
      rows,
      'end',
    )}\n` +
      'not counted: sgci build assembles a second time in a child process, in parallel, for the reproducibility proof\n',
  );
}

const oneIndex = process.argv.indexOf('--one');
if (oneIndex > 0) await assembleOnce(process.argv[oneIndex + 1] ?? '', process.argv[oneIndex + 2] as Compression);
else await compare();
