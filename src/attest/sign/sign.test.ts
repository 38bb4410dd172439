import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type Digest, digestOf, isSgciError } from '../../core/index.ts';
import { generateP256, LocalSigner } from '../keys/index.ts';
import { cosign, predicateTypes } from '../media-types/index.ts';
import { appendLayer, appendReferrerToIndex, cosignTag, parseCosignManifest } from './cosign-manifest.ts';
import { openEnvelope, pae, signEnvelope } from './dsse.ts';
import { checkPredicateShape } from './predicate.ts';
import { parseSimpleSigningPayload, simpleSigningPayload } from './simple-signing.ts';
import { acceptedPredicateTypes, buildStatement, resolvePredicateType, statementCovers } from './statement.ts';

const digest = `sha256:${'ab'.repeat(32)}` as Digest;

test('PAE matches the DSSE specification example', () => {
  const encoded = pae('http://example.com/HelloWorld', new TextEncoder().encode('hello world'));
  assert.equal(Buffer.from(encoded).toString(), 'DSSEv1 29 http://example.com/HelloWorld 11 hello world');
});

test('simple-signing payload has cosign byte layout and parses back', () => {
  const bytes = simpleSigningPayload('registry.example.de/team/app', digest);
  assert.equal(
    Buffer.from(bytes).toString(),
    `{"critical":{"identity":{"docker-reference":"registry.example.de/team/app"},"image":{"docker-manifest-digest":"${digest}"},"type":"cosign container image signature"},"optional":null}`,
  );
  assert.equal(parseSimpleSigningPayload(bytes, 'x').critical.image['docker-manifest-digest'], digest);
  const withOptional = simpleSigningPayload('r/a', digest, { z: '1', a: '2' });
  assert.match(Buffer.from(withOptional).toString(), /"optional":\{"a":"2","z":"1"\}\}$/);
});

test('a payload with a mis-cased key or a non-digest is refused (SIGNATURE_SPEC example 2)', () => {
  const spec = {
    critical: {
      identity: { 'docker-reference': 'testing/manifest' },
      image: { 'Docker-manifest-digest': 'sha256:20be...fe55' },
      type: 'cosign container image signature',
    },
    optional: { creator: 'atomic', timestamp: 1458239713 },
  };
  assert.throws(
    () => parseSimpleSigningPayload(new TextEncoder().encode(JSON.stringify(spec)), 'example-2'),
    (e) => isSgciError(e, 'SIGNATURE_INVALID'),
  );
});

test('DSSE envelopes verify with the signing key only, and not after the payload type changes', async () => {
  const { privateKey, publicKey } = generateP256();
  const signer = new LocalSigner(privateKey, publicKey, 'k');
  const payload = new TextEncoder().encode('{"a":1}');
  const envelope = await signEnvelope(signer, cosign.inTotoPayloadType, payload);
  assert.deepEqual(openEnvelope(envelope, publicKey), Buffer.from(payload));
  assert.equal(openEnvelope({ ...envelope, payloadType: 'text/plain' }, publicKey), undefined);
  assert.equal(openEnvelope(envelope, generateP256().publicKey), undefined);
  const tampered = Buffer.from('{"a":2}').toString('base64');
  assert.equal(openEnvelope({ ...envelope, payload: tampered }, publicKey), undefined);
});

test('cosign tags and appending layers keep existing ones and skip an identical one', () => {
  assert.equal(cosignTag(digest, 'sig'), `sha256-${'ab'.repeat(32)}.sig`);
  const layer = { mediaType: cosign.simpleSigningLayer, bytes: new Uint8Array([1, 2]), annotations: { a: 'x' } };
  const first = appendLayer(undefined, layer);
  const parsed = parseCosignManifest(first.manifest, 'm');
  assert.equal(parsed.layers.length, 1);
  assert.equal(parsed.config.digest, first.blobs[0]?.digest);
  const again = appendLayer(parsed, layer);
  assert.equal(again.changed, false);
  assert.deepEqual(again.manifest, first.manifest);
  const second = appendLayer(parsed, { ...layer, annotations: { a: 'y' } });
  assert.equal(parseCosignManifest(second.manifest, 'm').layers.length, 2);
  const index = appendReferrerToIndex(undefined, { mediaType: 'm', digest: digestOf('x'), size: 1 });
  assert.equal(
    appendReferrerToIndex(JSON.parse(Buffer.from(index.manifest).toString()), {
      mediaType: 'm',
      digest: digestOf('x'),
      size: 1,
    }).changed,
    false,
  );
});

test('predicate types: shorthands, URIs, slsaprovenance accepting v1 and v0.2, junk refused', () => {
  assert.equal(resolvePredicateType('cyclonedx'), 'https://cyclonedx.org/bom');
  assert.equal(resolvePredicateType('openvex'), 'https://openvex.dev/ns');
  assert.equal(resolvePredicateType('https://example.de/p/v1'), 'https://example.de/p/v1');
  assert.deepEqual(acceptedPredicateTypes('slsaprovenance'), [
    'https://slsa.dev/provenance/v1',
    'https://slsa.dev/provenance/v0.2',
  ]);
  assert.throws(() => resolvePredicateType('sbom'), /unknown predicate type/);
  const statement = buildStatement('r/a', digest, predicateTypes.vuln, {});
  assert.ok(statementCovers(statement, digest));
  assert.ok(!statementCovers(statement, `sha256:${'cd'.repeat(32)}` as Digest));
});

test('a predicate that is not what --type says is refused', () => {
  assert.doesNotThrow(() => checkPredicateShape({ bomFormat: 'CycloneDX' }, predicateTypes.cyclonedx, 'bom.json'));
  assert.throws(
    () => checkPredicateShape({ spdxVersion: 'SPDX-2.3' }, predicateTypes.cyclonedx, 'bom.json'),
    /does not look like a CycloneDX BOM/,
  );
  assert.throws(() => checkPredicateShape([], predicateTypes.vuln, 'v.json'), /must be a JSON object/);
  assert.throws(() => checkPredicateShape({}, predicateTypes.openvex, 'v.json'), /OpenVEX/);
});
