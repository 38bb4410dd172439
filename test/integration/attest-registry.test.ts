/**
 * Sign, attest and verify against the real distribution registry on loopback, and check that what sgci
 * writes verifies with tools that are not sgci: openssl for the raw ECDSA signature, @sigstore/verify for
 * the referrer bundle.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { bundleFromJSON } from '@sigstore/bundle';
import { toSignedEntity, toTrustMaterial, Verifier } from '@sigstore/verify';
import {
  appendReferrerToIndex,
  attestationsForChecks,
  cosign,
  cosignTag,
  generateP256,
  keyIdOf,
  LocalSigner,
  planAttestation,
  planAttestations,
  planSignature,
  predicateTypes,
  publicKeyPem,
  pushPlan,
  readPredicate,
  referrerManifest,
  referrersFallbackTag,
  resolveImage,
  type Signer,
  type TrustedKey,
  verifyBundle,
  verifyImage,
  verifyImageAttestations,
} from '../../src/attest/index.ts';
import type { AttestationInput } from '../../src/checks/index.ts';
import { type Digest, defaultLimits, isSgciError } from '../../src/core/index.ts';
import { ImageManifest } from '../../src/oci/image/index.ts';
import { parseImageReference } from '../../src/oci/reference/index.ts';
import { RegistryClient, staticCredentials } from '../../src/oci/registry/index.ts';
import { corpusDir, fixture, fixturesMissing } from '../helpers/fixtures.ts';
import { startRegistry, type TestRegistry } from '../helpers/registry.ts';

const run = promisify(execFile);
const skip = fixturesMissing();

function newSigner(): Signer {
  const { privateKey, publicKey } = generateP256();
  return new LocalSigner(privateKey, publicKey, 'test-key');
}
const trusted = (signer: Signer, name = 'test.pub'): TrustedKey => ({ name, key: signer.publicKey });

describe('sign, attest and verify on a real registry', { skip }, () => {
  let registry: TestRegistry;
  let client: RegistryClient;
  let dir: string;
  const signer = newSigner();
  let imageRef: { registry: string; repository: string; tag: string };
  let otherRef: { registry: string; repository: string; tag: string };

  before(async () => {
    registry = await startRegistry();
    client = new RegistryClient({ limits: defaultLimits });
    dir = await mkdtemp(join(tmpdir(), 'sgci-attest-'));
    await registry.push(fixture('distroless-static').ociDir, 'sgci/app:1');
    await registry.push(fixture('python-app').ociDir, 'sgci/app:2');
    imageRef = { registry: registry.host, repository: 'sgci/app', tag: '1' };
    otherRef = { registry: registry.host, repository: 'sgci/app', tag: '2' };
  });
  after(async () => {
    await client?.close();
    await registry?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  test('a signature verifies with its key, names the digest, and verifies with openssl too', async () => {
    const image = await resolveImage(client, imageRef);
    const results = await pushPlan(client, await planSignature(client, image, signer));
    assert.equal(results[0]?.ref, `${registry.host}/sgci/app:${cosignTag(image.digest, 'sig')}`);

    const verification = await verifyImage(client, imageRef, image.digest, [trusted(signer)]);
    assert.equal(verification.signatures.length, 1);
    const [check] = verification.signatures;
    assert.equal(check?.verified, true, check?.reason);
    assert.equal(check?.key, 'test.pub');
    assert.deepEqual((check!.payload as { critical: unknown }).critical, {
      identity: { 'docker-reference': `${registry.host}/sgci/app` },
      image: { 'docker-manifest-digest': image.digest },
      type: 'cosign container image signature',
    });

    // Independent check: the layer bytes and the annotation, verified by openssl.
    const sigRef = { ...imageRef, tag: cosignTag(image.digest, 'sig') };
    const manifest = ImageManifest.parse(JSON.parse(Buffer.from((await client.getManifest(sigRef)).bytes).toString()));
    const layer = manifest.layers[0]!;
    assert.equal(layer.mediaType, cosign.simpleSigningLayer);
    const payload = await client.getBlobBytes(imageRef, { digest: layer.digest as Digest }, 1 << 20);
    await writeFile(join(dir, 'payload.json'), payload);
    await writeFile(join(dir, 'sig.der'), Buffer.from(layer.annotations![cosign.signatureAnnotation]!, 'base64'));
    await writeFile(join(dir, 'pub.pem'), signer.publicKey.export({ type: 'spki', format: 'pem' }));
    const { stdout } = await run('openssl', [
      'dgst',
      '-sha256',
      '-verify',
      join(dir, 'pub.pem'),
      '-signature',
      join(dir, 'sig.der'),
      join(dir, 'payload.json'),
    ]);
    assert.equal(stdout.trim(), 'Verified OK');
  });

  test('a second signature keeps the first; both verify, each with its own key', async () => {
    const image = await resolveImage(client, imageRef);
    const second = newSigner();
    await pushPlan(client, await planSignature(client, image, second, { annotations: { team: 'ops' } }));
    const verification = await verifyImage(client, imageRef, image.digest, [
      trusted(signer),
      trusted(second, 'ops.pub'),
    ]);
    assert.deepEqual(
      verification.signatures.map((s) => [s.verified, s.key]),
      [
        [true, 'test.pub'],
        [true, 'ops.pub'],
      ],
    );
    assert.deepEqual((verification.signatures[1]!.payload as { optional: unknown }).optional, { team: 'ops' });
  });

  test('a wrong key is rejected with the reason', async () => {
    const image = await resolveImage(client, imageRef);
    const verification = await verifyImage(client, imageRef, image.digest, [trusted(newSigner(), 'other.pub')]);
    assert.ok(verification.signatures.length >= 1);
    for (const check of verification.signatures) {
      assert.equal(check.verified, false);
      assert.equal(check.reason, 'signature does not verify with the trusted key other.pub');
    }
  });

  test('a signature copied onto another image is rejected: it signs a different digest', async () => {
    const image = await resolveImage(client, imageRef);
    const other = await resolveImage(client, otherRef);
    const { bytes } = await client.getManifest({ ...imageRef, tag: cosignTag(image.digest, 'sig') });
    await client.pushManifest(
      { ...otherRef, tag: cosignTag(other.digest, 'sig') },
      bytes,
      'application/vnd.oci.image.manifest.v1+json',
    );
    const verification = await verifyImage(client, otherRef, other.digest, [trusted(signer)]);
    const check = verification.signatures[0]!;
    assert.equal(check.verified, false);
    assert.equal(check.reason, `signature is for ${image.digest}, not for the image ${other.digest}`);
  });

  test('a CycloneDX attestation verifies and carries the predicate; appending keeps it', async () => {
    const image = await resolveImage(client, imageRef);
    const bomPath = join(corpusDir(), 'signatures/cosign-testdata/test__testdata__bom-go-mod.cyclonedx.json');
    const bom = await readPredicate(bomPath, predicateTypes.cyclonedx);
    await pushPlan(client, await planAttestation(client, image, signer, predicateTypes.cyclonedx, bom));
    const vuln = JSON.parse(
      await readFile(
        join(corpusDir(), 'signatures/cosign-testdata/test__testdata__attestations__vuln-predicate.json'),
        'utf8',
      ),
    );
    await pushPlan(client, await planAttestation(client, image, signer, predicateTypes.vuln, vuln));

    const result = await verifyImageAttestations(client, { ref: imageRef }, [
      { pattern: `${registry.host}/sgci/*`, keys: [trusted(signer)] },
    ]);
    assert.deepEqual(result.keys, ['test.pub']);
    assert.deepEqual(
      result.attestations.map((a) => [a.predicateType, a.verified]),
      [
        [predicateTypes.cyclonedx, true],
        [predicateTypes.vuln, true],
      ],
    );
    const statement = result.attestations[0]!.statement!;
    assert.equal(statement._type, 'https://in-toto.io/Statement/v1');
    assert.deepEqual(statement.subject, [
      { name: `${registry.host}/sgci/app`, digest: { sha256: image.digest.slice(7) } },
    ]);
    assert.deepEqual(statement.predicate, bom);
  });

  test('SBOM and VEX attached in one push land in one .att manifest, next to the earlier ones', async () => {
    const image = await resolveImage(client, imageRef);
    const before = (await verifyImage(client, imageRef, image.digest, [trusted(signer)])).attestations.length;
    const vex = { '@context': 'https://openvex.dev/ns/v0.2.0', statements: [] };
    const plan = await planAttestations(client, image, signer, [
      { predicateType: predicateTypes.cyclonedx, predicate: { bomFormat: 'CycloneDX', specVersion: '1.6' } },
      { predicateType: predicateTypes.openvex, predicate: vex },
    ]);
    assert.equal(plan.writes.length, 1);
    await pushPlan(client, plan);
    const after = await verifyImage(client, imageRef, image.digest, [trusted(signer)]);
    assert.equal(after.attestations.length, before + 2);
    assert.deepEqual(
      after.attestations.slice(-2).map((a) => [a.predicateType, a.verified]),
      [
        [predicateTypes.cyclonedx, true],
        [predicateTypes.openvex, true],
      ],
    );
  });

  test('a re-uploaded, altered payload (consistent digests, old signature) is rejected', async () => {
    const image = await resolveImage(client, imageRef);
    const sigTag = { ...imageRef, tag: cosignTag(image.digest, 'sig') };
    const original = await client.getManifest(sigTag);
    const manifest = ImageManifest.parse(JSON.parse(Buffer.from(original.bytes).toString()));
    const layer = manifest.layers[0]!;
    const payload = Buffer.from(await client.getBlobBytes(imageRef, { digest: layer.digest as Digest }, 1 << 20));
    const altered = Buffer.from(payload.toString().replace('"optional":null', '"optional":{"approved":"yes"}'));
    assert.notDeepEqual(altered, payload);
    const pushed = await client.pushBlob(imageRef, altered);
    const forged = { ...manifest, layers: [{ ...layer, digest: pushed.digest, size: pushed.size }] };
    const forgedBytes = Buffer.from(JSON.stringify(forged));
    await client.pushManifest(sigTag, forgedBytes, 'application/vnd.oci.image.manifest.v1+json');
    try {
      const verification = await verifyImage(client, imageRef, image.digest, [trusted(signer)]);
      assert.equal(verification.signatures.length, 1);
      assert.equal(verification.signatures[0]?.verified, false);
      assert.equal(verification.signatures[0]?.reason, 'signature does not verify with the trusted key test.pub');
    } finally {
      await client.pushManifest(sigTag, original.bytes, 'application/vnd.oci.image.manifest.v1+json');
    }
  });

  test('an attestation copied onto another image is rejected: its subject is a different digest', async () => {
    const image = await resolveImage(client, imageRef);
    const other = await resolveImage(client, otherRef);
    const { bytes } = await client.getManifest({ ...imageRef, tag: cosignTag(image.digest, 'att') });
    await client.pushManifest(
      { ...otherRef, tag: cosignTag(other.digest, 'att') },
      bytes,
      'application/vnd.oci.image.manifest.v1+json',
    );
    const verification = await verifyImage(client, otherRef, other.digest, [trusted(signer)], { referrers: false });
    assert.ok(verification.attestations.length > 0);
    for (const check of verification.attestations) {
      assert.equal(check.verified, false);
      assert.equal(
        check.reason,
        `attestation subject sha256:${image.digest.slice(7)} is not the image ${other.digest}`,
      );
    }
  });

  test('attestationsForChecks gives the checks their input, with the policy keys for the repository', async () => {
    const image = await resolveImage(client, imageRef);
    const policy = {
      trustedKeys: [{ key: publicKeyPem(signer.publicKey), repositories: [`${registry.host}/sgci/*`] }],
      directory: dir,
    };
    const input: AttestationInput = await attestationsForChecks(
      client,
      parseImageReference(`${registry.host}/sgci/app:1`),
      image.digest,
      policy,
    );
    assert.equal(input.error, undefined);
    assert.ok(input.signatures.some((s) => s.verified));
    const bom = input.attestations.find((a) => a.verified && a.predicateType === predicateTypes.cyclonedx);
    assert.equal((bom!.predicate as { bomFormat?: string }).bomFormat, 'CycloneDX');

    const elsewhere = await attestationsForChecks(
      client,
      parseImageReference(`${registry.host}/other/app:1`),
      image.digest,
      policy,
    );
    assert.equal(elsewhere.error, 'the policy trusts no key for this repository (trustedKeys)');
    const local = await attestationsForChecks(client, parseImageReference('oci-dir:/tmp/x'), image.digest, policy);
    assert.equal(local.error, 'signatures live in registries; oci-dir:/tmp/x is a local oci-dir image');
  });

  test('keyless: a certificate-signed bundle verifies only against the operator-given root and identity', async () => {
    // cosign's keyless OCI attestation bundle (public-good Fulcio/Rekor), attached as a referrer of image 1.
    // Its statement names another image, so the best outcome is "verified signer, wrong subject".
    const image = await resolveImage(client, imageRef);
    const corpus = join(corpusDir(), 'signatures', 'cosign-testdata');
    const bundleBytes = await readFile(join(corpus, 'pkg__cosign__testdata__oci-attestation.sigstore.json'));
    const built = referrerManifest(
      { digest: image.digest, size: image.size, mediaType: image.mediaType },
      cosign.bundleArtifactType,
      { mediaType: cosign.bundleArtifactType, bytes: bundleBytes },
    );
    for (const blob of built.blobs) await client.pushBlob(imageRef, blob.bytes);
    await client.pushManifest({ ...imageRef, digest: built.digest }, built.manifest, built.mediaType);
    const indexRef = { ...imageRef, tag: referrersFallbackTag(image.digest) };
    const existing = await client.getManifest(indexRef).catch(() => undefined);
    const index = appendReferrerToIndex(existing ? JSON.parse(Buffer.from(existing.bytes).toString()) : undefined, {
      mediaType: built.mediaType,
      digest: built.digest,
      size: built.manifest.length,
      artifactType: cosign.bundleArtifactType,
    });
    await client.pushManifest(indexRef, index.manifest, index.mediaType);

    const find = (v: Awaited<ReturnType<typeof verifyImage>>) => v.attestations.find((a) => a.digest === built.digest)!;
    const noRoot = find(await verifyImage(client, imageRef, image.digest, [trusted(signer)]));
    assert.equal(noRoot.reason, 'bundle is certificate-signed (keyless); no trusted root was given');

    const trustedRoot = JSON.parse(
      await readFile(join(corpus, 'pkg__cosign__testdata__trusted_root_pgi.json'), 'utf8'),
    );
    const identity = { subjectAlternativeName: 'cody@soyland.com', issuer: 'https://github.com/login/oauth' };
    const right = find(await verifyImage(client, imageRef, image.digest, [], { keyless: { trustedRoot, identity } }));
    assert.equal(right.key, 'cody@soyland.com (https://github.com/login/oauth)');
    assert.equal(right.verified, false);
    assert.equal(right.reason, `attestation subject is not the image ${image.digest}`);

    const wrong = find(
      await verifyImage(client, imageRef, image.digest, [], {
        keyless: { trustedRoot, identity: { ...identity, subjectAlternativeName: 'someone@example.de' } },
      }),
    );
    assert.match(wrong.reason!, /certificate identity error - expected someone@example\.de, got cody@soyland\.com/);
  });

  test('a blob the registry serves with other bytes than its digest is rejected with the reason', async () => {
    const image = await resolveImage(client, otherRef);
    const own = newSigner();
    const tamperRef = { ...otherRef, tag: '2' };
    // A fresh signature for image 2, then its payload is altered on the registry's disk.
    await pushPlan(client, await planSignature(client, image, own));
    const { bytes } = await client.getManifest({ ...otherRef, tag: cosignTag(image.digest, 'sig') });
    const manifest = ImageManifest.parse(JSON.parse(Buffer.from(bytes).toString()));
    const layer = manifest.layers.at(-1)!;
    const path = registry.blobDataPath(layer.digest);
    const original = await readFile(path);
    await writeFile(
      path,
      Buffer.from(original.toString().replace('cosign container image signature', 'cosign container image signaturE')),
    );
    try {
      const fresh = new RegistryClient({ limits: defaultLimits });
      const verification = await verifyImage(fresh, tamperRef, image.digest, [trusted(own)]);
      await fresh.close();
      const check = verification.signatures.find((s) => s.digest === layer.digest)!;
      assert.equal(check.verified, false);
      assert.match(check.reason!, new RegExp(`content does not match digest ${layer.digest}`));
    } finally {
      await writeFile(path, original);
    }
  });

  test('a signer whose signature does not verify writes nothing to the registry', async () => {
    const image = await resolveImage(client, imageRef);
    const broken: Signer = { publicKey: newSigner().publicKey, sign: (data) => signer.sign(data) };
    const before = await client.listTags(imageRef);
    await assert.rejects(planSignature(client, image, broken), (e) => isSgciError(e, 'SIGNATURE_INVALID'));
    await assert.rejects(
      planAttestation(client, image, broken, predicateTypes.openvex, { '@context': 'https://openvex.dev/ns/v0.2.0' }),
      (e) => isSgciError(e, 'SIGNATURE_INVALID'),
    );
    assert.deepEqual(await client.listTags(imageRef), before);
  });

  test('--referrer: a Sigstore bundle as OCI 1.1 referrer (fallback tag) that @sigstore/verify accepts', async () => {
    const other = await resolveImage(client, otherRef);
    const own = newSigner();
    const results = await pushPlan(client, await planSignature(client, other, own, { referrer: true }));
    assert.equal(results.length, 3, 'sig tag, referrer manifest, fallback index');
    assert.equal(results[2]?.ref, `${registry.host}/sgci/app:${other.digest.replace(':', '-')}`);

    const verification = await verifyImage(client, otherRef, other.digest, [trusted(own)]);
    const referrer = verification.signatures.find((s) => s.source === 'referrer');
    assert.equal(referrer?.verified, true, referrer?.reason);

    // Independent: @sigstore/verify with the key as the only trust material, no log, no timestamp.
    const { bytes } = await client.getManifest({ ...otherRef, digest: referrer!.digest });
    const manifest = ImageManifest.parse(JSON.parse(Buffer.from(bytes).toString()));
    assert.equal(manifest.subject?.digest, other.digest);
    const bundleBytes = await client.getBlobBytes(otherRef, { digest: manifest.layers[0]!.digest as Digest }, 1 << 20);
    const bundle = bundleFromJSON(JSON.parse(Buffer.from(bundleBytes).toString()));
    // sgci's own bundle verifier, with only the key (no trusted root): the key verifies, a stranger does not.
    const bundleJson = JSON.parse(Buffer.from(bundleBytes).toString());
    assert.equal(
      verifyBundle(bundleJson, undefined, { keys: [trusted(own, 'own.pub')] }, 'referrer').signer.key,
      'own.pub',
    );
    assert.throws(
      () => verifyBundle(bundleJson, undefined, { keys: [trusted(newSigner(), 'stranger.pub')] }, 'referrer'),
      (e) => isSgciError(e, 'SIGNATURE_INVALID'),
    );
    const hint = keyIdOf(own.publicKey);
    const material = toTrustMaterial(
      { mediaType: '', tlogs: [], certificateAuthorities: [], ctlogs: [], timestampAuthorities: [] },
      {
        [hint]: { rawBytes: own.publicKey.export({ type: 'spki', format: 'der' }), keyDetails: 5, validFor: undefined },
      },
    );
    const verifier = new Verifier(material, { tlogThreshold: 0, ctlogThreshold: 0, timestampThreshold: 0 });
    const entity = toSignedEntity(bundle);
    assert.doesNotThrow(() => verifier.verify(entity));
    const stranger = toTrustMaterial(
      { mediaType: '', tlogs: [], certificateAuthorities: [], ctlogs: [], timestampAuthorities: [] },
      {
        [hint]: {
          rawBytes: newSigner().publicKey.export({ type: 'spki', format: 'der' }),
          keyDetails: 5,
          validFor: undefined,
        },
      },
    );
    assert.throws(() =>
      new Verifier(stranger, { tlogThreshold: 0, ctlogThreshold: 0, timestampThreshold: 0 }).verify(entity),
    );
  });
});

describe('signing through token auth', { skip }, () => {
  let registry: TestRegistry;

  before(async () => {
    registry = await startRegistry({ auth: 'token' });
  });
  after(async () => {
    await registry?.stop();
  });

  test('sign and verify with credentials: pushes get a push-scoped token, anonymous reads are refused', async () => {
    const ref = { registry: registry.host, repository: 'secure/app', tag: '1' };
    await registry.push(fixture('distroless-static').ociDir, 'secure/app:1');
    await using client = new RegistryClient({
      limits: defaultLimits,
      credentials: staticCredentials(registry.credentials!),
    });
    const signer = newSigner();
    const image = await resolveImage(client, ref);
    await pushPlan(client, await planSignature(client, image, signer));
    const verification = await verifyImage(client, ref, image.digest, [trusted(signer)]);
    assert.deepEqual(
      verification.signatures.map((s) => s.verified),
      [true],
    );
    assert.ok(registry.tokenIssuer!.requests.some((r) => r.granted && r.scopes.some((s) => s.includes('push'))));
    await using anonymous = new RegistryClient({ limits: defaultLimits });
    await assert.rejects(verifyImage(anonymous, ref, image.digest, [trusted(signer)]), (e) =>
      isSgciError(e, 'REGISTRY_UNAUTHORIZED'),
    );
  });
});
