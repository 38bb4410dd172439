import assert from 'node:assert/strict';
import { test } from 'node:test';
import { defaultPolicy, parsePolicy } from '../policy/index.ts';
import type { Check } from './check.ts';
import { checksPass } from './pass.ts';
import { evaluatePass, judgeChecks, runChecks } from './runner.ts';
import { testContext, testImage } from './testing.ts';

const fake = (id: Check['id'], status: 'fail' | 'pass' | 'throw'): Check => ({
  id,
  section: 'RUN',
  title: { en: id, de: id },
  level: 'MUST',
  references: [],
  automation: ['image'],
  decides: '',
  remediation: 'fix it',
  remediationDe: 'beheben',
  evaluate() {
    if (status === 'throw') throw new Error('boom');
    return status === 'fail' ? { status, evidence: [], remediation: 'fix it' } : { status, evidence: [] };
  },
});

test('policy actions: fail gates, warn downgrades, off lists the check as disabled', async () => {
  const checks = [fake('SGCI-RUN-001', 'fail'), fake('SGCI-RUN-002', 'fail'), fake('SGCI-RUN-003', 'fail')];
  const policy = parsePolicy('version: "1"\nchecks: {SGCI-RUN-002: warn, SGCI-RUN-003: off}\n', 'p.yaml');
  const run = await runChecks(testContext({ policy, image: testImage() }), checks);
  assert.deepEqual(
    run.outcomes.map((o) => [o.check.id, o.result.status, o.checkStatus]),
    [
      ['SGCI-RUN-001', 'fail', 'fail'],
      ['SGCI-RUN-002', 'warn', 'fail'],
    ],
  );
  assert.deepEqual(run.disabled, ['SGCI-RUN-003']);
  assert.equal(run.gateFailed, true);
});

test('an applied exception waives the gate but keeps the failure; an expired one does not', async () => {
  const checks = [fake('SGCI-RUN-001', 'fail')];
  const ex = (expires: string) =>
    parsePolicy(
      `version: "1"\nexceptions: [{check: SGCI-RUN-001, image: "registry.example/**", justification: j, approver: a, expires: "${expires}"}]\n`,
      'p.yaml',
    );
  const waived = await runChecks(testContext({ policy: ex('2026-12-31'), image: testImage() }), checks);
  assert.equal(waived.gateFailed, false);
  assert.equal(waived.outcomes[0]?.result.status, 'fail');
  assert.equal(waived.outcomes[0]?.exception?.status, 'applied');
  const expired = await runChecks(testContext({ policy: ex('2026-01-01'), image: testImage() }), checks);
  assert.equal(expired.gateFailed, true);
  assert.equal(expired.outcomes[0]?.exception?.status, 'expired');
});

test('a check that throws fails with the error as evidence: never dropped, never a passed gate', async () => {
  const run = await runChecks(testContext(), [fake('SGCI-RUN-001', 'throw'), fake('SGCI-RUN-002', 'pass')]);
  assert.equal(run.outcomes.length, 2);
  const result = run.outcomes[0]?.result;
  assert.equal(result?.status, 'fail');
  assert.equal(result?.status === 'fail' ? result.evidence[0]?.message : '', 'could not be evaluated: boom');
  assert.equal(run.gateFailed, true);
});

test('the checks ask the pass for the file-digest sink only when a check that needs it is on', async () => {
  const image = testImage();
  {
    await using on = checksPass(image, defaultPolicy);
    assert.deepEqual(
      on.needs.sinks?.map((s) => s.name),
      ['checks-file-digests'],
    );
  }
  // COMP-003 compares them with the package databases; SEC-001 tells a package's unchanged file by them.
  await using off = checksPass(image, { ...defaultPolicy, checks: { 'SGCI-COMP-003': 'off', 'SGCI-SEC-001': 'off' } });
  assert.equal(off.needs.sinks, undefined);
});

test('filesystem checks are judged in the pass; their results are reused as stored, context checks run again', async () => {
  const pass = await evaluatePass(testContext({ image: testImage() }));
  assert.ok(Object.keys(pass.results).includes('SGCI-RUN-002'), 'RUN-002 reads the filesystem');
  assert.ok(!Object.keys(pass.results).includes('SGCI-VULN-002'), 'VULN-002 reads the vulnerability data');
  const stored: typeof pass = JSON.parse(JSON.stringify(pass));
  const planted = { status: 'fail' as const, evidence: [], remediation: 'stored' };
  const run = await judgeChecks(testContext({ image: testImage() }), {
    ...stored,
    results: { ...stored.results, 'SGCI-RUN-002': planted },
  });
  assert.deepEqual(run.outcomes.find((o) => o.check.id === 'SGCI-RUN-002')?.result, planted);
});
