/**
 * A separate process for the cache concurrency tests: `write DIR SEED ROUNDS` commits the same
 * blob again and again in small chunks; `pull DIR HOST REPO TAG` reads every blob of an image
 * through a RegistryClient into the shared cache. Prints a JSON summary on stdout.
 */
import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { BlobCache } from '../../src/cache/index.ts';
import { type Digest, defaultLimits } from '../../src/core/index.ts';
import { ImageManifest } from '../../src/oci/image/schema.ts';
import { RegistryClient } from '../../src/oci/registry/index.ts';

/** The blob both writers race on: deterministic from the seed, 1 MiB. */
export function raceBlob(seed: string): Buffer {
  const parts: Buffer[] = [];
  for (let i = 0; i < (1024 * 1024) / 32; i++) parts.push(createHash('sha256').update(`${seed}:${i}`).digest());
  return Buffer.concat(parts);
}

async function write(dir: string, seed: string, rounds: number): Promise<void> {
  const cache = new BlobCache({ dir });
  const bytes = raceBlob(seed);
  const digest = `sha256:${createHash('sha256').update(bytes).digest('hex')}` as Digest;
  for (let round = 0; round < rounds; round++) {
    const writer = await cache.createWriter(digest);
    for (let offset = 0; offset < bytes.length; offset += 64 * 1024) {
      await writer.write(bytes.subarray(offset, offset + 64 * 1024));
      if (offset % (256 * 1024) === 0) await sleep(1);
    }
    await writer.commit();
  }
  process.stdout.write(JSON.stringify({ digest, rounds }));
}

async function pull(dir: string, host: string, repository: string, tag: string): Promise<void> {
  const cache = new BlobCache({ dir });
  await using client = new RegistryClient({ limits: defaultLimits, cache });
  const ref = { registry: host, repository, tag };
  const manifest = ImageManifest.parse(JSON.parse(Buffer.from((await client.getManifest(ref)).bytes).toString('utf8')));
  const digests: string[] = [];
  for (const descriptor of [manifest.config, ...manifest.layers]) {
    const stream = await client.getBlob(ref, descriptor);
    for await (const _chunk of stream);
    digests.push(descriptor.digest);
  }
  process.stdout.write(JSON.stringify({ digests }));
}

if (import.meta.main) {
  const [mode, ...args] = process.argv.slice(2);
  if (mode === 'write') await write(args[0] ?? '', args[1] ?? 'seed', Number(args[2] ?? 1));
  else if (mode === 'pull') await pull(args[0] ?? '', args[1] ?? '', args[2] ?? '', args[3] ?? '');
  else throw new Error(`unknown mode ${mode}`);
}
