/**
 * Assembling an image from warm-cache .debs (`assembleImage`: sha256 check, unpack, synthesis, deterministic tar,
 * gzip, OCI layout) beside the floor of decompressing the same data members with the system's
 * `dpkg-deb --fsys-tarfile` (the least work anything unpacking these packages must do). The target is at
 * most 1.5x the floor. Packages come from the apt cache (/var/cache/apt/archives); a set with a package missing there
 * is skipped, saying which.
 *
 * Each side runs `--runs` times (default 3) and the fastest run counts, with its CPU seconds beside (user + system,
 * all threads; on a loaded machine the steadier figure). sgci is timed inside the process after its modules are
 * loaded; dpkg-deb includes its process starts, one per package, as a build calling it would.
 *
 * Run alone: node_modules/.bin/node bench/build.ts [--runs N]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { assembleImage, parseBuildConfig } from '../src/build/index.ts';
import { debsFromAptCache, staticBuildYaml } from '../src/build/testing.ts';
import { runTimed } from './lib/measure.ts';
import { fmt, table } from './lib/report.ts';

const runsIndex = process.argv.indexOf('--runs');
const runs = runsIndex > 0 ? Number(process.argv[runsIndex + 1]) : 3;

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

const rows: string[][] = [];
for (const [set, packages, compression] of Object.entries(sets).flatMap(([set, packages]) =>
  (['gzip', 'zstd'] as const).map((c) => [set, packages, c] as const),
)) {
  const name = `${set} (${compression})`;
  const debs = debsFromAptCache(packages);
  if (!debs) {
    process.stdout.write(`${name}: skipped, the apt cache lacks one of ${packages.join(', ')}\n`);
    continue;
  }
  const yaml = staticBuildYaml(`layers:\n  compression: ${compression}\n`).replace(
    '[base-files, netbase, tzdata, ca-certificates, libsgci0]',
    `[${packages.join(', ')}]`,
  );
  const config = parseBuildConfig(yaml, `${name}.yaml`);
  let digest = '';
  let sgci = { wall: Number.POSITIVE_INFINITY, cpu: Number.POSITIVE_INFINITY };
  for (let i = 0; i < runs; i++) {
    const dir = mkdtempSync(join(tmpdir(), 'sgci-bench-build-'));
    const start = performance.now();
    const cpu = process.cpuUsage();
    const built = await assembleImage(config, [{ platform: 'linux/amd64', packages: debs }], {
      layout: join(dir, 'oci'),
      baseDir: dir,
    });
    const used = process.cpuUsage(cpu);
    const wall = (performance.now() - start) / 1000;
    if (wall < sgci.wall) sgci = { wall, cpu: (used.user + used.system) / 1e6 };
    digest = built.digest;
    rmSync(dir, { recursive: true, force: true });
  }
  let floor = { wall: Number.POSITIVE_INFINITY, cpu: Number.POSITIVE_INFINITY };
  for (let i = 0; i < runs; i++) {
    const script = 'for d; do dpkg-deb --fsys-tarfile "$d" > /dev/null || exit 1; done';
    const r = runTimed('sh', ['-c', script, 'sh', ...debs.map((d) => d.debPath)]);
    if (r.status !== 0) throw new Error(`dpkg-deb --fsys-tarfile failed: ${r.stderr}`);
    if (r.wallSeconds < floor.wall) floor = { wall: r.wallSeconds, cpu: r.cpuSeconds };
  }
  rows.push([
    name,
    String(debs.length),
    `${fmt(sgci.wall)} (${fmt(sgci.cpu)})`,
    `${fmt(floor.wall)} (${fmt(floor.cpu)})`,
    `${(sgci.wall / floor.wall).toFixed(2)}x (${(sgci.cpu / floor.cpu).toFixed(2)}x)`,
    digest.slice(0, 19),
  ]);
}
process.stdout.write(
  `${table(['set', 'packages', 'sgci s (cpu s)', 'dpkg-deb --fsys-tarfile s (cpu s)', 'ratio (cpu)', 'digest'], rows, 'end')}\n`,
);
