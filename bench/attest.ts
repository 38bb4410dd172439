/**
 * Signing benchmark against the real docker-registry on loopback, one child process per run:
 * - sgci sign: decrypt the cosign key (scrypt N=32768), resolve the tag, sign, build and push the `.sig` manifest;
 * - sgci verify: resolve, fetch `.sig` manifest and payload, verify ECDSA and the signed digest;
 * - floor: what verification must at least do, by standard tools: `curl` of the image manifest, the `.sig`
 *   manifest and the payload, then `openssl dgst -sha256 -verify`; for signing `openssl dgst -sign`
 *   of the payload with an unencrypted key (no key decryption, no upload).
 * Peer: cosign is not packaged in Debian and there is no network here, so there is no peer column.
 * Run alone: `node_modules/.bin/node bench/attest.ts`.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  cosign,
  cosignTag,
  generateP256,
  loadPublicKey,
  loadSigner,
  planSignature,
  pushPlan,
  resolveImage,
  verifyImage,
  writeKeyPair,
} from '../src/attest/index.ts';
import { type Digest, defaultLimits } from '../src/core/index.ts';
import { ImageManifest } from '../src/oci/image/index.ts';
import { RegistryClient } from '../src/oci/registry/index.ts';
import { fixture, fixturesMissing } from '../test/helpers/fixtures.ts';
import { startRegistry } from '../test/helpers/registry.ts';
import { headline, quick, skipped } from './lib/headline.ts';
import { best, type Measure, sum, timed, workClock } from './lib/measure.ts';
import { table } from './lib/report.ts';

const runs = quick ? 1 : 3;

async function child(mode: string, host: string, keyPrefix: string): Promise<void> {
  await using client = new RegistryClient({ limits: defaultLimits });
  const ref = { registry: host, repository: 'bench/app', tag: 'bench' };
  const stop = workClock();
  if (mode === 'sign') {
    const signer = await loadSigner(`${keyPrefix}.key`, async () => 'bench');
    await pushPlan(client, await planSignature(client, await resolveImage(client, ref), signer));
  } else {
    const key = await loadPublicKey(`${keyPrefix}.pub`);
    const { digest } = await resolveImage(client, ref);
    const result = await verifyImage(client, ref, digest, [{ name: 'bench.pub', key }], {
      want: { signatures: true, attestations: false },
      referrers: false,
    });
    if (!result.signatures.some((s) => s.verified)) throw new Error('bench signature did not verify');
  }
  stop();
}

async function main(): Promise<void> {
  const skip = fixturesMissing();
  if (skip) {
    skipped(skip);
    return;
  }
  const registry = await startRegistry({ auth: 'none' });
  const work = mkdtempSync(join(tmpdir(), 'sgci-bench-attest-'));
  const rows: string[][] = [];
  try {
    await registry.push(fixture('distroless-static').ociDir, 'bench/app:bench');
    const { privateKey, publicKey } = generateP256();
    const prefix = join(work, 'bench');
    await writeKeyPair(prefix, privateKey, publicKey, 'bench');
    writeFileSync(join(work, 'plain.pem'), privateKey.export({ type: 'pkcs8', format: 'pem' }));

    const sign = best(runs, () =>
      timed(process.execPath, [import.meta.filename, '--child', 'sign', registry.host, prefix]),
    );
    const verify = best(runs, () =>
      timed(process.execPath, [import.meta.filename, '--child', 'verify', registry.host, prefix]),
    );

    // The floor's inputs: the documents as the registry serves them.
    await using client = new RegistryClient({ limits: defaultLimits });
    const ref = { registry: registry.host, repository: 'bench/app', tag: 'bench' };
    const image = await resolveImage(client, ref);
    const sigRef = { ...ref, tag: cosignTag(image.digest, 'sig') };
    const sigManifest = ImageManifest.parse(
      JSON.parse(Buffer.from((await client.getManifest(sigRef)).bytes).toString()),
    );
    const layer = sigManifest.layers[0]!;
    const payload = await client.getBlobBytes(ref, { digest: layer.digest as Digest }, 1 << 20);
    writeFileSync(join(work, 'payload.json'), payload);
    writeFileSync(join(work, 'sig.der'), Buffer.from(layer.annotations![cosign.signatureAnnotation]!, 'base64'));
    const accept = ['-H', 'Accept: application/vnd.oci.image.manifest.v1+json'];
    const base = `${registry.url}/v2/bench/app`;
    const verifyFloor = best(runs, () =>
      sum(
        timed('curl', [
          '-sf',
          ...accept,
          '-o',
          '/dev/null',
          `${base}/manifests/bench`,
          '-o',
          '/dev/null',
          `${base}/manifests/${sigRef.tag}`,
          '-o',
          '/dev/null',
          `${base}/blobs/${layer.digest}`,
        ]),
        timed('openssl', [
          'dgst',
          '-sha256',
          '-verify',
          `${prefix}.pub`,
          '-signature',
          join(work, 'sig.der'),
          join(work, 'payload.json'),
        ]),
      ),
    );
    const signFloor = best(runs, () =>
      timed('openssl', [
        'dgst',
        '-sha256',
        '-sign',
        join(work, 'plain.pem'),
        '-out',
        join(work, 'out.der'),
        join(work, 'payload.json'),
      ]),
    );
    const row = (op: string, tool: string, m: Measure, floor: Measure) => [
      op,
      tool,
      m.seconds.toFixed(3),
      m.workSeconds?.toFixed(3) ?? '-',
      ((m.workSeconds ?? m.seconds) / floor.seconds).toFixed(2),
      m.rssMiB.toFixed(0),
    ];
    rows.push(
      row('sign', 'floor openssl', signFloor, signFloor),
      row('sign', 'sgci', sign, signFloor),
      row('verify', 'floor curl+openssl', verifyFloor, verifyFloor),
      row('verify', 'sgci', verify, verifyFloor),
    );
    // no target stated: shown so that a regression is visible
    for (const [op, m, floor, floorName] of [
      ['sign', sign, signFloor, 'openssl'],
      ['verify', verify, verifyFloor, 'curl+openssl'],
    ] as const)
      headline({
        what: `sgci ${op} (after start-up)`,
        value: m.workSeconds ?? m.seconds,
        unit: 's',
        reference: { name: floorName, value: floor.seconds, rssMiB: floor.rssMiB },
        rssMiB: { sgci: m.rssMiB },
      });
  } finally {
    await registry.stop();
    rmSync(work, { recursive: true, force: true });
  }
  const header = ['op', 'tool', 'process s', 'work s', 'x floor', 'peak RSS MiB'];
  process.stdout.write(`${table(header, rows, 'end')}\n`);
  process.stdout.write(
    `(best of ${runs}; 'work s' is sgci's own time without node start-up; sgci sign includes scrypt key decryption (N=32768) and the push; no peer: cosign is not installable offline)\n`,
  );
}

if (process.argv[2] === '--child') {
  await child(process.argv[3] ?? '', process.argv[4] ?? '', process.argv[5] ?? '');
} else {
  await main();
}
