/**
 * How a monitor round meets registries that misbehave as real ones do: a proxy in front of the real docker-registry
 * drops the digest header, answers 429 with Retry-After, or reports a rate-limit budget below the floor. The round
 * runs on a TestClock; its pauses move that clock instead of sleeping.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, test } from 'node:test';
import { withLimits } from '../../src/core/index.ts';
import { runRound, watchKeyOf } from '../../src/monitor/index.ts';
import { RegistryClient, type RegistryResponseInfo } from '../../src/oci/registry/index.ts';
import { openStore, type Store } from '../../src/store/index.ts';
import { TestClock } from '../helpers/catalogue.ts';
import { fixture, fixturesMissing } from '../helpers/fixtures.ts';
import { skopeoInspectRaw, startRegistry, type TestRegistry } from '../helpers/registry.ts';
import { type ProxyBehaviour, startRegistryProxy } from '../helpers/registry-proxy.ts';

const skip = fixturesMissing();
const limits = withLimits({ requestTimeoutMs: 10_000 });
let registry: TestRegistry;

before(async () => {
  if (skip) return;
  registry = await startRegistry();
  for (const tag of ['a', 'b', 'c']) await registry.push(fixture('distroless-static').ociDir, `beh/app:${tag}`);
});

after(async () => {
  if (!skip) await registry.stop();
});

interface Harness extends AsyncDisposable {
  readonly store: Store;
  readonly clock: TestClock;
  readonly slept: number[];
  round(options?: { concurrency?: number; floor?: number }): ReturnType<typeof runRound>;
}

/** A fresh in-memory store watching `tags` through a proxy with `behaviour`. */
async function harness(
  behaviour: ProxyBehaviour,
  tags: readonly string[],
): Promise<Harness & { host: string; connections: () => number }> {
  const proxy = await startRegistryProxy(registry.url, behaviour);
  const store = await openStore({ dataDir: 'memory://', databaseUrl: '' });
  const clock = new TestClock('2026-11-01T00:00:00Z');
  const slept: number[] = [];
  for (const tag of tags) await store.monitor.addWatch(watchKeyOf(`${proxy.host}/beh/app:${tag}`), 3600, clock.now());
  return {
    host: proxy.host,
    connections: proxy.connections,
    store,
    clock,
    slept,
    round: (options = {}) =>
      runRound(
        {
          monitor: store.monitor,
          clock: clock.now,
          sleep: async (ms) => {
            slept.push(ms);
            clock.advance(ms);
          },
          openClient: (onResponse: (info: RegistryResponseInfo) => void) =>
            new RegistryClient({ limits, retry: { attempts: 1 }, onResponse }),
          limits,
        },
        { all: true, ...options },
      ),
    async [Symbol.asyncDispose]() {
      await store.close();
      await proxy[Symbol.asyncDispose]();
    },
  };
}

const manifestPath = /^\/v2\/beh\/app\/manifests\//;

test('a registry that omits Docker-Content-Digest: the digest is the sha256 of the manifest, source get', {
  skip,
}, async () => {
  await using h = await harness(
    {
      rewrite: (_req, headers) => {
        const { 'docker-content-digest': _dropped, ...rest } = headers;
        return rest;
      },
    },
    ['a'],
  );
  const result = await h.round();
  assert.deepEqual(result.failed, []);
  const [row] = await h.store.monitor.history(watchKeyOf(`${h.host}/beh/app:a`));
  const raw = await skopeoInspectRaw(registry, 'beh/app:a');
  assert.equal(row?.digest, `sha256:${createHash('sha256').update(raw).digest('hex')}`);
  assert.equal(row?.source, 'get');
});

test('429 with Retry-After: the round waits what the registry asked (on its clock) and asks again', {
  skip,
}, async () => {
  let refused = 0;
  await using h = await harness(
    {
      answer: (req) => {
        if (req.method !== 'HEAD' || !manifestPath.test(req.path) || refused >= 1) return undefined;
        refused++;
        return { status: 429, headers: { 'retry-after': '7' } };
      },
    },
    ['a'],
  );
  const result = await h.round();
  assert.deepEqual(result.failed, []);
  assert.deepEqual(
    result.pauses.map((p) => [p.ms, p.reason]),
    [[7000, 'retry-after']],
  );
  assert.deepEqual(h.slept, [7000]);
  assert.equal(result.changes.length, 1);
  const [row] = await h.store.monitor.history(watchKeyOf(`${h.host}/beh/app:a`));
  assert.equal(row?.firstSeen, '2026-11-01T00:00:07.000Z', 'observed after the pause, on the same clock');
});

