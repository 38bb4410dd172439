import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { runSgci } from '../helpers/cli.ts';
import { fixture, fixturesMissing } from '../helpers/fixtures.ts';
import { startRegistry } from '../helpers/registry.ts';

const skip = fixturesMissing();

function sgci(args: string[], env: Record<string, string>) {
  return runSgci(args, { unset: ['COSIGN_PASSWORD'], env: { NO_COLOR: '1', ...env }, timeout: 300_000 });
}

// The signing area fills the checks' `attestations` input: a registry image signed with a key the policy trusts
// passes SGCI-BUILD-004; what is not attested fails; without trusted keys the checks stay `manual`.
test('sgci check verifies signatures with the policy keys on a loopback registry', {
  skip,
  timeout: 600_000,
}, async () => {
  const dir = await mkdtemp(join(tmpdir(), 'sgci-check-att-'));
  await using registry = await startRegistry({ auth: 'none' });
  try {
    const image = await registry.push(fixture('distroless-static').ociDir, 'fixtures/static:1');
    const env = { SGCI_HOME: dir, SGCI_PASSWORD: 'check attestations' };
    const keygen = await sgci(['key', 'generate', '--output-key-prefix', join(dir, 'ci')], env);
    assert.equal(keygen.code, 0, keygen.stderr);
    const signed = await sgci(['sign', '--key', join(dir, 'ci.key'), image], env);
    assert.equal(signed.code, 0, signed.stderr);
    await writeFile(join(dir, 'policy.yaml'), 'version: "1"\ntrustedKeys: [ci.pub]\n');

    const withKeys = await sgci(['check', image, '--policy', join(dir, 'policy.yaml'), '-o', 'json'], env);
    assert.equal(withKeys.code, 1, withKeys.stderr);
    const report = JSON.parse(withKeys.stdout) as {
      results: { id: string; result: string; evidence: { kind: string }[] }[];
    };
    const result = (id: string) => report.results.find((r) => r.id === id);
    assert.equal(result('SGCI-BUILD-004')?.result, 'pass', JSON.stringify(result('SGCI-BUILD-004')));
    assert.ok(result('SGCI-BUILD-004')?.evidence.some((e) => e.kind === 'attestation'));
    assert.equal(result('SGCI-BUILD-003')?.result, 'fail');
    assert.equal(result('SGCI-VULN-001')?.result, 'fail');

    const withoutKeys = await sgci(['check', image, '-o', 'json'], env);
    const plain = JSON.parse(withoutKeys.stdout) as typeof report;
    assert.equal(plain.results.find((r) => r.id === 'SGCI-BUILD-004')?.result, 'manual');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
