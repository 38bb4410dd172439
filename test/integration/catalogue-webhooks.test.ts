/**
 * Webhooks end to end on their own functions, with real parts: PGlite and PostgreSQL, the job worker, and a
 * node:http receiver on loopback (allowed explicitly, as an operator would with --allow-webhook) that verifies
 * every signature with the documented algorithm. Time moves on the test clock; nothing sleeps.
 */
import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { after, afterEach, before, describe, test } from 'node:test';
import {
  appendEvent,
  type Catalogue,
  CredentialsKey,
  createWebhook,
  enqueueJob,
  listDeliveries,
  listWebhooks,
  type Principal,
  redeliver,
  WebhookSender,
  WebhookTargets,
  Worker,
  webhookDispatchIntervalMs,
  webhookDispatchKind,
  webhookJobs,
  webhookMaxAttempts,
  webhookRetryDelaysMs,
} from '../../src/catalogue/index.ts';
import { isSgciError } from '../../src/core/index.ts';
import { catalogueEngines, TestCatalogues } from '../helpers/catalogue.ts';
import { answer, verifiesAsDocumented, WebhookReceiver } from '../helpers/webhook-receiver.ts';

function person(id: string, organisations: string[], role: Principal['role'] = null): Principal {
  return { userId: id, login: id, displayName: id, role, organisations, via: { kind: 'session' } };
}

const admin = person('admin', [], 'admin');
const alice = person('alice', ['org-a']);
const bob = person('bob', ['org-b']);
const system = { kind: 'system' } as const;

/** Two organisations with one submitted version each: `sub-a` of org-a, `sub-b` of org-b. */
async function seed(catalogue: Catalogue): Promise<{ a: string; b: string }> {
  const now = catalogue.now();
  await catalogue.db
    .insertInto('organisations')
    .values(['org-a', 'org-b'].map((slug) => ({ slug, name: slug, created_at: now })))
    .execute();
  await catalogue.db
    .insertInto('users')
    .values(
      [admin, alice, bob].map((p) => ({
        id: p.userId,
        login: p.login,
        display_name: p.login,
        role: p.role,
        created_at: now,
      })),
    )
    .execute();
  const ids = { a: randomUUID(), b: randomUUID() };
  for (const [org, id, user] of [
    ['org-a', ids.a, alice],
    ['org-b', ids.b, bob],
  ] as const) {
    await catalogue.db
      .insertInto('images')
      .values({
        name: `${org}-app`,
        organisation: org,
        repository: `registry.example/${org}/app`,
        description_de: 'Anwendung',
        description_en: 'application',
        categories: JSON.stringify(['runtime']),
        license: 'MIT',
        source: 'https://example.org',
        contact: 'ops@example.org',
        created_at: now,
        updated_at: now,
      })
      .execute();
    await catalogue.db
      .insertInto('submissions')
      .values({
        id,
        image: `${org}-app`,
        reference: `registry.example/${org}/app:1`,
        digest: `sha256:${org === 'org-a' ? 'a'.repeat(64) : 'b'.repeat(64)}`,
        tag: '1',
        status: 'awaiting-review',
        organisation: org,
        submitted_by: user.userId,
        inputs: JSON.stringify({}),
        created_at: now,
        updated_at: now,
      })
      .execute();
  }
  return ids;
}

type Emitted = 'submitted' | 'admitted' | 'scanning' | 'suspended' | 'finding-new' | 'sla-breach' | 'back-to-submitted';

