/**
 * The Sigstore conformance suite's bundle-verify cases (../shared/corpus/signatures/sigstore-conformance),
 * verified with sgci's `verifyBundle` (on @sigstore/verify) the way the conformance clients do: the case's trusted_root.json, or the
 * public-good root snapshot from cosign's testdata when the case has none; key.pub for managed-key cases;
 * identity and issuer for certificate cases; for DSSE in-toto the artifact's digest must be a subject.
 * Each case must pass or fail as its name says (`_fail`).
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { parsePublicKey, verifyBundle } from '../../src/attest/index.ts';
import { corpusDir } from '../helpers/fixtures.ts';

const casesDir = join(corpusDir(), 'signatures', 'sigstore-conformance', 'bundle-verify');
const publicGoodRoot = join(
  corpusDir(),
  'signatures',
  'cosign-testdata',
  'pkg__cosign__testdata__trusted_root_pgi.json',
);
const defaultIdentity =
  'https://github.com/sigstore-conformance/extremely-dangerous-public-oidc-beacon/.github/workflows/extremely-dangerous-oidc-beacon.yml@refs/heads/main';
const defaultIssuer = 'https://token.actions.githubusercontent.com';

function read(dir: string, name: string): string | undefined {
  const path = join(dir, name);
  return existsSync(path) ? readFileSync(path, 'utf8') : undefined;
}

/**
 * Cases whose outcome differs for a reason outside sgci, each explained. The test fails when one of them
 * starts to behave as its name says (then remove it here) or when any other case deviates.
 */
const knownDeviations: Readonly<Record<string, string>> = {
  // The bundle carries an RFC 3161 timestamp from the public-good TSA, which the older trusted_root_pgi.json
  // snapshot in cosign's testdata does not list; with the current public-good root it verifies.
  'managed-key-happy-path': 'timestamp could not be verified (TIMESTAMP_ERROR)',
  // Rekor v2 "hashedrekord-over-DSSE" (hashedrekord 0.0.2 over PAE) is newer than @sigstore/verify 3.1.
  'rekor2-dsse-happy-path': 'digest mismatch (TLOG_BODY_ERROR)',
};

/** Throws when the case does not verify: sgci's `verifyBundle` with the case's trust material. */
function verifyCase(dir: string): void {
  const keyPem = read(dir, 'key.pub');
  const artifact = readFileSync(existsSync(join(dir, 'artifact')) ? join(dir, 'artifact') : join(casesDir, 'a.txt'));
  let bundleJson: unknown;
  try {
    bundleJson = JSON.parse(read(dir, 'bundle.sigstore.json')!);
  } catch (error) {
    throw new Error(`bundle is not JSON: ${(error as Error).message}`);
  }
  verifyBundle(
    bundleJson,
    artifact,
    {
      trustedRoot: JSON.parse(read(dir, 'trusted_root.json') ?? readFileSync(publicGoodRoot, 'utf8')),
      ...(keyPem ? { keys: [{ name: 'key.pub', key: parsePublicKey(keyPem, 'key.pub') }] } : {}),
      identity: {
        subjectAlternativeName: (read(dir, 'identity') ?? defaultIdentity).trim(),
        issuer: (read(dir, 'issuer') ?? defaultIssuer).trim(),
      },
    },
    dir,
  );
}

const cases = existsSync(casesDir)
  ? readdirSync(casesDir, { withFileTypes: true })
      .filter((d) => d.isDirectory())
      .map((d) => d.name)
      .sort()
  : [];

test('Sigstore conformance bundle-verify: every case passes or fails as its name says', {
  skip: cases.length === 0 ? `no corpus at ${casesDir}` : undefined,
}, () => {
  const unexpected: string[] = [];
  let passed = 0;
  let failed = 0;
  for (const name of cases) {
    const shouldFail = name.endsWith('_fail');
    let error: unknown;
    try {
      verifyCase(join(casesDir, name));
    } catch (caught) {
      error = caught;
    }
    if (error === undefined) passed++;
    else failed++;
    const deviates = shouldFail !== (error !== undefined);
    const known = knownDeviations[name];
    if (deviates && known !== undefined && (error as Error | undefined)?.message.includes(known)) continue;
    if (deviates || known !== undefined) {
      unexpected.push(`${name}: ${error === undefined ? 'verified' : `failed: ${(error as Error).message}`}`);
    }
  }
  const expectedFailures = cases.filter((c) => c.endsWith('_fail')).length;
  process.stdout.write(
    `# conformance: ${cases.length} cases (${expectedFailures} must fail): ${passed} verified, ${failed} rejected, ` +
      `${cases.length - Object.keys(knownDeviations).length} as expected, ${Object.keys(knownDeviations).length} known deviations\n`,
  );
  assert.equal(cases.length, 70);
  assert.deepEqual(unexpected, []);
});
