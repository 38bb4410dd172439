import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { type Digest, digestOf, SgciError } from '../../core/index.ts';
import type { RegistryReference } from '../../oci/reference/index.ts';
import { generateP256, LocalSigner } from '../keys/index.ts';
import type { RegistryAccess } from '../registry-access.ts';
import { cosign, cosignTag, planAttestation, planSignature, pushPlan, type ResolvedImage } from '../sign/index.ts';
import { verifyImage } from './verify-image.ts';

/**
 * A registry in memory, enough for cosign's tag scheme: manifests by tag or digest, blobs by digest. Each blob read
 * returns fresh bytes, as a network read does, and is counted.
 */
function memoryRegistry(): RegistryAccess & { readonly blobReads: string[]; manifests: Map<string, Uint8Array> } {
  const blobs = new Map<string, Uint8Array>();
  const manifests = new Map<string, Uint8Array>();
  const blobReads: string[] = [];
  const key = (ref: RegistryReference) => `${ref.repository}@${ref.digest ?? ref.tag}`;
  return {
    blobReads,
    manifests,
    async getManifest(ref) {
      const bytes = manifests.get(key(ref));
      if (!bytes) throw new SgciError('SOURCE_NOT_FOUND', key(ref), 'manifest unknown');
      return { digest: digestOf(bytes), mediaType: 'application/vnd.oci.image.manifest.v1+json', bytes };
    },
    async getBlobBytes(_ref, descriptor, maxBytes) {
      const bytes = blobs.get(descriptor.digest);
      if (!bytes) throw new SgciError('SOURCE_NOT_FOUND', descriptor.digest, 'blob unknown');
      if (bytes.length > maxBytes) throw new SgciError('LIMIT_EXCEEDED', descriptor.digest, 'too large');
      blobReads.push(descriptor.digest);
      return Uint8Array.from(bytes);
    },
    async pushBlob(_ref, bytes) {
      const digest = digestOf(bytes);
      blobs.set(digest, Uint8Array.from(bytes));
      return { digest, size: bytes.length };
    },
    async pushManifest(ref, bytes) {
      const digest = digestOf(bytes);
      manifests.set(key(ref), Uint8Array.from(bytes));
      manifests.set(key({ ...ref, digest }), Uint8Array.from(bytes));
      return digest;
    },
    referrers: async () => undefined,
  };
}

const ref = { registry: 'registry.example', repository: 'app' };
const image: ResolvedImage = {
  ref: { ...ref, tag: '1' },
  digest: `sha256:${'ab'.repeat(32)}` as Digest,
  mediaType: 'application/vnd.oci.image.manifest.v1+json',
  size: 500,
};
const { privateKey, publicKey } = generateP256();
const signer = new LocalSigner(privateKey, publicKey, 'test');
const trusted = [{ name: 'test.pub', key: publicKey }];

/** Rewrites the manifest under a cosign tag so that its layers are `layers(original)`. */
function rewriteLayers(
  registry: ReturnType<typeof memoryRegistry>,
  kind: 'sig' | 'att',
  layers: (original: unknown[]) => unknown[],
) {
  const at = `${ref.repository}@${cosignTag(image.digest, kind)}`;
  const manifest = JSON.parse(Buffer.from(registry.manifests.get(at) ?? []).toString('utf8'));
  manifest.layers = layers(manifest.layers);
  registry.manifests.set(at, Buffer.from(JSON.stringify(manifest)));
}

describe('verifyImage on hostile signature manifests', () => {
  test('one 16 MiB attestation listed 256 times is fetched and verified once, in bounded time', async () => {
    const registry = memoryRegistry();
    // A real statement whose predicate fills the blob up to the limit for signature blobs.
    const predicate = { padding: 'x'.repeat(12 * 1024 * 1024 - 1024) };
    await pushPlan(registry, await planAttestation(registry, image, signer, 'https://example.com/big/v1', predicate));
    rewriteLayers(registry, 'att', (layers) => Array.from({ length: 256 }, () => layers[0]));
    const started = performance.now();
    const result = await verifyImage(registry, image.ref, image.digest, trusted);
    const millis = performance.now() - started;
    // Before, all 256 copies (4 GiB) were fetched and held before the first was verified.
    assert.equal(registry.blobReads.length, 1);
    assert.deepEqual(
      result.attestations.map((a) => [a.verified, a.predicateType]),
      [[true, 'https://example.com/big/v1']],
    );
    assert.ok(millis < 10_000, `${millis.toFixed(0)} ms`);
  });

  test('one payload under two signatures is fetched once and both signatures are checked', async () => {
    const registry = memoryRegistry();
    await pushPlan(registry, await planSignature(registry, image, signer));
    rewriteLayers(registry, 'sig', (layers) => {
      const layer = layers[0] as { annotations: Record<string, string> };
      const forged = {
        ...layer,
        annotations: { [cosign.signatureAnnotation]: Buffer.alloc(64, 1).toString('base64') },
      };
      return [forged, layer, layer];
    });
    const result = await verifyImage(registry, image.ref, image.digest, trusted);
    assert.equal(registry.blobReads.length, 1);
    assert.deepEqual(
      result.signatures.map((s) => s.verified),
      [false, true],
    );
  });

  test('distinct blobs past the byte budget are reported as not fetched, not read', async () => {
    const registry = memoryRegistry();
    for (let i = 0; i < 6; i++) {
      const plan = await planAttestation(registry, image, signer, `https://example.com/p${i}/v1`, {
        padding: `${i}`.repeat(1024 * 1024),
      });
      await pushPlan(registry, plan);
    }
    const result = await verifyImage(registry, image.ref, image.digest, trusted, {
      maxTotalBlobBytes: 4 * 1024 * 1024,
    });
    assert.equal(registry.blobReads.length, 2);
    assert.deepEqual(
      result.attestations.map((a) => a.verified),
      [true, true, false, false, false, false],
    );
    assert.match(result.attestations[5]?.reason ?? '', /not fetched: the image's signature blobs exceed 4194304 bytes/);
  });
});
