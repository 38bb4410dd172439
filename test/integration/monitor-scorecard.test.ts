/**
 * The base-image scorecard against the real docker-registry: a base signed with a pinned key and carrying an SBOM
 * attestation is `allowed` (no provenance, no rebuild yet); when its tag moves to an unsigned image, the next
 * scorecard suggests `restricted` and raises the drift alarm.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { runMain } from '../helpers/cli.ts';
import { corpusDir, fixture, fixturesMissing } from '../helpers/fixtures.ts';
import { startRegistry } from '../helpers/registry.ts';

const skip = fixturesMissing();

test('a signed, attested base is allowed; moved to an unsigned image it drifts to restricted', { skip }, async () => {
  await using registry = await startRegistry();
  const work = await mkdtemp(join(tmpdir(), 'sgci-scorecard-'));
  try {
    const env = {
      SGCI_HOME: join(work, 'home'),
      XDG_CACHE_HOME: join(work, 'cache'),
      DATABASE_URL: '',
      SGCI_PASSWORD: 'scorecard test',
    };
    const sgci = (args: readonly string[], now: string) => runMain(args, { env: { ...env, SGCI_NOW: now } });
    const image = await registry.push(fixture('distroless-static').ociDir, 'sc/base:stable');
    assert.equal((await runMain(['db', 'import', join(corpusDir(), 'osv', 'npm')], { env })).code, 0);
    const prefix = join(work, 'base');
    assert.equal((await runMain(['key', 'generate', '--output-key-prefix', prefix], { env })).code, 0);
    assert.equal((await runMain(['sign', '--key', `${prefix}.key`, image], { env })).code, 0);
    const bom = join(work, 'bom.json');
    assert.equal((await runMain(['sbom', image, '--output-file', bom], { env })).code, 0);
    const attested = await runMain(
      ['attest', '--key', `${prefix}.key`, '--type', 'cyclonedx', '--predicate', bom, image],
      { env },
    );
    assert.equal(attested.code, 0, attested.stderr);
    const policy = join(work, 'sgci-policy.yaml');
    await writeFile(policy, `version: "1"\ntrustedKeys:\n  - ${prefix}.pub\n`);

    assert.equal((await sgci(['monitor', 'add', image, '--every', '1h'], '2026-11-01T00:00:00Z')).code, 0);
    const round = await sgci(['monitor', 'run', '--policy', policy, '-o', 'json'], '2026-11-01T00:00:00Z');
    assert.equal(round.code, 0, round.stderr);
    assert.deepEqual(JSON.parse(round.stdout).changes[0].evidence.signature, { verified: true });
    const first = await sgci(['monitor', 'scorecard', image, '--policy', policy, '-o', 'json'], '2026-11-02T00:00:00Z');
    assert.equal(first.code, 0, first.stderr);
    const card = JSON.parse(first.stdout);
    assert.deepEqual(
      [card.signatureVerified, card.sbomAttestation, card.provenanceAttestation, card.packageDatabaseReadable],
      [true, true, false, true],
    );
    assert.equal(card.openFixableCriticals, 0);
    assert.equal(card.suggested, 'allowed');
    assert.ok(card.shortfalls.includes('no provenance attestation'));
    assert.equal(card.drift, undefined);

    await registry.push(fixture('node-app').ociDir, 'sc/base:stable');
    const moved = await sgci(['monitor', 'run', '--policy', policy, '-o', 'json'], '2026-11-03T00:00:00Z');
    assert.equal(JSON.parse(moved.stdout).changes[0].evidence.signature.verified, false, 'the unsigned image');
    const second = await sgci(['monitor', 'scorecard', image, '--policy', policy], '2026-11-03T01:00:00Z');
    assert.equal(second.code, 1, 'a drift is a failed gate');
    assert.match(second.stdout, /suggested category\s+restricted/);
    assert.match(second.stdout, /no signature verified with a pinned key/);
    assert.match(second.stdout, /ALARM category drift\s+allowed -> restricted/);
    const again = await sgci(['monitor', 'scorecard', image, '--policy', policy, '-o', 'json'], '2026-11-03T02:00:00Z');
    assert.equal(JSON.parse(again.stdout).drift, undefined, 'the stored category is now restricted');
  } finally {
    await rm(work, { recursive: true, force: true });
  }
});
