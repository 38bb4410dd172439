/**
 * cosign's own test data in ../shared/corpus/signatures: the attestation envelopes of cosign's policy
 * tests, its OCI attestation bundle, and the predicates it ships, read with sgci's parsers.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { bundleFromJSON } from '@sigstore/bundle';
import { TrustedRoot } from '@sigstore/protobuf-specs';
import { toSignedEntity, toTrustMaterial, Verifier } from '@sigstore/verify';
import {
  acceptedPredicateTypes,
  checkPredicateShape,
  parseBundle,
  parseEnvelope,
  parseStatement,
  predicateTypes,
} from '../../src/attest/index.ts';
import { corpusDir } from '../helpers/fixtures.ts';

const dir = join(corpusDir(), 'signatures', 'cosign-testdata');
const file = (name: string): Buffer => readFileSync(join(dir, name));

test("cosign's policy attestations: valid ones parse to v0.1 statements of their type, malformed types do not match", () => {
  const cases = [
    ['pkg__policy__testdata__valid__custom', 'custom', true],
    ['pkg__policy__testdata__valid__vuln', 'vuln', true],
    ['pkg__policy__testdata__malformed__custom', 'custom', false],
    ['pkg__policy__testdata__malformed__vuln', 'vuln', false],
  ] as const;
  for (const [name, type, matches] of cases) {
    const envelope = parseEnvelope(file(name), name);
    assert.equal(envelope.payloadType, 'application/vnd.in-toto+json');
    const statement = parseStatement(Buffer.from(envelope.payload, 'base64'), name);
    assert.equal(statement._type, 'https://in-toto.io/Statement/v0.1');
    assert.equal(statement.subject[0]?.name, 'registry.local:5000/knative/demo');
    assert.equal(
      acceptedPredicateTypes(type).includes(statement.predicateType),
      matches,
      `${name}: ${statement.predicateType}`,
    );
  }
});

test("cosign's OCI attestation bundle parses and verifies with the public-good root snapshot", () => {
  const bytes = file('pkg__cosign__testdata__oci-attestation.sigstore.json');
  const parsed = parseBundle(bytes, 'oci-attestation');
  assert.equal(parsed.mediaType, 'application/vnd.dev.sigstore.bundle.v0.3+json');
  const statement = parseStatement(Buffer.from(parsed.dsseEnvelope!.payload, 'base64'), 'oci-attestation');
  assert.ok(statement.subject.length > 0);
  const root = TrustedRoot.fromJSON(JSON.parse(file('pkg__cosign__testdata__trusted_root_pgi.json').toString()));
  const verifier = new Verifier(toTrustMaterial(root), { tlogThreshold: 1, ctlogThreshold: 1, timestampThreshold: 1 });
  const signer = verifier.verify(toSignedEntity(bundleFromJSON(JSON.parse(bytes.toString()))));
  assert.ok(signer.identity?.subjectAlternativeName);
});

test("cosign's CycloneDX, SPDX and vuln predicates pass sgci's shape checks for their types, not for others", () => {
  const cdx = JSON.parse(file('test__testdata__bom-go-mod.cyclonedx.json').toString());
  const spdx = JSON.parse(file('test__testdata__bom-go-mod.spdx.json').toString());
  checkPredicateShape(cdx, predicateTypes.cyclonedx, 'cdx');
  checkPredicateShape(spdx, predicateTypes.spdx, 'spdx');
  checkPredicateShape(
    JSON.parse(file('test__testdata__attestations__vuln-predicate.json').toString()),
    predicateTypes.vuln,
    'v',
  );
  assert.throws(() => checkPredicateShape(spdx, predicateTypes.cyclonedx, 'spdx'));
  assert.throws(() => checkPredicateShape(cdx, predicateTypes.spdx, 'cdx'));
});
