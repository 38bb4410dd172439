import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isSgciError } from '../core/index.ts';
import {
  changeKind,
  firstObservations,
  parseSpan,
  percentile,
  rateLimitOf,
  renderHistory,
  roundNotification,
  watchKeyOf,
} from './index.ts';

const layers = ['sha256:a', 'sha256:b'];
const base = { platformDigest: 'sha256:m1', configDigest: 'sha256:c1', diffIds: layers };

test('the change kind: the platform manifest, then the layer contents, then the config decide', () => {
  assert.equal(changeKind(base, { ...base }), 'other-platform-only');
  assert.equal(changeKind(base, { ...base, platformDigest: 'sha256:m2' }), 'identical-content');
  assert.equal(changeKind(base, { ...base, platformDigest: 'sha256:m2', configDigest: 'sha256:c2' }), 'metadata-only');
  assert.equal(
    changeKind(base, { ...base, platformDigest: 'sha256:m2', diffIds: [...layers, 'sha256:c'] }),
    'packages-changed',
  );
  assert.equal(
    changeKind(base, { ...base, platformDigest: 'sha256:m2', diffIds: ['sha256:b', 'sha256:a'] }),
    'packages-changed',
    'the same layers in another order are another filesystem',
  );
});

test('rate-limit headers of Docker Hub, GitHub-style registries and Retry-After; garbage is ignored', () => {
  const now = new Date('2026-11-01T00:00:00Z');
  const info = (status: number, headers: Record<string, string>) => ({ method: 'HEAD', host: 'r', status, headers });
  assert.deepEqual(rateLimitOf(info(200, { 'ratelimit-remaining': '76;w=21600' }), now), { remaining: 76 });
  assert.deepEqual(
    rateLimitOf(
      info(200, { 'x-ratelimit-remaining': '5', 'x-ratelimit-reset': String(now.getTime() / 1000 + 90) }),
      now,
    ),
    { remaining: 5, resetMs: 90_000 },
  );
  assert.deepEqual(rateLimitOf(info(429, { 'retry-after': '7' }), now), { retryAfterMs: 7000 });
  assert.deepEqual(rateLimitOf(info(200, { 'retry-after': '7', 'ratelimit-remaining': 'lots' }), now), {});
});

test('a pin counts a digest from its first observation, even when the tag moved back to it', () => {
  const row = (digest: string, firstSeen: string) => ({ digest, firstSeen }) as never;
  assert.deepEqual(
    firstObservations([row('sha256:a', '2026-01-01'), row('sha256:b', '2026-01-03'), row('sha256:a', '2026-01-05')]),
    [
      { digest: 'sha256:a', observedAt: '2026-01-01' },
      { digest: 'sha256:b', observedAt: '2026-01-03' },
    ],
  );
});

test('watch references: tags only, platform normalised, spans bounded', () => {
  assert.deepEqual(watchKeyOf('registry.example/base/debian'), {
    registry: 'registry.example',
    repository: 'base/debian',
    tag: 'latest',
    platform: 'linux/amd64',
  });
  assert.throws(
    () => watchKeyOf(`r.example/x@sha256:${'a'.repeat(64)}`),
    (e: unknown) => isSgciError(e, 'USAGE'),
  );
  assert.equal(parseSpan('6h', '--every', 60), 21_600);
  assert.throws(
    () => parseSpan('30s', '--every', 60),
    (e: unknown) => isSgciError(e, 'USAGE'),
  );
  assert.throws(() => parseSpan('0m', '--every', 60), /--every: not a span/);
});

test('history as CSV quotes what needs quoting', () => {
  const entry = {
    tag: 'a,b',
    platform: 'linux/amd64',
    digest: 'sha256:x',
    firstSeen: '2026-01-01T00:00:00.000Z',
    lastSeen: '2026-01-02T00:00:00.000Z',
    change: null,
  };
  assert.equal(
    renderHistory([entry], 'csv'),
    'tag,platform,digest,firstSeen,lastSeen,change\r\n"a,b",linux/amd64,sha256:x,2026-01-01T00:00:00.000Z,2026-01-02T00:00:00.000Z,\r\n',
  );
});

test('percentiles are nearest-rank: p50 and p90 of ten values are the 5th and 9th', () => {
  const values = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
  assert.equal(percentile(values, 0.5), 5);
  assert.equal(percentile(values, 0.9), 9);
  assert.equal(percentile([42], 0.9), 42);
  assert.equal(percentile([], 0.5), undefined);
});

test('a round notifies only when something happened, in the language asked for', () => {
  const round = {
    startedAt: '2026-11-01T00:00:00.000Z',
    checked: 1,
    unchanged: 1,
    changes: [],
    alarms: [],
    deferred: [],
    failed: [],
    warnings: [],
    pauses: [],
    requests: 1,
    durationMs: 1,
  };
  assert.equal(roundNotification(round, 'en'), undefined);
  const alarm = { watch: 'r.example/a:1', platform: 'linux/amd64', kind: 'tag-deleted' as const, detail: 'gone' };
  const told = roundNotification({ ...round, alarms: [alarm] }, 'en');
  assert.equal(told?.subject, 'sgci monitor: 0 tag moves, 1 alarms');
  assert.match(told?.text ?? '', /- r\.example\/a:1 \(linux\/amd64\) tag-deleted: gone/);
});