test('a Retry-After longer than a round waits defers the registry: the tags stay due', { skip }, async () => {
  await using h = await harness(
    { answer: (req) => (req.method === 'HEAD' ? { status: 429, headers: { 'retry-after': '3600' } } : undefined) },
    ['a', 'b'],
  );
  const result = await h.round({ concurrency: 1 });
  assert.deepEqual(result.deferred, [`${h.host}/beh/app:a`, `${h.host}/beh/app:b`]);
  assert.deepEqual(h.slept, []);
  assert.ok((await h.store.monitor.watches()).every((w) => w.checkedAt === undefined));
});

test('a rate-limit budget below the floor pauses until the window resets', { skip }, async () => {
  let remaining = 12;
  await using h = await harness(
    {
      rewrite: (req, headers) =>
        req.method === 'HEAD'
          ? { ...headers, 'ratelimit-remaining': `${remaining--};w=21600`, 'ratelimit-reset': '30' }
          : headers,
    },
    ['a', 'b', 'c'],
  );
  const result = await h.round({ concurrency: 1, floor: 11 });
  assert.deepEqual(result.failed, []);
  assert.deepEqual(result.deferred, []);
  // 12 left after the first HEAD, 11 after the second: at the floor, not below; 10 after the third: pause
  assert.deepEqual(
    result.pauses.map((p) => [p.ms, p.reason]),
    [[30_000, 'below-floor']],
  );
  assert.equal(result.changes.length, 3);
});

test('unchanged tags cost one request each, and the vanished pin is asked for', { skip }, async () => {
  await using h = await harness({}, ['a', 'b', 'c']);
  const first = await h.round();
  assert.equal(first.changes.length, 3);
  const second = await h.round();
  assert.deepEqual([second.unchanged, second.requests], [3, 3]);
  const [watch] = await h.store.monitor.watches();
  assert.ok(watch);
  // a pin on a digest the registry never had: one more HEAD, one alarm, raised once
  const missing = `sha256:${'0'.repeat(64)}`;
  await h.store.monitor.setPin(watch.id, missing, h.clock.now());
  const third = await h.round();
  assert.deepEqual([third.requests, third.alarms.map((a) => a.kind)], [4, ['pin-vanished']]);
  assert.deepEqual((await h.round()).alarms, []);
});

test("unchanged tags reuse the round's connections: a HEAD does not close its connection", { skip }, async (t) => {
  const manifest = await fetch(`${registry.url}/v2/beh/app/manifests/a`, {
    headers: { accept: 'application/vnd.oci.image.manifest.v1+json' },
  });
  const bytes = new Uint8Array(await manifest.arrayBuffer());
  const tags = Array.from({ length: 60 }, (_, i) => `keep${i}`);
  for (const tag of tags) {
    const put = await fetch(`${registry.url}/v2/beh/app/manifests/${tag}`, {
      method: 'PUT',
      headers: { 'content-type': manifest.headers.get('content-type') ?? '' },
      body: bytes,
    });
    assert.equal(put.status, 201, tag);
  }
  await using h = await harness({}, tags);
  const concurrency = 4;
  await h.round({ concurrency });
  const before = h.connections();
  const second = await h.round({ concurrency });
  assert.deepEqual([second.unchanged, second.requests], [tags.length, tags.length]);
  // one probe of the scheme (TLS first on loopback) and the round's connections, each reused: not one per tag (61
  // before). undici opens a second connection for a slot whose next request starts before the last one's connection
  // is handed back, so up to twice the concurrency, measured 2 x 4 + 1; the bound leaves room for that timing.
  const opened = h.connections() - before;
  t.diagnostic(`${opened} connections for ${tags.length} HEAD requests at concurrency ${concurrency}`);
  assert.ok(opened <= 3 * concurrency, `${opened} connections for ${tags.length} HEAD requests`);
});

test('a registry error fails only that tag, which stays due for the next round', { skip }, async () => {
  await using h = await harness({}, ['a']);
  await using broken = await harness(
    { answer: (req) => (req.method === 'HEAD' ? { status: 500, headers: {} } : undefined) },
    ['b'],
  );
  const ok = await h.round();
  const failed = await broken.round();
  assert.deepEqual([ok.checked, ok.failed.length], [1, 0]);
  assert.deepEqual([failed.checked, failed.failed.length], [0, 1]);
  assert.match(failed.failed[0]?.error ?? '', /HTTP 500/);
  assert.deepEqual(
    (await broken.store.monitor.watches()).map((w) => w.checkedAt),
    [undefined],
  );
});
