import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parsePolicy } from '../../policy/index.ts';
import { testContext, testImage } from '../testing.ts';
import { vuln002 } from './vuln-002-sla.ts';
import { testFinding } from './vuln-testing.ts';

// testNow is 2026-06-01T12:00Z.
test('a HIGH fixed 30 days ago is past its 7-day SLA; a MEDIUM fixed 10 days ago is not; LOW has no clock', async () => {
  const findings = [
    testFinding('A', 'HIGH', { fixAvailableAt: '2026-05-02T00:00:00Z' }),
    testFinding('B', 'MEDIUM', { fixAvailableAt: '2026-05-22T00:00:00Z' }),
    testFinding('C', 'LOW', { fixAvailableAt: '2020-01-01T00:00:00Z' }),
    testFinding('D', 'CRITICAL', { fixAvailableAt: '2026-05-01T00:00:00Z', suppressed: true }),
  ];
  const result = await vuln002.evaluate(
    testContext({ image: testImage(), vulns: { available: true, findings, advisories: 10 } }),
  );
  assert.equal(result.status, 'fail');
  assert.deepEqual(
    result.evidence?.filter((e) => e.kind === 'vulnerability').map((e) => (e.kind === 'vulnerability' ? e.id : '')),
    ['A'],
  );
});

test('an exception waives a finding until it expires, and an expired one says so', async () => {
  const findings = [testFinding('A', 'HIGH', { fixAvailableAt: '2026-05-02T00:00:00Z' })];
  const valid = parsePolicy(
    'version: "1"\nexceptions:\n  - {vulnerability: CVE-A, image: "registry.example/**", justification: not reachable, approver: ciso, expires: "2026-06-30"}\n',
    'p.yaml',
  );
  const ok = await vuln002.evaluate(
    testContext({ policy: valid, image: testImage(), vulns: { available: true, findings, advisories: 1 } }),
  );
  assert.equal(ok.status, 'pass');
  assert.ok(ok.evidence?.some((e) => e.kind === 'vulnerability' && e.message?.includes('policy exception by ciso')));
  const expired = parsePolicy(
    'version: "1"\nexceptions:\n  - {vulnerability: A, image: "registry.example/**", justification: x, approver: ciso, expires: "2026-05-31"}\n',
    'p.yaml',
  );
  const late = await vuln002.evaluate(
    testContext({ policy: expired, image: testImage(), vulns: { available: true, findings, advisories: 1 } }),
  );
  assert.equal(late.status, 'fail');
  assert.ok(late.evidence?.some((e) => e.kind === 'note' && e.message.includes('expired on 2026-05-31')));
});

test('an empty advisory database is reported as such', async () => {
  const result = await vuln002.evaluate(
    testContext({
      vulns: {
        available: false,
        reason: 'the advisory database is empty: run sgci db import',
        reasonDe: 'die Advisory-Datenbank ist leer: sgci db import ausführen',
      },
    }),
  );
  assert.equal(result.status, 'not-applicable');
  assert.match(result.status === 'not-applicable' ? result.reason : '', /empty/);
});

test('a finding no source rates runs on the clock of the policy’s unknownSeverity, not on none', async () => {
  // Go's records carry no CVSS: before, such findings had no SLA clock and never counted as past it.
  const fixed = { fixAvailableAt: '2026-05-02T00:00:00Z' };
  const vulns = (findings: ReturnType<typeof testFinding>[]) => ({
    available: true as const,
    findings,
    advisories: 10,
  });
  const result = await vuln002.evaluate(
    testContext({ image: testImage(), vulns: vulns([testFinding('GO-2025-3563', 'UNKNOWN', fixed)]) }),
  );
  assert.equal(result.status, 'fail');
  const overdue = result.evidence?.find((e) => e.kind === 'vulnerability');
  assert.match(overdue?.message ?? '', /\(7d, unrated: treated as HIGH\)$/);
  assert.match(overdue?.messageDe ?? '', /ohne Bewertung: behandelt als HIGH/);
  const lenient = parsePolicy('version: "1"\nunknownSeverity: LOW\n', 'p.yaml');
  const low = vulns([testFinding('GO-2025-3563', 'UNKNOWN', fixed, lenient)]);
  assert.equal(
    (await vuln002.evaluate(testContext({ policy: lenient, image: testImage(), vulns: low }))).status,
    'pass',
  );
});
