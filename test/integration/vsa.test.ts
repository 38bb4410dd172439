/**
 * The catalogue's verdict end to end on the real registry: a SLSA verification summary is signed with the
 * catalogue key, pushed as a cosign attestation, and `sgci verify-attestation` accepts it with the catalogue's
 * public key, refuses it under another key, and reports it expired after validUntil.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import {
  cosignTag,
  generateP256,
  type IssuedVerificationSummary,
  issueVerificationSummary,
  loadSigner,
  planSignedAttestation,
  publicKeyPem,
  pushPlan,
  resolveImage,
  type VerificationSummaryInput,
  writeKeyPair,
} from '../../src/attest/index.ts';
import { type Digest, defaultLimits, digestOf, isSgciError } from '../../src/core/index.ts';
import { ImageManifest } from '../../src/oci/image/index.ts';
import { RegistryClient } from '../../src/oci/registry/index.ts';
import { runMain, runSgci } from '../helpers/cli.ts';
import { fixture, fixturesMissing } from '../helpers/fixtures.ts';
import { startRegistry, type TestRegistry } from '../helpers/registry.ts';

const isolated = { unset: ['SGCI_PASSWORD', 'COSIGN_PASSWORD'], env: { DOCKER_CONFIG: '/nonexistent' } };
const vsaType = 'https://slsa.dev/verification_summary/v1';

describe('a catalogue verdict (VSA) on a real registry', { skip: fixturesMissing() }, () => {
  let registry: TestRegistry;
  let client: RegistryClient;
  let dir: string;
  let image: string;
  let issued: IssuedVerificationSummary;

  before(async () => {
    registry = await startRegistry();
    client = new RegistryClient({ limits: defaultLimits });
    dir = await mkdtemp(join(tmpdir(), 'sgci-vsa-'));
    image = await registry.push(fixture('distroless-static').ociDir, 'catalogue/app:1');
    const { privateKey, publicKey } = generateP256();
    await writeKeyPair(join(dir, 'catalogue'), privateKey, publicKey, 'pw');
    await writeFile(join(dir, 'other.pub'), publicKeyPem(generateP256().publicKey));

    // What the catalogue does on admission: sign the verdict with its key, attach it to the image.
    const resolved = await resolveImage(client, { registry: registry.host, repository: 'catalogue/app', tag: '1' });
    const input: VerificationSummaryInput = {
      image: { registry: registry.host, repository: 'catalogue/app', digest: resolved.digest },
      verifierId: 'https://katalog.example.de',
      timeVerified: new Date('2026-01-10T08:00:00Z'),
      policy: { uri: 'https://katalog.example.de/policy/3', digest: digestOf('policy'), version: '3' },
      inputAttestations: [{ uri: 'https://katalog.example.de/v/sbom', digest: digestOf('sbom') }],
      verificationResult: 'PASSED',
      checks: [{ id: 'SGCI-SEC-001', level: 'MUST', result: 'pass' }],
      validUntil: new Date('2026-04-10T08:00:00Z'),
    };
    const signer = await loadSigner(join(dir, 'catalogue.key'), async () => 'pw');
    issued = await issueVerificationSummary(signer, input);
    await pushPlan(client, await planSignedAttestation(client, resolved, issued.envelope));
  });
  after(async () => {
    await client?.close();
    await registry?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  test('the pushed .att layer holds exactly the bytes the catalogue serves', async () => {
    const { digest } = await resolveImage(client, { registry: registry.host, repository: 'catalogue/app', tag: '1' });
    const attRef = { registry: registry.host, repository: 'catalogue/app', tag: cosignTag(digest, 'att') };
    const manifest = ImageManifest.parse(JSON.parse(Buffer.from((await client.getManifest(attRef)).bytes).toString()));
    assert.equal(manifest.layers.length, 1);
    assert.equal(manifest.layers[0]?.annotations?.predicateType, vsaType);
    const layer = await client.getBlobBytes(attRef, { digest: manifest.layers[0]!.digest as Digest }, 1 << 20);
    assert.deepEqual(Buffer.from(layer), Buffer.from(issued.bytes));
  });

  test('a verdict is not attached to another digest', async () => {
    const resolved = await resolveImage(client, { registry: registry.host, repository: 'catalogue/app', tag: '1' });
    const other = { ...resolved, digest: digestOf('another image') };
    await assert.rejects(
      planSignedAttestation(client, other, issued.envelope),
      (e) => isSgciError(e, 'DIGEST_MISMATCH') && /the statement to attach is about another digest/.test(e.message),
    );
  });

  test('verify-attestation --type <VSA URI> with the catalogue key exits 0 and prints the verdict', async () => {
    const args = ['--key', join(dir, 'catalogue.pub'), '--type', vsaType, '--now', '2026-02-01T00:00:00Z', image];
    const result = await runSgci(['verify-attestation', ...args], isolated);
    assert.equal(result.code, 0, result.stderr);
    const statement = JSON.parse(result.stdout.trim().split('\n')[0]!);
    assert.equal(statement.predicateType, vsaType);
    assert.equal(statement.predicate.verificationResult, 'PASSED');
    assert.equal(
      statement.predicate.resourceUri,
      `${registry.host}/catalogue/app@sha256:${statement.subject[0].digest.sha256}`,
    );
    // sgci's own shorthand names the same type.
    const alias = await runMain(['verify-attestation', ...args.map((a) => (a === vsaType ? 'vsa' : a))], isolated);
    assert.equal(alias.code, 0, alias.stderr);
  });

  test('under another key it exits 1, the reason on one line naming the key', async () => {
    const args = ['--key', join(dir, 'other.pub'), '--type', vsaType, '--now', '2026-02-01T00:00:00Z', image];
    const result = await runMain(['verify-attestation', ...args], isolated);
    assert.equal(result.code, 1);
    const lines = result.stderr.trim().split('\n');
    assert.equal(lines.filter((l) => /signature does not verify with the trusted key .*other\.pub$/.test(l)).length, 1);
    assert.ok(
      lines.every((l) => l.startsWith('sgci: ')),
      result.stderr,
    );
  });

  test('after validUntil it exits 1 with one line naming the image and validUntil', async () => {
    const args = ['--key', join(dir, 'catalogue.pub'), '--type', vsaType, '--now', '2026-04-10T08:00:01Z', image];
    const result = await runMain(['verify-attestation', ...args], isolated);
    assert.equal(result.code, 1);
    const expired = result.stderr.split('\n').filter((l) => l.includes('expired'));
    assert.equal(expired.length, 1);
    assert.match(
      expired[0]!,
      new RegExp(
        `verification summary for ${image.replace(/[.]/g, '\\.')} expired: validUntil 2026-04-10T08:00:00\\.000Z has passed`,
      ),
    );
  });
});