/** Appends the event the catalogue's own code writes for `what`, in a transaction of its own. */
async function emit(catalogue: Catalogue, submission: string, what: Emitted): Promise<void> {
  const status = (before: string | undefined, after: string, extra: Record<string, unknown> = {}) => ({
    kind: 'status',
    ...(before ? { before: { status: before } } : {}),
    after: { status: after, ...extra },
  });
  const event =
    what === 'submitted'
      ? status(undefined, 'submitted', { image: 'app', digest: 'sha256:x', reference: 'registry.example/app:1' })
      : what === 'admitted'
        ? status('awaiting-review', 'admitted', { reason: 'all checks pass' })
        : what === 'scanning'
          ? status('submitted', 'scanning')
          : what === 'back-to-submitted'
            ? status('scanning', 'submitted', { reason: 'registry unreachable' })
            : what === 'suspended'
              ? status('at-risk', 'suspended', { reason: 'CVE-2026-0001 overdue' })
              : {
                  kind: what,
                  after: { vulnerability: 'CVE-2026-0001', purl: 'pkg:npm/lodash@4.17.20', severity: 'HIGH' },
                };
  await catalogue.transaction((tx) =>
    appendEvent(tx, { actor: system, subject: { kind: 'submission', id: submission }, ...event, at: catalogue.now() }),
  );
}

/** Dispatcher jobs queued or running: at most one should be. */
async function liveDispatchers(catalogue: Catalogue): Promise<number> {
  const rows = await catalogue.db
    .selectFrom('jobs')
    .select('id')
    .where('kind', '=', webhookDispatchKind)
    .where('state', 'in', ['queued', 'running'])
    .execute();
  return rows.length;
}

function json(body: string): Record<string, unknown> {
  return JSON.parse(body) as Record<string, unknown>;
}

