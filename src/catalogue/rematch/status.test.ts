import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Finding } from '../../vuln/index.ts';
import type { OverdueFinding } from './findings.ts';
import { graceEnd, livingStatus } from './status.ts';

const day = 86_400_000;
const week = 7 * day;

function overdue(id: string, due: string): OverdueFinding {
  const finding = {
    id: `${id}|pkg:npm/lodash@4.17.20`,
    vulnerability: { id, severity: 'HIGH' },
    package: { purl: 'pkg:npm/lodash@4.17.20' },
  } as unknown as Finding;
  return { finding, due: new Date(due) };
}

const late = [overdue('GHSA-35jh-r3h4-6jhm', '2026-12-08T09:00:00.000Z'), overdue('GHSA-x', '2026-12-09T00:00:00Z')];

test('an admitted version with an overdue finding is at risk, naming the finding and its deadline', () => {
  const move = livingStatus('admitted', late, new Date('2026-12-08T10:00:00Z'), week);
  assert.equal(move?.to, 'at-risk');
  assert.equal(
    move?.reason,
    'SLA overdue: GHSA-35jh-r3h4-6jhm in pkg:npm/lodash@4.17.20 (HIGH) was due 2026-12-08T09:00:00.000Z and 1 more',
  );
});

test('the grace runs from the oldest overdue deadline; past it the version is suspended, at risk or not yet', () => {
  assert.equal(graceEnd(late, week)?.toISOString(), '2026-12-15T09:00:00.000Z');
  const atEnd = new Date('2026-12-15T09:00:00.000Z');
  assert.equal(livingStatus('at-risk', late, atEnd, week), undefined, 'the grace includes its last moment');
  const after = new Date(atEnd.getTime() + 1);
  assert.equal(livingStatus('at-risk', late, after, week)?.to, 'suspended');
  assert.match(livingStatus('admitted', late, after, week)?.reason ?? '', /^SLA overdue for more than 7 days: /);
  assert.equal(livingStatus('suspended', late, after, week), undefined);
});

test('without an overdue finding an at-risk or suspended version is admitted again; others do not move', () => {
  const now = new Date('2026-12-20T00:00:00Z');
  assert.deepEqual(livingStatus('at-risk', [], now, week), {
    to: 'admitted',
    reason: 'no finding is overdue any more',
  });
  assert.equal(livingStatus('suspended', [], now, week)?.to, 'admitted');
  assert.equal(livingStatus('admitted', [], now, week), undefined);
  assert.equal(livingStatus('awaiting-review', late, now, week), undefined);
  assert.equal(livingStatus('withdrawn', late, now, week), undefined);
  assert.equal(livingStatus('suspended', late.slice(1), new Date('2026-12-10T00:00:00Z'), week), undefined);
});

test('a grace that is not whole days is said in hours', () => {
  const move = livingStatus('admitted', late, new Date('2026-12-10T00:00:00Z'), 36 * 3_600_000);
  assert.match(move?.reason ?? '', /^SLA overdue for more than 36 hours: /);
});
