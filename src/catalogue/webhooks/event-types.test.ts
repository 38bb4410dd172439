import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type DispatchedEvent, webhookEventOf } from './event-types.ts';

const submission = { organisation: 'org-a', image: 'app', digest: `sha256:${'a'.repeat(64)}` };

function event(kind: string, before: unknown, after: unknown, subjectKind = 'submission'): DispatchedEvent {
  return {
    id: '42',
    at: new Date('2026-12-01T09:00:00Z'),
    subjectKind,
    subjectId: 'sub-1',
    kind,
    before,
    after,
    ...(subjectKind === 'submission' ? { submission } : {}),
  };
}

test('each event kind becomes the webhook type the docs name, or none', () => {
  const cases: [string, unknown, unknown, string | undefined][] = [
    ['status', null, { status: 'submitted' }, 'submission'],
    ['status', { status: 'scanning' }, { status: 'submitted' }, undefined],
    ['status', { status: 'submitted' }, { status: 'scanning' }, undefined],
    ['status', { status: 'scanning' }, { status: 'awaiting-review' }, undefined],
    ['status', { status: 'scanning' }, { status: 'checks-failed' }, undefined],
    ['status', { status: 'awaiting-review' }, { status: 'admitted' }, 'decision'],
    ['status', { status: 'awaiting-review' }, { status: 'rejected' }, 'decision'],
    ['status', { status: 'awaiting-review' }, { status: 'changes-requested' }, 'decision'],
    ['status', { status: 'at-risk' }, { status: 'admitted' }, undefined],
    ['status', { status: 'admitted' }, { status: 'at-risk' }, undefined],
    ['status', { status: 'at-risk' }, { status: 'suspended' }, 'suspension'],
    ['status', { status: 'admitted' }, { status: 'suspended' }, 'suspension'],
    ['status', { status: 'admitted' }, { status: 'withdrawn' }, undefined],
    ['finding-new', null, { vulnerability: 'CVE-1' }, 'finding-new'],
    ['sla-breach', null, { vulnerability: 'CVE-1' }, 'sla-breach'],
    ['tag-moved', null, { tag: 'r.example/app:1', to: `sha256:${'b'.repeat(64)}` }, 'tag-moved'],
    ['finding-fixed', null, { vulnerability: 'CVE-1' }, undefined],
    ['verdict', null, { verdict: 'PASSED' }, undefined],
  ];
  for (const [kind, before, after, type] of cases) {
    assert.equal(webhookEventOf(event(kind, before, after))?.type, type, `${kind} ${JSON.stringify([before, after])}`);
  }
  assert.equal(webhookEventOf(event('created', null, {}, 'image')), undefined, 'other subjects are never sent');
});

test('the payload is {id, type, occurredAt, subject, data} with the decision spelt as requested', () => {
  const hook = webhookEventOf(
    event('status', { status: 'awaiting-review' }, { status: 'changes-requested', reason: 'pin the base image' }),
  );
  assert.deepEqual(hook, {
    type: 'decision',
    organisation: 'org-a',
    payload: {
      id: '42',
      type: 'decision',
      occurredAt: '2026-12-01T09:00:00.000Z',
      subject: { kind: 'submission', id: 'sub-1', ...submission },
      data: { decision: 'request-changes', status: 'changes-requested', reason: 'pin the base image' },
    },
  });
});
