import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parsePolicy } from '../../policy/index.ts';
import { testContext, testImage } from '../testing.ts';
import { vuln004 } from './vuln-004-no-critical.ts';
import { testFinding } from './vuln-testing.ts';

test('a fixable CRITICAL fails; VEX-suppressed, unfixed and OS-owned ones do not', async () => {
  const vulns = (findings: ReturnType<typeof testFinding>[]) => ({ available: true as const, findings, advisories: 5 });
  const open = await vuln004.evaluate(
    testContext({ image: testImage(), vulns: vulns([testFinding('X', 'CRITICAL')]) }),
  );
  assert.equal(open.status, 'fail');
  assert.ok(
    open.evidence?.some((e) => e.kind === 'vulnerability' && e.id === 'X' && e.message === 'fixed in 3.0.15-1'),
  );
  const benign = [
    testFinding('S', 'CRITICAL', { suppressed: true }),
    testFinding('U', 'CRITICAL', { fixState: 'not-fixed', fixedVersions: [] }),
    testFinding('O', 'CRITICAL', { judgement: 'os-owned-upstream' }),
    testFinding('H', 'HIGH'),
  ];
  assert.equal((await vuln004.evaluate(testContext({ image: testImage(), vulns: vulns(benign) }))).status, 'pass');
});

test('an unrated fixable finding counts as CRITICAL when the policy treats unrated findings so', async () => {
  const vulns = (policy = parsePolicy('version: "1"\n', 'p.yaml')) => ({
    available: true as const,
    findings: [testFinding('GO-1', 'UNKNOWN', {}, policy)],
    advisories: 5,
  });
  assert.equal((await vuln004.evaluate(testContext({ image: testImage(), vulns: vulns() }))).status, 'pass');
  const strict = parsePolicy('version: "1"\nunknownSeverity: CRITICAL\n', 'p.yaml');
  const result = await vuln004.evaluate(testContext({ policy: strict, image: testImage(), vulns: vulns(strict) }));
  assert.equal(result.status, 'fail');
  assert.ok(result.evidence?.some((e) => e.kind === 'vulnerability' && e.id === 'GO-1'));
});