for (const { engine, skip } of catalogueEngines) {
  describe(`webhooks on ${engine}`, { skip }, () => {
    let suite: TestCatalogues;
    let catalogue: Catalogue;
    let receiver: WebhookReceiver;
    let worker: Worker;
    let ids: { a: string; b: string };
    const key = new CredentialsKey(randomBytes(32), 'test key');
    let allowed: WebhookTargets;

    before(async () => {
      suite = new TestCatalogues(engine);
      catalogue = await suite.open();
      receiver = await WebhookReceiver.start(suite.clock.now);
      allowed = new WebhookTargets({ allow: [receiver.host] });
      const sender = new WebhookSender({ targets: allowed });
      worker = new Worker({ catalogue, definitions: webhookJobs({ sender, key }), id: 'webhook-worker' });
      ids = await seed(catalogue);
    });
    afterEach(async () => {
      await catalogue.db.deleteFrom('webhooks').execute();
    });
    after(async () => {
      await receiver?.[Symbol.asyncDispose]();
      await suite[Symbol.asyncDispose]();
    });

    /** The next dispatcher run is due, and every job due runs. */
    async function deliverDue(): Promise<void> {
      suite.clock.advance(webhookDispatchIntervalMs);
      await worker.drain();
    }

    async function register(principal: Principal, path: string, events: string[], organisation?: string) {
      const created = await createWebhook(
        catalogue,
        principal,
        { key, targets: allowed },
        { url: receiver.url(path), events: events as never, ...(organisation ? { organisation } : {}) },
      );
      receiver.secrets.set(path, created.secret);
      return created;
    }

    test('deliveries are signed as documented and carry {id, type, occurredAt, subject, data}', async () => {
      const hook = await register(alice, '/signed', ['submission', 'decision']);
      await worker.drain();
      await emit(catalogue, ids.a, 'submitted');
      await emit(catalogue, ids.a, 'scanning');
      await emit(catalogue, ids.a, 'back-to-submitted');
      await emit(catalogue, ids.a, 'admitted');
      await deliverDue();
      const got = receiver.at('/signed');
      assert.deepEqual(
        got.map((r) => r.headers['x-sgci-event']),
        ['submission', 'decision'],
        'a scan going back to submitted is no new submission',
      );
      for (const r of got) {
        assert.equal(r.verified, true, 'the documented HMAC check passes');
        const secret = receiver.secrets.get('/signed') ?? '';
        const now = suite.clock.now();
        assert.equal(verifiesAsDocumented(secret, r.headers, `${r.body} `, now), false, 'another body fails');
        assert.equal(verifiesAsDocumented(`${secret}x`, r.headers, r.body, now), false, 'another secret fails');
        const later = new Date(now.getTime() + 301_000);
        assert.equal(verifiesAsDocumented(secret, r.headers, r.body, later), false, 'a replay after 5 min fails');
        assert.equal(r.headers['content-type'], 'application/json');
        assert.equal(r.headers['x-sgci-timestamp'], String(Math.floor(suite.clock.now().getTime() / 1000)));
        assert.match(String(r.headers['x-sgci-signature']), /^sha256=[0-9a-f]{64}$/);
      }
      const decision = json(got[1]?.body ?? '{}');
      assert.deepEqual(Object.keys(decision).sort(), ['data', 'id', 'occurredAt', 'subject', 'type']);
      assert.equal(decision.type, 'decision');
      assert.deepEqual(decision.subject, {
        kind: 'submission',
        id: ids.a,
        image: 'org-a-app',
        digest: `sha256:${'a'.repeat(64)}`,
        organisation: 'org-a',
      });
      assert.deepEqual(decision.data, { decision: 'admit', status: 'admitted', reason: 'all checks pass' });
      // the delivery log names the same delivery id the receiver saw
      const log = await listDeliveries(catalogue.db, alice, hook.id, { limit: 10 });
      assert.deepEqual(log.items.map((d) => d.id).sort(), got.map((r) => String(r.headers['x-sgci-delivery'])).sort());
      for (const d of log.items) {
        assert.equal(d.state, 'delivered');
        assert.equal(d.attempts.length, 1);
        assert.equal(d.attempts[0]?.statusCode, 204);
        assert.equal(d.attempts[0]?.nextTryAt, null);
      }
    });

    test("events of organisation B never reach organisation A's webhook; an admin's hears both", async () => {
      await register(alice, '/org-a', ['submission', 'suspension', 'finding-new', 'sla-breach']);
      await register(admin, '/all', ['submission', 'suspension', 'finding-new', 'sla-breach']);
      await worker.drain();
      for (const what of ['submitted', 'suspended', 'finding-new', 'sla-breach'] as const) {
        await emit(catalogue, ids.b, what);
        await emit(catalogue, ids.a, what);
      }
      await deliverDue();
      const orgA = receiver.at('/org-a').map((r) => json(r.body));
      assert.equal(orgA.length, 4);
      assert.ok(orgA.every((p) => (p.subject as { organisation: string }).organisation === 'org-a'));
      const all = receiver.at('/all').map((r) => json(r.body));
      assert.deepEqual(
        all.map((p) => `${(p.subject as { organisation: string }).organisation} ${p.type}`),
        [
          'org-b submission',
          'org-a submission',
          'org-b suspension',
          'org-a suspension',
          'org-b finding-new',
          'org-a finding-new',
          'org-b sla-breach',
          'org-a sla-breach',
        ],
      );
      const breach = all.find((p) => p.type === 'sla-breach');
      assert.deepEqual(breach?.data, {
        vulnerability: 'CVE-2026-0001',
        purl: 'pkg:npm/lodash@4.17.20',
        severity: 'HIGH',
      });
      const suspension = all.find((p) => p.type === 'suspension');
      assert.deepEqual(suspension?.data, {
        status: 'suspended',
        previousStatus: 'at-risk',
        reason: 'CVE-2026-0001 overdue',
      });
      assert.equal(
        receiver.received.filter((r) => r.path === '/org-a' || r.path === '/all').every((r) => r.verified),
        true,
      );
    });

    test('a failed attempt (500) is retried after its backoff on the clock, not before, then delivered', async () => {
      const hook = await register(alice, '/flaky', ['submission']);
      receiver.answers.set('/flaky', [answer.status(500, 'database locked')]);
      await worker.drain();
      await emit(catalogue, ids.a, 'submitted');
      await deliverDue();
      let log = await listDeliveries(catalogue.db, alice, hook.id, { limit: 10 });
      const first = log.items[0]?.attempts[0];
      assert.equal(first?.statusCode, 500);
      assert.equal(first?.error, 'answered 500');
      assert.equal(first?.responseExcerpt, 'database locked');
      const due = new Date(suite.clock.now().getTime() + (webhookRetryDelaysMs[0] ?? 0)).toISOString();
      assert.equal(first?.nextTryAt, due);
      assert.equal(log.items[0]?.state, 'pending');
      assert.equal(log.items[0]?.nextTryAt, due);

      suite.clock.advance((webhookRetryDelaysMs[0] ?? 0) - 1);
      await worker.drain();
      assert.equal(receiver.at('/flaky').length, 1, 'not retried before its backoff');
      suite.clock.advance(1);
      await worker.drain();
      const got = receiver.at('/flaky');
      assert.equal(got.length, 2);
      assert.equal(got[1]?.headers['x-sgci-delivery'], got[0]?.headers['x-sgci-delivery'], 'the same delivery');
      assert.equal(got[1]?.body, got[0]?.body, 'the same bytes');
      assert.notEqual(got[1]?.headers['x-sgci-timestamp'], got[0]?.headers['x-sgci-timestamp'], 'signed afresh');
      assert.ok(got.every((r) => r.verified));
      log = await listDeliveries(catalogue.db, alice, hook.id, { limit: 10 });
      assert.equal(log.items[0]?.state, 'delivered');
      assert.deepEqual(
        log.items[0]?.attempts.map((a) => [a.attempt, a.statusCode]),
        [
          [1, 500],
          [2, 204],
        ],
      );
    });

    test('a receiver that keeps failing is tried eight times on the documented schedule, then given up', async () => {
      const hook = await register(alice, '/down', ['submission']);
      receiver.answers.set(
        '/down',
        Array.from({ length: webhookMaxAttempts + 1 }, () => answer.status(503)),
      );
      await worker.drain();
      await emit(catalogue, ids.a, 'submitted');
      await deliverDue();
      for (const delay of webhookRetryDelaysMs) {
        suite.clock.advance(delay);
        await worker.drain();
      }
      suite.clock.advance(24 * 3_600_000);
      await worker.drain();
      assert.equal(receiver.at('/down').length, webhookMaxAttempts);
      const log = await listDeliveries(catalogue.db, alice, hook.id, { limit: 10 });
      const attempts = log.items[0]?.attempts ?? [];
      assert.equal(log.items[0]?.state, 'failed');
      assert.equal(log.items[0]?.nextTryAt, null);
      const waits = attempts.slice(1).map((a, i) => Date.parse(a.at) - Date.parse(attempts[i]?.at ?? ''));
      assert.deepEqual(waits, webhookRetryDelaysMs, 'the waits between attempts are the documented schedule');
      assert.deepEqual(
        waits.map((ms) => ms / 60_000),
        [1, 4, 16, 64, 256, 720, 720],
      );
      assert.equal(attempts.at(-1)?.nextTryAt, null);
    });

    test('redeliver sends the same delivery again, signed afresh', async () => {
      const hook = await register(alice, '/again', ['submission']);
      await worker.drain();
      await emit(catalogue, ids.a, 'submitted');
      await deliverDue();
      const [delivery] = (await listDeliveries(catalogue.db, alice, hook.id, { limit: 10 })).items;
      assert.ok(delivery);
      await assert.rejects(redeliver(catalogue, bob, hook.id, delivery.id), /no such webhook/);
      suite.clock.advance(1000);
      assert.equal((await redeliver(catalogue, alice, hook.id, delivery.id)).state, 'pending');
      await worker.drain();
      const got = receiver.at('/again');
      assert.equal(got.length, 2);
      assert.equal(got[1]?.headers['x-sgci-delivery'], delivery.id);
      assert.equal(got[1]?.body, got[0]?.body);
      assert.ok(got.every((r) => r.verified));
      const log = await listDeliveries(catalogue.db, alice, hook.id, { limit: 10 });
      assert.equal(log.items[0]?.state, 'delivered');
      assert.equal(log.items[0]?.attempts.length, 2);
    });

    test('a URL resolving to 127.0.0.1 is refused without an allowance: at registration, and at connect time', async () => {
      const refusing = new WebhookTargets();
      const url = `https://localhost:${receiver.port}/rebound`;
      await assert.rejects(
        createWebhook(catalogue, alice, { key, targets: refusing }, { url, events: ['submission'] }),
        (error) =>
          isSgciError(error, 'USAGE') &&
          error.input === 'url' &&
          /^url: not connecting to webhook localhost:\d+, which resolves to (127\.0\.0\.1|::1), a loopback address; allow it with --allow-webhook localhost:\d+$/.test(
            error.message,
          ),
      );
      await assert.rejects(
        createWebhook(
          catalogue,
          alice,
          { key, targets: refusing },
          { url: 'http://93.184.216.34/hook', events: ['submission'] },
        ),
        /plain http only to hosts the operator allows/,
      );
      await assert.rejects(
        createWebhook(
          catalogue,
          alice,
          { key, targets: refusing },
          { url: 'https://169.254.169.254/latest', events: ['submission'] },
        ),
        /the cloud metadata address/,
      );
      // registered while the operator allowed it (or while the name pointed elsewhere): the connect refuses it
      const hook = await createWebhook(
        catalogue,
        alice,
        { key, targets: new WebhookTargets({ allow: [`localhost:${receiver.port}`] }) },
        { url, events: ['submission'] },
      );
      const strict = new Worker({
        catalogue,
        definitions: webhookJobs({ sender: new WebhookSender({ targets: refusing }), key }),
        id: 'strict-worker',
      });
      await strict.drain();
      await emit(catalogue, ids.a, 'submitted');
      suite.clock.advance(webhookDispatchIntervalMs);
      await strict.drain();
      assert.equal(receiver.at('/rebound').length, 0, 'nothing reached the receiver');
      const log = await listDeliveries(catalogue.db, alice, hook.id, { limit: 10 });
      const [delivery] = log.items;
      assert.equal(delivery?.state, 'failed', 'a refusal is not retried');
      assert.equal(delivery?.attempts.length, 1);
      assert.equal(delivery?.attempts[0]?.statusCode, null);
      assert.match(
        delivery?.attempts[0]?.error ?? '',
        /^refused: not connecting to webhook localhost:\d+, which resolves to (127\.0\.0\.1|::1), a loopback address; allow it with --allow-webhook localhost:\d+$/,
      );
      assert.equal(delivery?.attempts[0]?.nextTryAt, null);
      // plain http to a host whose allowance was withdrawn: refused before any connection
      const plain = await register(alice, '/plain', ['submission']);
      await strict.drain();
      await emit(catalogue, ids.a, 'submitted');
      suite.clock.advance(webhookDispatchIntervalMs);
      await strict.drain();
      assert.equal(receiver.at('/plain').length, 0);
      const [refused] = (await listDeliveries(catalogue.db, alice, plain.id, { limit: 10 })).items;
      assert.equal(refused?.state, 'failed');
      assert.equal(
        refused?.attempts[0]?.error,
        `refused: plain http only to hosts the operator allows (--allow-webhook ${receiver.host}); use https`,
      );
    });

    test('redirects are not followed and only the first 4 KiB of an answer are read', async () => {
      await using elsewhere = await WebhookReceiver.start(suite.clock.now);
      const hook = await register(alice, '/bounce', ['submission']);
      receiver.answers.set('/bounce', [
        answer.redirect(elsewhere.url('/stolen')),
        answer.status(200, 'x'.repeat(1_000_000)),
      ]);
      await worker.drain();
      await emit(catalogue, ids.a, 'submitted');
      await emit(catalogue, ids.a, 'submitted');
      await deliverDue();
      assert.equal(elsewhere.received.length, 0, 'the redirect target was never contacted');
      const log = await listDeliveries(catalogue.db, alice, hook.id, { limit: 10 });
      const attempts = log.items.flatMap((d) => d.attempts);
      const redirect = attempts.find((a) => a.statusCode === 302);
      assert.equal(redirect?.error, `redirect not followed (to ${elsewhere.url('/stolen')})`);
      assert.ok(redirect?.nextTryAt, 'a redirect is a failed attempt, tried again later');
      const large = attempts.find((a) => a.statusCode === 200);
      assert.equal(large?.responseExcerpt?.length, 4096);
    });

    test('a receiver that does not answer is cut off at the deadline', async () => {
      const hook = await register(alice, '/silent', ['submission']);
      receiver.answers.set('/silent', [answer.silence()]);
      const impatient = new Worker({
        catalogue,
        definitions: webhookJobs({ sender: new WebhookSender({ targets: allowed, timeoutMs: 300 }), key }),
        id: 'impatient-worker',
      });
      await impatient.drain();
      await emit(catalogue, ids.a, 'submitted');
      suite.clock.advance(webhookDispatchIntervalMs);
      await impatient.drain();
      const [delivery] = (await listDeliveries(catalogue.db, alice, hook.id, { limit: 10 })).items;
      assert.equal(delivery?.attempts[0]?.error, 'no complete answer within 300 ms');
      assert.ok((delivery?.attempts[0]?.durationMs ?? 0) >= 290);
      assert.equal(delivery?.state, 'pending');
    });

    test('the secret is stored sealed, listed never, and events from before a webhook are not sent to it', async () => {
      await emit(catalogue, ids.a, 'submitted');
      suite.clock.advance(1);
      const hook = await register(alice, '/new', ['submission']);
      const row = await catalogue.db
        .selectFrom('webhooks')
        .select('sealed_secret')
        .where('id', '=', hook.id)
        .executeTakeFirstOrThrow();
      assert.match(hook.secret, /^sgci_whsec_[A-Za-z0-9_-]{43}$/);
      assert.ok(!row.sealed_secret.includes(hook.secret));
      assert.ok(!JSON.stringify(await listWebhooks(catalogue.db, alice)).includes(hook.secret));
      assert.deepEqual(
        (await listWebhooks(catalogue.db, bob)).map((w) => w.id),
        [],
        "bob does not see org-a's webhook",
      );
      await deliverDue();
      assert.equal(receiver.at('/new').length, 0);
    });

    test('with no webhook left the dispatcher stops; a new webhook starts it again', async () => {
      await register(alice, '/restart', ['submission']);
      await worker.drain();
      await catalogue.db.deleteFrom('webhooks').execute();
      await deliverDue();
      assert.equal(await liveDispatchers(catalogue), 0);
      await register(alice, '/restart', ['submission']);
      assert.equal(await liveDispatchers(catalogue), 1);
      await worker.drain();
      await emit(catalogue, ids.a, 'submitted');
      await deliverDue();
      assert.equal(receiver.at('/restart').length, 1);
    });
  });
}

