/**
 * `/api/v1/webhooks` over HTTP, on PGlite and PostgreSQL: who may register, read, delete and redeliver (every
 * route × role), the secret shown once and nowhere else (not in answers, not in logs), and refusals as
 * problem+json naming the field.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import {
  appendEvent,
  type Catalogue,
  CredentialsKey,
  createApiToken,
  createOrganisation,
  createUser,
  maxWebhooksPerOwner,
  WebhookSender,
  WebhookTargets,
  Worker,
  webhookDispatchIntervalMs,
  webhookJobs,
} from '../../src/catalogue/index.ts';
import { type AuthServer, authServer, json } from '../helpers/accounts.ts';
import { catalogueEngines, TestCatalogues } from '../helpers/catalogue.ts';
import { WebhookReceiver } from '../helpers/webhook-receiver.ts';

const system = { kind: 'system' } as const;
type Caller = 'anonymous' | 'contributorA' | 'contributorB' | 'reviewer' | 'admin';
const callers: readonly Caller[] = ['anonymous', 'contributorA', 'contributorB', 'reviewer', 'admin'];

for (const { engine, skip } of catalogueEngines) {
  describe(`webhooks API on ${engine}`, { skip }, () => {
    let suite: TestCatalogues;
    let catalogue: Catalogue;
    let receiver: WebhookReceiver;
    let server: AuthServer;
    const credentialsKey = randomBytes(32).toString('base64');
    const tokens = {} as Record<Caller, string | undefined>;

    const call = (caller: Caller, method: string, path: string, body?: unknown) =>
      server.request(path, json(method, body, tokens[caller] ? { authorization: `Bearer ${tokens[caller]}` } : {}));

    before(async () => {
      suite = new TestCatalogues(engine);
      catalogue = await suite.open();
      receiver = await WebhookReceiver.start(suite.clock.now);
      server = authServer(catalogue, { allowWebhook: [receiver.host] }, { SGCI_CREDENTIALS_KEY: credentialsKey });
      for (const slug of ['org-a', 'org-b'])
        await createOrganisation(catalogue, system, { slug, name: slug, contact: null });
      const users: [string, 'admin' | 'reviewer' | null, string[]][] = [
        ['admin', 'admin', []],
        ['rita', 'reviewer', []],
        ['alice', null, ['org-a']],
        ['bob', null, ['org-b']],
        ['mia', null, ['org-a', 'org-b']],
      ];
      for (const [login, role, organisations] of users)
        await createUser(catalogue, system, { login, role, organisations });
      const token = async (login: string) => (await createApiToken(catalogue, system, { login, label: 'test' })).token;
      tokens.admin = await token('admin');
      tokens.reviewer = await token('rita');
      tokens.contributorA = await token('alice');
      tokens.contributorB = await token('bob');
    });
    after(async () => {
      await receiver?.[Symbol.asyncDispose]();
      await suite[Symbol.asyncDispose]();
    });

    test('every route × role, and the secret shown once', async () => {
      const register = { url: receiver.url('/a'), events: ['submission', 'decision'], organisation: 'org-a' };
      const outcomes: string[] = [];
      const record = async (caller: Caller, method: string, path: string, body?: unknown) => {
        const res = await call(caller, method, path, body);
        outcomes.push(`${method} ${path.replace(/[0-9a-f-]{36}/g, '{id}')} ${caller} ${res.status}`);
        return res;
      };
      let created: { id: string; secret: string } | undefined;
      for (const caller of callers) {
        const res = await record(caller, 'POST', '/api/v1/webhooks', register);
        if (caller === 'contributorA') {
          created = (await res.json()) as { id: string; secret: string };
          assert.equal(res.headers.get('cache-control'), 'no-store');
          assert.equal(res.headers.get('location'), `/api/v1/webhooks/${created.id}`);
        }
      }
      assert.ok(created);
      const id = created.id;
      // a delivery to redeliver
      const sender = new WebhookSender({ targets: new WebhookTargets({ allow: [receiver.host] }) });
      const key = new CredentialsKey(Buffer.from(credentialsKey, 'base64'), 'test');
      const worker = new Worker({ catalogue, definitions: webhookJobs({ sender, key }), id: 'api-worker' });
      await catalogue.db
        .insertInto('images')
        .values({
          name: 'app',
          organisation: 'org-a',
          repository: 'registry.example/app',
          description_de: 'Anwendung',
          description_en: 'application',
          categories: JSON.stringify([]),
          license: 'MIT',
          source: 'https://example.org',
          contact: 'ops@example.org',
          created_at: suite.clock.now(),
          updated_at: suite.clock.now(),
        })
        .execute();
      const submission = '00000000-0000-4000-8000-000000000001';
      const alice = await catalogue.db
        .selectFrom('users')
        .select('id')
        .where('login', '=', 'alice')
        .executeTakeFirstOrThrow();
      await catalogue.db
        .insertInto('submissions')
        .values({
          id: submission,
          image: 'app',
          reference: 'registry.example/app:1',
          digest: `sha256:${'c'.repeat(64)}`,
          status: 'submitted',
          organisation: 'org-a',
          submitted_by: alice.id,
          inputs: '{}',
          created_at: suite.clock.now(),
          updated_at: suite.clock.now(),
        })
        .execute();
      await catalogue.transaction((tx) =>
        appendEvent(tx, {
          actor: system,
          subject: { kind: 'submission', id: submission },
          kind: 'status',
          after: { status: 'submitted' },
          at: suite.clock.now(),
        }),
      );
      suite.clock.advance(webhookDispatchIntervalMs);
      await worker.drain();
      const log = (await (await call('contributorA', 'GET', `/api/v1/webhooks/${id}/deliveries`)).json()) as {
        items: { id: string }[];
      };
      const delivery = log.items[0]?.id;
      assert.ok(delivery, 'one delivery');

      for (const caller of callers) {
        await record(caller, 'GET', '/api/v1/webhooks');
        await record(caller, 'GET', `/api/v1/webhooks/${id}`);
        await record(caller, 'GET', `/api/v1/webhooks/${id}/deliveries`);
        await record(caller, 'POST', `/api/v1/webhooks/${id}/deliveries/${delivery}/redeliver`);
      }
      for (const caller of ['anonymous', 'contributorB', 'reviewer', 'contributorA'] as const)
        await record(caller, 'DELETE', `/api/v1/webhooks/${id}`);
      assert.deepEqual(outcomes, [
        'POST /api/v1/webhooks anonymous 401',
        'POST /api/v1/webhooks contributorA 201',
        'POST /api/v1/webhooks contributorB 403',
        'POST /api/v1/webhooks reviewer 403',
        'POST /api/v1/webhooks admin 201',
        'GET /api/v1/webhooks anonymous 401',
        'GET /api/v1/webhooks/{id} anonymous 401',
        'GET /api/v1/webhooks/{id}/deliveries anonymous 401',
        'POST /api/v1/webhooks/{id}/deliveries/{id}/redeliver anonymous 401',
        'GET /api/v1/webhooks contributorA 200',
        'GET /api/v1/webhooks/{id} contributorA 200',
        'GET /api/v1/webhooks/{id}/deliveries contributorA 200',
        'POST /api/v1/webhooks/{id}/deliveries/{id}/redeliver contributorA 202',
        'GET /api/v1/webhooks contributorB 200',
        'GET /api/v1/webhooks/{id} contributorB 404',
        'GET /api/v1/webhooks/{id}/deliveries contributorB 404',
        'POST /api/v1/webhooks/{id}/deliveries/{id}/redeliver contributorB 404',
        'GET /api/v1/webhooks reviewer 200',
        'GET /api/v1/webhooks/{id} reviewer 404',
        'GET /api/v1/webhooks/{id}/deliveries reviewer 404',
        'POST /api/v1/webhooks/{id}/deliveries/{id}/redeliver reviewer 404',
        'GET /api/v1/webhooks admin 200',
        'GET /api/v1/webhooks/{id} admin 200',
        'GET /api/v1/webhooks/{id}/deliveries admin 200',
        'POST /api/v1/webhooks/{id}/deliveries/{id}/redeliver admin 202',
        'DELETE /api/v1/webhooks/{id} anonymous 401',
        'DELETE /api/v1/webhooks/{id} contributorB 404',
        'DELETE /api/v1/webhooks/{id} reviewer 404',
        'DELETE /api/v1/webhooks/{id} contributorA 204',
      ]);
      // the secret: in the one 201 answer, then nowhere — no answer, no log line, no stored column in plain
      for (const caller of ['contributorA', 'admin'] as const) {
        const text = await (await call(caller, 'GET', '/api/v1/webhooks')).text();
        assert.ok(!text.includes(created.secret));
        assert.ok(!text.includes('"secret"'));
      }
      assert.ok(!server.logs.join('\n').includes(created.secret), 'no log line carries the secret');
      const bList = (await (await call('contributorB', 'GET', '/api/v1/webhooks')).json()) as { items: unknown[] };
      assert.equal(bList.items.length, 0, "B sees none of A's webhooks");
      const adminList = (await (await call('admin', 'GET', '/api/v1/webhooks')).json()) as {
        items: { organisation: string | null }[];
      };
      assert.deepEqual(
        adminList.items.map((w) => w.organisation),
        ['org-a'],
        "the admin's (for org-a) remains",
      );
    });

    test('refusals are problem+json naming the field', async () => {
      const problem = async (res: Response) => {
        assert.equal(res.headers.get('content-type'), 'application/problem+json');
        return (await res.json()) as { detail: string; errors?: { pointer: string }[] };
      };
      const http = await call('contributorA', 'POST', '/api/v1/webhooks', {
        url: 'http://hooks.example/x',
        events: ['submission'],
      });
      assert.equal(http.status, 422);
      const httpProblem = await problem(http);
      assert.equal(httpProblem.errors?.[0]?.pointer, '/url');
      assert.match(
        httpProblem.detail,
        /plain http only to hosts the operator allows \(--allow-webhook hooks\.example\)/,
      );
      const metadata = await call('contributorA', 'POST', '/api/v1/webhooks', {
        url: 'https://169.254.169.254/latest/meta-data',
        events: ['submission'],
      });
      assert.equal(metadata.status, 422);
      assert.match((await problem(metadata)).detail, /the cloud metadata address/);
      const loopback = await call('contributorA', 'POST', '/api/v1/webhooks', {
        url: `https://127.0.0.1:${receiver.port + 1}/`,
        events: ['submission'],
      });
      assert.equal(loopback.status, 422, 'allowing 127.0.0.1:PORT allows no other port');
      const unknown = await call('contributorA', 'POST', '/api/v1/webhooks', {
        url: receiver.url('/x'),
        events: ['everything'],
      });
      assert.ok(unknown.status === 400 || unknown.status === 422);
      assert.equal((await problem(unknown)).errors?.[0]?.pointer, '/events/0');
      const credentials = await call('contributorA', 'POST', '/api/v1/webhooks', {
        url: 'https://user:pw@hooks.example/',
        events: ['submission'],
      });
      assert.match((await problem(credentials)).detail, /must not carry credentials/);
      // a member of two organisations names one
      const mia = (await createApiToken(catalogue, system, { login: 'mia', label: 'test' })).token;
      const ambiguous = await server.request(
        '/api/v1/webhooks',
        json('POST', { url: receiver.url('/m'), events: ['submission'] }, { authorization: `Bearer ${mia}` }),
      );
      assert.equal(ambiguous.status, 422);
      assert.match((await problem(ambiguous)).detail, /name one of your organisations: org-a, org-b/);
      // an admin's webhook without an organisation hears every organisation
      const everyOrg = await call('admin', 'POST', '/api/v1/webhooks', {
        url: receiver.url('/all'),
        events: ['decision'],
      });
      assert.equal(everyOrg.status, 201);
      assert.equal(((await everyOrg.json()) as { organisation: string | null }).organisation, null);
      // a catalogue-wide webhook is the admins' alone
      const all = (await (await call('admin', 'GET', '/api/v1/webhooks')).json()) as {
        items: { id: string; organisation: string | null }[];
      };
      const wide = all.items.filter((w) => w.organisation === null);
      assert.equal(wide.length, 1);
      for (const w of wide) assert.equal((await call('contributorA', 'GET', `/api/v1/webhooks/${w.id}`)).status, 404);
    });

    test('without a credentials key no webhook is registered; an owner has at most the limit', async () => {
      const keyless = authServer(catalogue, { allowWebhook: [receiver.host] }, {});
      const res = await keyless.request(
        '/api/v1/webhooks',
        json(
          'POST',
          { url: receiver.url('/k'), events: ['submission'] },
          { authorization: `Bearer ${tokens.contributorB}` },
        ),
      );
      assert.equal(res.status, 422);
      assert.match(((await res.json()) as { detail: string }).detail, /no credentials key/);
      const statuses: number[] = [];
      for (let n = 0; n <= maxWebhooksPerOwner; n++) {
        statuses.push(
          (
            await call('contributorB', 'POST', '/api/v1/webhooks', {
              url: receiver.url(`/b${n}`),
              events: ['submission'],
            })
          ).status,
        );
      }
      assert.deepEqual(statuses, [...Array(maxWebhooksPerOwner).fill(201), 409]);
    });

    test('the OpenAPI document describes the webhook routes', async () => {
      const doc = (await (await server.request('/api/v1/openapi.json')).json()) as { paths: Record<string, unknown> };
      for (const path of [
        '/api/v1/webhooks',
        '/api/v1/webhooks/{id}',
        '/api/v1/webhooks/{id}/deliveries',
        '/api/v1/webhooks/{id}/deliveries/{delivery}/redeliver',
      ])
        assert.ok(doc.paths[path], path);
    });
  });
}
