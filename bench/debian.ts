/**
 * Debian sources benchmark on the host's own material (apt's lists as a `file:` mirror, debian-archive-keyring),
 * one child process per run:
 * - sgci: `resolveDebian` with a cold cache: verify every InRelease, hash, cache and parse every index, resolve
 *   the closure;
 * - peer: apt on the same mirror with `signed-by`: `apt-get update` (gpgv, index hashes, its binary cache) and
 *   `apt-get install --simulate` of the same packages, from empty lists each run;
 * - floor: what verification must at least do: `gpgv` of each InRelease and `sha256sum` of each index.
 * Run alone: `node_modules/.bin/node bench/debian.ts`.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type DebianSource, RepositoryFiles, resolveDebian } from '../src/build/debian/index.ts';
import { AptSandbox } from '../test/helpers/debian-repo.ts';
import { hostDebianMirror, hostDebianMissing } from '../test/helpers/host-debian.ts';
import { headline, quick, skipped } from './lib/headline.ts';
import { best, type Measure, runTimed, timed, workClock } from './lib/measure.ts';
import { fmt, table } from './lib/report.ts';

/** The example images (static, cc) and a runtime with a deeper closure. */
const staticImage = ['base-files', 'netbase', 'tzdata', 'media-types', 'ca-certificates'];
const sets: Readonly<Record<string, readonly string[]>> = {
  static: staticImage,
  cc: [...staticImage, 'libc6', 'libssl3', 'libgcc-s1', 'libstdc++6'],
  python3: ['python3'],
};
const keyring = '/usr/share/keyrings/debian-archive-keyring.gpg';
/** The mirror has only what apt's lists kept: the plain Packages (no compressed forms, no translations). */
const aptPlainIndices = [
  'Acquire::Languages=none',
  ...['xz', 'gz', 'lz4', 'zst', 'bz2', 'lzma'].map((type) => `Acquire::CompressionTypes::${type}=false`),
]
  .map((option) => `-o ${option}`)
  .join(' ');

const runs = quick ? 1 : 3;

async function child(sourcesFile: string, set: string): Promise<void> {
  const sources = JSON.parse(readFileSync(sourcesFile, 'utf8')) as DebianSource[];
  const cacheDir = mkdtempSync(join(tmpdir(), 'sgci-bench-debian-cache-'));
  try {
    const stop = workClock();
    const files = new RepositoryFiles({ cacheDir });
    await resolveDebian({ sources, architectures: ['amd64'], packages: sets[set] ?? [] }, { files });
    await files.settled();
    stop();
  } finally {
    rmSync(cacheDir, { recursive: true, force: true });
  }
}

function shell(script: string, env?: NodeJS.ProcessEnv): Measure {
  const run = runTimed('sh', ['-c', script], { ...(env ? { env } : {}), stdout: 'ignore' });
  if (run.status !== 0) throw new Error(`${script} failed: ${run.stderr}`);
  return { seconds: run.wallSeconds, rssMiB: run.rssMiB };
}

async function main(): Promise<void> {
  const skip = hostDebianMissing();
  if (skip) {
    skipped(skip);
    return;
  }
  const work = mkdtempSync(join(tmpdir(), 'sgci-bench-debian-'));
  try {
    const { sources } = await hostDebianMirror(join(work, 'mirror'));
    const sourcesFile = join(work, 'sources.json');
    writeFileSync(sourcesFile, JSON.stringify(sources));
    const suites = sources.flatMap((s) => s.suites.map((suite) => ({ dir: fileURLToPath(s.url), suite })));
    const apt = await AptSandbox.forSources(
      join(work, 'apt'),
      suites.map(({ dir, suite }) => `deb [signed-by=${keyring}] file:${dir} ${suite} main`),
      'amd64',
    );
    const lists = join(work, 'apt', 'state', 'lists');
    const floor = best(runs, () =>
      shell(
        suites
          .map(({ dir, suite }) => `gpgv --keyring ${keyring} ${dir}/dists/${suite}/InRelease 2>/dev/null`)
          .concat(
            `sha256sum ${suites.map(({ dir, suite }) => `${dir}/dists/${suite}/main/binary-amd64/Packages`).join(' ')}`,
          )
          .join(' && '),
      ),
    );
    const rows: string[][] = [];
    for (const [name, packages] of Object.entries(sets)) {
      const sgci = best(runs, () => timed(process.execPath, [import.meta.filename, '--child', sourcesFile, name]));
      const peer = best(runs, () =>
        shell(
          `rm -rf ${lists} && mkdir -p ${lists}/partial && apt-get update -qq ${aptPlainIndices} 2>/dev/null && ` +
            `apt-get install --simulate -qq ${packages.join(' ')}`,
          apt.env,
        ),
      );
      // no target stated: shown beside apt so that a regression is visible
      headline({
        what: `resolve ${name} from a cold cache (whole process)`,
        value: sgci.seconds,
        unit: 's',
        reference: { name: 'apt-get update + install --simulate', value: peer.seconds, rssMiB: peer.rssMiB },
        rssMiB: { sgci: sgci.rssMiB },
      });
      rows.push([
        name,
        fmt(sgci.seconds),
        fmt(sgci.workSeconds ?? Number.NaN),
        fmt(peer.seconds),
        fmt(floor.seconds),
        fmt(sgci.seconds / peer.seconds),
        fmt(sgci.seconds / floor.seconds),
        `${fmt(sgci.rssMiB, 0)} / ${fmt(peer.rssMiB, 0)}`,
      ]);
    }
    process.stdout.write(
      `${sources.flatMap((s) => s.suites).join(', ')} (main, amd64) as a file: mirror; fastest of ${runs} runs\n` +
        `${table(
          ['set', 'sgci s', 'work s', 'apt s', 'floor s', 'sgci/apt', 'sgci/floor', 'RSS MiB sgci / apt'],
          rows,
          'start',
        )}\n`,
    );
    await apt[Symbol.asyncDispose]();
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

if (process.argv[2] === '--child') await child(process.argv[3] ?? '', process.argv[4] ?? '');
else await main();