describe('webhooks with several workers on one PostgreSQL', { skip: catalogueEngines[1]?.skip }, () => {
  /** Two processes' catalogues on one PostgreSQL, seeded, and a receiver they may deliver to. */
  async function twoProcesses() {
    const suite = new TestCatalogues('postgres');
    const receiver = await WebhookReceiver.start(suite.clock.now);
    const [a, b] = [await suite.open(), await suite.open()];
    return {
      suite,
      receiver,
      a,
      b,
      ids: await seed(a),
      key: new CredentialsKey(randomBytes(32), 'test key'),
      targets: new WebhookTargets({ allow: [receiver.host] }),
      async [Symbol.asyncDispose]() {
        await receiver[Symbol.asyncDispose]();
        await suite[Symbol.asyncDispose]();
      },
    };
  }

  test('two workers never deliver an event twice, and a second dispatcher collapses into one', async () => {
    await using processes = await twoProcesses();
    const { suite, receiver, a, b, ids, key, targets } = processes;
    const everything = ['submission', 'decision', 'finding-new', 'sla-breach', 'suspension'] as const;
    for (const [principal, path] of [
      [admin, '/all'],
      [alice, '/org-a'],
    ] as const) {
      const hook = await createWebhook(
        a,
        principal,
        { key, targets },
        { url: receiver.url(path), events: [...everything] },
      );
      receiver.secrets.set(path, hook.secret);
    }
    // two more dispatchers, as a race of two processes could leave: they must not deliver anything twice
    for (let n = 0; n < 2; n++) await enqueueJob(a.db, webhookDispatchKind, {}, a.now());
    const kinds = ['submitted', 'admitted', 'finding-new', 'sla-breach', 'suspended'] as const;
    let expectedAll = 0;
    let expectedOrgA = 0;
    for (let n = 0; n < 30; n++) {
      const onA = n % 2 === 0;
      await emit(onA ? a : b, onA ? ids.a : ids.b, kinds[n % kinds.length] ?? 'submitted');
      expectedAll++;
      if (onA) expectedOrgA++;
    }
    const workers = [a, b].map(
      (catalogue, i) =>
        new Worker({
          catalogue,
          definitions: webhookJobs({ sender: new WebhookSender({ targets }), key }),
          id: `w${i}`,
        }),
    );
    for (let round = 0; round < 4; round++) {
      suite.clock.advance(webhookDispatchIntervalMs);
      await Promise.all(workers.flatMap((w) => [w.drain(), w.drain()]));
    }
    for (const [path, expected] of [
      ['/all', expectedAll],
      ['/org-a', expectedOrgA],
    ] as const) {
      const got = receiver.at(path);
      const deliveries = new Set(got.map((r) => r.headers['x-sgci-delivery']));
      const events = new Set(got.map((r) => json(r.body).id));
      assert.equal(got.length, expected, `${path}: every event once`);
      assert.equal(deliveries.size, expected, `${path}: no delivery twice`);
      assert.equal(events.size, expected, `${path}: no event twice`);
      assert.ok(got.every((r) => r.verified));
    }
    assert.equal(await liveDispatchers(a), 1, 'one dispatcher waits for the next round');
  });

  test('an event of a transaction still open when a later one commits is delivered, not skipped', async () => {
    await using processes = await twoProcesses();
    const { suite, receiver, a, b, ids, key, targets } = processes;
    const hook = await createWebhook(
      a,
      admin,
      { key, targets },
      { url: receiver.url('/late'), events: ['submission'] },
    );
    receiver.secrets.set('/late', hook.secret);
    const worker = new Worker({
      catalogue: b,
      definitions: webhookJobs({ sender: new WebhookSender({ targets }), key }),
      id: 'w',
    });
    await worker.drain();
    // the earlier event draws its id first but commits last
    const { promise: release, resolve } = Promise.withResolvers<void>();
    const { promise: written, resolve: wrote } = Promise.withResolvers<void>();
    const slow = a.transaction(async (tx) => {
      await appendEvent(tx, {
        actor: system,
        subject: { kind: 'submission', id: ids.a },
        kind: 'status',
        after: { status: 'submitted' },
        at: a.now(),
      });
      wrote();
      await release;
    });
    try {
      await written;
      await emit(b, ids.b, 'submitted');
      suite.clock.advance(webhookDispatchIntervalMs);
      await worker.drain();
      assert.equal(receiver.at('/late').length, 0, 'the later event waits for the earlier transaction to end');
    } finally {
      resolve();
      await slow;
    }
    suite.clock.advance(webhookDispatchIntervalMs);
    await worker.drain();
    const got = receiver.at('/late').map((r) => json(r.body));
    assert.deepEqual(got.map((p) => (p.subject as { organisation: string }).organisation).sort(), ['org-a', 'org-b']);
  });
});
