/**
 * A monitor round in the server tells the catalogue's webhooks when a watched tag of a published image's repository
 * moves: the round job records a `tag-moved` event on the image's newest admitted version, the dispatcher delivers it
 * to that organisation's webhooks (signed as documented), and another organisation's webhook hears nothing. Real
 * parts: the docker-registry on loopback, PGlite, the job worker, a receiver that checks signatures.
 */
import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { BlobCache } from '../../src/cache/index.ts';
import {
  type Catalogue,
  CredentialsKey,
  createOrganisation,
  createUser,
  createWebhook,
  ensureMonitorRounds,
  type JobDefinition,
  loadPrincipal,
  monitorRoundIntervalMs,
  monitorRoundJob,
  type Principal,
  WebhookSender,
  WebhookTargets,
  Worker,
  webhookDispatchIntervalMs,
  webhookJobs,
} from '../../src/catalogue/index.ts';
import { silentLogger } from '../../src/core/index.ts';
import { watchKeyOf } from '../../src/monitor/index.ts';
import { defaultPolicy } from '../../src/policy/index.ts';
import { monitorRounds } from '../../src/server/monitor-rounds.ts';
import { TestCatalogues } from '../helpers/catalogue.ts';
import { fixture, fixturesMissing } from '../helpers/fixtures.ts';
import { startRegistry } from '../helpers/registry.ts';
import { WebhookReceiver } from '../helpers/webhook-receiver.ts';

const skip = fixturesMissing();
const system = { kind: 'system' } as const;

/** An organisation with a member and an image in `repository` with an older and a newer admitted version. */
async function publishedImage(
  catalogue: Catalogue,
  organisation: string,
  repository: string,
): Promise<{ newest: string; member: Principal }> {
  const now = catalogue.now();
  await createOrganisation(catalogue, system, { slug: organisation, name: organisation, contact: null });
  const user = await createUser(catalogue, system, {
    login: `${organisation}-user`,
    displayName: organisation,
    role: null,
    organisations: [organisation],
  });
  const member = await loadPrincipal(catalogue.db, user.id, { kind: 'session' });
  assert.ok(member);
  await catalogue.db
    .insertInto('images')
    .values({
      name: `${organisation}-base`,
      organisation,
      repository,
      description_de: 'Basis-Image, vom Monitor beobachtet',
      description_en: 'base image, watched by the monitor',
      categories: JSON.stringify(['base']),
      license: 'Apache-2.0',
      source: `https://${repository}`,
      contact: `base@${organisation}.example`,
      created_at: now,
      updated_at: now,
    })
    .execute();
  let newest = '';
  for (const [i, daysAgo] of [9, 2].entries()) {
    newest = randomUUID();
    const at = new Date(now.getTime() - daysAgo * 86_400_000);
    await catalogue.db
      .insertInto('submissions')
      .values({
        id: newest,
        image: `${organisation}-base`,
        reference: `${repository}:stable`,
        digest: `sha256:${String(i).repeat(64)}`,
        tag: 'stable',
        status: 'admitted',
        organisation,
        submitted_by: user.id,
        inputs: '{}',
        created_at: at,
        updated_at: at,
        admitted_at: at,
      })
      .execute();
  }
  return { newest, member };
}

test('a watched tag of an admitted image moves: its organisation’s webhook hears tag-moved, another does not', {
  skip,
}, async () => {
  await using registry = await startRegistry();
  await using suite = new TestCatalogues('pglite');
  await using receiver = await WebhookReceiver.start(suite.clock.now);
  const cacheDir = await mkdtemp(join(tmpdir(), 'sgci-monitor-webhooks-'));
  try {
    const catalogue = await suite.open();
    const image = await registry.push(fixture('distroless-static').ociDir, 'wh/base:stable');
    const orgA = await publishedImage(catalogue, 'org-a', `${registry.host}/wh/base`);
    const orgB = await publishedImage(catalogue, 'org-b', `${registry.host}/wh/other`);
    await catalogue.store.monitor.addWatch(watchKeyOf(image), 60, catalogue.now());

    const key = new CredentialsKey(randomBytes(32), 'test key');
    const targets = new WebhookTargets({ allow: [receiver.host] });
    for (const [organisation, { member }] of [
      ['org-a', orgA],
      ['org-b', orgB],
    ] as const) {
      const created = await createWebhook(
        catalogue,
        member,
        { key, targets },
        { url: receiver.url(`/${organisation}`), events: ['tag-moved'] },
      );
      receiver.secrets.set(`/${organisation}`, created.secret);
    }
    const rounds = monitorRounds({
      config: { insecureRegistry: [], allowRegistry: [registry.host] },
      logger: silentLogger,
      catalogue,
      store: catalogue.store,
      policy: defaultPolicy,
      cache: new BlobCache({ dir: cacheDir, maxBytes: 1 << 30 }),
    });
    const worker = new Worker({
      catalogue,
      definitions: [
        monitorRoundJob(catalogue, rounds),
        ...webhookJobs({ sender: new WebhookSender({ targets }), key }),
      ] as JobDefinition<unknown>[],
      id: 'monitor-webhooks',
    });
    await ensureMonitorRounds(catalogue);
    await worker.drain();
    suite.clock.advance(webhookDispatchIntervalMs);
    await worker.drain();
    assert.deepEqual(receiver.received, [], 'the first observation is no move');

    await registry.push(fixture('node-app').ociDir, 'wh/base:stable');
    suite.clock.advance(monitorRoundIntervalMs);
    await worker.drain();
    suite.clock.advance(webhookDispatchIntervalMs);
    await worker.drain();

    assert.deepEqual(receiver.at('/org-b'), [], 'another organisation’s image is in another repository');
    const [delivery, ...more] = receiver.at('/org-a');
    assert.ok(delivery);
    assert.deepEqual(more, []);
    assert.equal(delivery.verified, true, 'signed as the catalogue signs every delivery');
    assert.equal(delivery.headers['x-sgci-event'], 'tag-moved');
    const [first, moved] = await catalogue.store.monitor.history(watchKeyOf(image));
    const payload = JSON.parse(delivery.body);
    assert.equal(payload.type, 'tag-moved');
    assert.deepEqual(payload.subject, {
      kind: 'submission',
      id: orgA.newest,
      image: 'org-a-base',
      digest: `sha256:${'1'.repeat(64)}`,
      organisation: 'org-a',
    });
    assert.equal(payload.data.tag, image);
    assert.equal(payload.data.platform, 'linux/amd64');
    assert.deepEqual([payload.data.from, payload.data.to], [first?.digest, moved?.digest]);
    assert.equal(payload.data.change.kind, 'packages-changed');
    assert.ok(payload.data.change.sbom.added.includes('pkg:npm/lodash@4.17.20'), 'the SBOM diff travels along');
  } finally {
    await rm(cacheDir, { recursive: true, force: true });
  }
});
