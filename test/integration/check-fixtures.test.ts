import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeEvidence } from '../../src/checks/index.ts';
import { openImage } from '../../src/oci/source/index.ts';
import { defaultPolicy } from '../../src/policy/index.ts';
import { renderJson, type ScanReport } from '../../src/report/index.ts';
import { runScan } from '../../src/scan/index.ts';
import { type FixtureName, fixture, fixtureNames, fixturesMissing } from '../helpers/fixtures.ts';

const skip = fixturesMissing();
const now = new Date('2026-06-01T00:00:00Z');

async function scan(name: FixtureName): Promise<{ report: ScanReport }> {
  await using image = await openImage(`oci-archive:${fixture(name).ociArchive}`);
  const outcome = await runScan({
    subject: { image },
    needs: { vulns: true, checks: true },
    policy: defaultPolicy,
    now,
  });
  assert.ok(outcome.checks);
  return { report: outcome.checks.report };
}

function statusOf(result: { report: ScanReport }, id: string): string | undefined {
  return result.report.results.find((r) => r.id === id)?.result;
}

function evidenceOf(result: { report: ScanReport }, id: string): string[] {
  return (result.report.results.find((r) => r.id === id)?.evidence ?? []).map((e) => describeEvidence(e));
}

test('debian-full fails minimal base, non-root and privilege checks', { skip }, async () => {
  const result = await scan('debian-full');
  for (const id of ['SGCI-BASE-001', 'SGCI-RUN-002', 'SGCI-RUN-011']) assert.equal(statusOf(result, id), 'fail', id);
  const base = evidenceOf(result, 'SGCI-BASE-001');
  assert.ok(base.some((e) => e.startsWith('/usr/bin/bash (layer 0): shell; package bash')));
  assert.ok(base.some((e) => e.startsWith('/usr/bin/apt-get (layer 0): package manager; package apt')));
  assert.ok(evidenceOf(result, 'SGCI-RUN-011').some((e) => e.startsWith('/usr/bin/su (layer 0): setuid')));
  assert.equal(statusOf(result, 'SGCI-SEC-001'), 'pass');
  assert.equal(statusOf(result, 'SGCI-COMP-006'), 'pass');
  assert.equal(result.report.gate.failed, true);
});

test('debian-ssh-secrets also fails remote access and secrets, naming every planted secret', { skip }, async () => {
  const result = await scan('debian-ssh-secrets');
  for (const id of ['SGCI-BASE-001', 'SGCI-RUN-002', 'SGCI-RUN-011', 'SGCI-COMP-006', 'SGCI-SEC-001']) {
    assert.equal(statusOf(result, id), 'fail', id);
  }
  assert.ok(evidenceOf(result, 'SGCI-COMP-006').some((e) => e.startsWith('/usr/sbin/sshd (layer 1)')));
  // the setuid copy of find from the secrets layer
  assert.ok(evidenceOf(result, 'SGCI-RUN-011').some((e) => e.startsWith('/usr/bin/find (layer 2): setuid')));
  const secrets = result.report.results.find((r) => r.id === 'SGCI-SEC-001')?.evidence ?? [];
  const places = secrets.map((e) => (e.kind === 'secret' ? `${e.location}:${e.path}:${e.rule}` : ''));
  const planted = [
    'file:/root/.ssh/id_rsa:private-key',
    'file:/app/.env:url-password',
    'file:/app/.env:aws-access-key-id',
    'file:/app/.env:aws-secret-access-key',
    // deleted by a whiteout in layer 3
    'file:/root/.aws/credentials:aws-access-key-id',
    'file:/root/.aws/credentials:aws-secret-access-key',
    // hidden by an opaque directory in layer 3
    'file:/var/cache/app-build/token.env:github-token',
    'env:Env[1] DATABASE_URL:url-password',
    'history:history[2]:github-token',
  ];
  for (const p of planted) assert.ok(places.includes(p), `missing ${p} in ${places.join(', ')}`);
  const removed = secrets
    .filter((e) => e.message?.includes('removed by a later layer'))
    .map((e) => (e.kind === 'secret' ? e.path : ''));
  assert.deepEqual([...new Set(removed)].sort(), ['/root/.aws/credentials', '/var/cache/app-build/token.env']);
  const json = renderJson(result.report);
  assert.doesNotMatch(json, /AKIA[A-Z2-7]{16}/);
  assert.doesNotMatch(json, /ghp_[A-Za-z0-9]{36}/);
  assert.doesNotMatch(json, /BEGIN [A-Z ]*PRIVATE KEY/);
  assert.doesNotMatch(json, /postgres:\/\/app:[^@…]+@/);
});

test("node-app: the Coveralls token debug@2.6.9 publishes is its author's, named with the package, and warns", {
  skip,
}, async () => {
  const result = await scan('node-app');
  assert.equal(statusOf(result, 'SGCI-SEC-001'), 'warn');
  const evidence = result.report.results.find((r) => r.id === 'SGCI-SEC-001')?.evidence ?? [];
  const secrets = evidence.flatMap((e) => (e.kind === 'secret' ? [[e.path, e.package?.purl]] : []));
  assert.deepEqual(secrets, [['/app/node_modules/debug/.coveralls.yml', 'pkg:npm/debug@2.6.9']]);
  assert.match(evidence[0]?.message ?? '', /^0 secrets of the image; 1 ship inside published packages/);
});

test('distroless-static passes the image-decided base, run-as, privilege, secrets, remote access, label and health checks', {
  skip,
}, async () => {
  const result = await scan('distroless-static');
  const mustPass = [
    'SGCI-BASE-001',
    'SGCI-RUN-002',
    'SGCI-RUN-012',
    'SGCI-RUN-011',
    'SGCI-RUN-010',
    'SGCI-SEC-001',
    'SGCI-COMP-006',
    'SGCI-BUILD-006',
    'SGCI-RUN-001',
    'SGCI-RUN-008',
    'SGCI-BUILD-005',
    'SGCI-BUILD-012',
  ];
  for (const id of mustPass) assert.equal(statusOf(result, id), 'pass', `${id}: ${evidenceOf(result, id).join('; ')}`);
  assert.ok(evidenceOf(result, 'SGCI-RUN-001').some((e) => e.includes('ephemeral-storage: not documented')));
  assert.ok(evidenceOf(result, 'SGCI-RUN-002').some((e) => e.includes('UID 65532')));
  // Without an advisory database the VULN checks say so instead of passing.
  assert.equal(statusOf(result, 'SGCI-VULN-004'), 'not-applicable');
});

test('German reports are German: every reason and evidence message on the five fixtures has its German text', {
  skip,
}, async () => {
  for (const name of fixtureNames) {
    const result = await scan(name);
    for (const r of result.report.results) {
      if (r.reason !== null) assert.ok(r.reasonDe && r.reasonDe !== r.reason, `${name} ${r.id}: ${r.reason}`);
      for (const e of r.evidence) {
        if ('message' in e && e.message) assert.ok(e.messageDe, `${name} ${r.id}: ${e.message}`);
      }
    }
  }
});
