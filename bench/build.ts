/**
 * Assembling an image from warm-cache .debs (`assembleImage`: sha256 check, unpack, synthesis, deterministic tar,
 * gzip, OCI layout) beside the floor of decompressing the same data members with the system's
 * `dpkg-deb --fsys-tarfile` (the least work anything unpacking these packages must do). The target is at
 * most 1.5x the floor. Packages come from the apt cache (/var/cache/apt/archives); a set with a package missing there
 * is skipped, saying which.
 *
 * Each side runs `--runs` times (default 3) and the fastest run counts. sgci is timed inside the process after its
 * modules are loaded; dpkg-deb includes its process starts, one per package, as a build calling it would.
 *
 * Run alone: node_modules/.bin/node bench/build.ts [--runs N]
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { assembleImage, parseBuildConfig } from '../src/build/index.ts';
import { debsFromAptCache, staticBuildYaml } from '../src/build/testing.ts';
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

function fastest(measure: () => number): number {
  let best = Number.POSITIVE_INFINITY;
  for (let i = 0; i < runs; i++) best = Math.min(best, measure());
  return best;
}

const rows: string[][] = [];
for (const [name, packages] of Object.entries(sets)) {
  const debs = debsFromAptCache(packages);
  if (!debs) {
    process.stdout.write(`${name}: skipped, the apt cache lacks one of ${packages.join(', ')}\n`);
    continue;
  }
  const yaml = staticBuildYaml().replace(
    '[base-files, netbase, tzdata, ca-certificates, libsgci0]',
    `[${packages.join(', ')}]`,
  );
  const config = parseBuildConfig(yaml, `${name}.yaml`);
  let digest = '';
  let sgci = Number.POSITIVE_INFINITY;
  for (let i = 0; i < runs; i++) {
    const dir = mkdtempSync(join(tmpdir(), 'sgci-bench-build-'));
    const start = performance.now();
    const built = await assembleImage(config, [{ platform: 'linux/amd64', packages: debs }], {
      layout: join(dir, 'oci'),
      baseDir: dir,
    });
    sgci = Math.min(sgci, (performance.now() - start) / 1000);
    digest = built.digest;
    rmSync(dir, { recursive: true, force: true });
  }
  const floor = fastest(() => {
    const start = performance.now();
    for (const deb of debs) {
      const r = spawnSync('sh', ['-c', 'dpkg-deb --fsys-tarfile "$1" > /dev/null', 'sh', deb.debPath]);
      if (r.status !== 0) throw new Error(`dpkg-deb --fsys-tarfile ${deb.debPath} failed`);
    }
    return (performance.now() - start) / 1000;
  });
  rows.push([name, String(debs.length), fmt(sgci), fmt(floor), `${(sgci / floor).toFixed(2)}x`, digest.slice(0, 19)]);
}
process.stdout.write(
  `${table(['set', 'packages', 'sgci assemble s', 'dpkg-deb --fsys-tarfile s', 'ratio', 'digest'], rows, 'end')}\n`,
);
