/**
 * Registry pull benchmark: every blob of each fixture image from the real docker-registry on loopback.
 * - sgci: RegistryClient, digest-verified streaming, no cache (cold) and from the blob cache (warm);
 * - peer: `skopeo copy docker://… oci:DIR` (also verifies digests, writes to disk);
 * - floor: `curl` of the same blob URLs to /dev/null (no verification at all).
 * Each run is a child process measured with `/usr/bin/time` for peak RSS.
 * Run alone: `node_modules/.bin/node bench/registry.ts [fixture …]`.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BlobCache } from '../src/cache/index.ts';
import { defaultLimits } from '../src/core/index.ts';
import { ImageManifest } from '../src/oci/image/schema.ts';
import { RegistryClient } from '../src/oci/registry/index.ts';
import { type FixtureName, fixture, fixtureNames, fixturesMissing } from '../test/helpers/fixtures.ts';
import { startRegistry } from '../test/helpers/registry.ts';
import { headline, quick, skipped } from './lib/headline.ts';
import { best, type Measure, timed, workClock } from './lib/measure.ts';
import { table } from './lib/report.ts';

const runs = quick ? 1 : 3;

/** Child mode: pull every blob of HOST/REPO:TAG, optionally through a cache dir. */
async function pullChild(host: string, repository: string, cacheDir: string | undefined): Promise<void> {
  const cache = cacheDir ? new BlobCache({ dir: cacheDir }) : undefined;
  await using client = new RegistryClient({ limits: defaultLimits, ...(cache ? { cache } : {}) });
  const ref = { registry: host, repository, tag: 'bench' };
  const stop = workClock();
  const manifest = ImageManifest.parse(JSON.parse(Buffer.from((await client.getManifest(ref)).bytes).toString('utf8')));
  for (const descriptor of [manifest.config, ...manifest.layers]) {
    for await (const _chunk of await client.getBlob(ref, descriptor));
  }
  stop();
}

async function main(): Promise<void> {
  const skip = fixturesMissing();
  if (skip) {
    skipped(skip);
    return;
  }
  const chosen =
    (process.argv.slice(2).filter((n) => (fixtureNames as readonly string[]).includes(n)) as FixtureName[]) ?? [];
  const names: readonly FixtureName[] = chosen.length > 0 ? chosen : ['distroless-static', 'node-app', 'python-app'];
  const registry = await startRegistry({ auth: 'none' });
  const work = mkdtempSync(join(tmpdir(), 'sgci-bench-registry-'));
  const rows: string[][] = [];
  try {
    for (const name of names) {
      const repository = `bench/${name}`;
      await registry.push(fixture(name).ociDir, `${repository}:bench`);
      const ref = { registry: registry.host, repository, tag: 'bench' };
      await using client = new RegistryClient({ limits: defaultLimits });
      const manifest = ImageManifest.parse(
        JSON.parse(Buffer.from((await client.getManifest(ref)).bytes).toString('utf8')),
      );
      const blobs = [manifest.config, ...manifest.layers];
      const bytes = blobs.reduce((sum, b) => sum + b.size, 0);
      const urls = blobs.map((b) => `${registry.url}/v2/${repository}/blobs/${b.digest}`);

      const floor = best(runs, () => timed('curl', ['-sf', ...urls.flatMap((u) => ['-o', '/dev/null', u])]));
      const peer = best(runs, () => {
        const dir = join(work, `skopeo-${name}`);
        rmSync(dir, { recursive: true, force: true });
        return timed('skopeo', [
          '--insecure-policy',
          'copy',
          '--quiet',
          '--src-tls-verify=false',
          `docker://${registry.host}/${repository}:bench`,
          `oci:${dir}`,
        ]);
      });
      const cold = best(runs, () =>
        timed(process.execPath, [import.meta.filename, '--child', registry.host, repository]),
      );
      const cacheDir = join(work, `cache-${name}`);
      timed(process.execPath, [import.meta.filename, '--child', registry.host, repository, cacheDir]);
      const warm = best(runs, () =>
        timed(process.execPath, [import.meta.filename, '--child', registry.host, repository, cacheDir]),
      );
      const mib = (bytes / 1024 / 1024).toFixed(1);
      const row = (tool: string, m: Measure) => [
        name,
        mib,
        tool,
        m.seconds.toFixed(2),
        m.workSeconds?.toFixed(2) ?? '-',
        ((m.workSeconds ?? m.seconds) / floor.seconds).toFixed(2),
        m.rssMiB.toFixed(0),
      ];
      // no target stated: shown beside the floor so that a regression is visible
      for (const [what, m] of [
        ['cold', cold],
        ['from the blob cache', warm],
      ] as const)
        headline({
          what: `pull ${name} (${mib} MiB) ${what}, after start-up`,
          value: m.workSeconds ?? m.seconds,
          unit: 's',
          reference: { name: 'curl', value: floor.seconds, rssMiB: floor.rssMiB },
          rssMiB: { sgci: m.rssMiB },
        });
      rows.push(row('floor curl', floor), row('peer skopeo', peer), row('sgci cold', cold), row('sgci cached', warm));
    }
  } finally {
    await registry.stop();
    rmSync(work, { recursive: true, force: true });
  }
  const header = ['image', 'MiB', 'tool', 'process s', 'pull s', 'x floor', 'peak RSS MiB'];
  process.stdout.write(`${table(header, rows, 'end')}\n`);
  process.stdout.write(
    `(best of ${runs}; 'pull s' is sgci's own time without node start-up and module loading, and 'x floor' uses it; ${execFileSync('nproc').toString().trim()} cores)\n`,
  );
}

if (process.argv[2] === '--child') {
  await pullChild(process.argv[3] ?? '', process.argv[4] ?? '', process.argv[5]);
} else {
  await main();
}
