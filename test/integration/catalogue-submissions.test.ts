/**
 * The catalogue's flow on its own functions, with real parts: the loopback registry holding a fixture image built
 * from Debian packages, the real npm advisories in the catalogue's store, PGlite and PostgreSQL. A contributor
 * submits by tag, the scan job pulls by digest and runs the one pipeline, a reviewer of another organisation
 * decides; every arrow is an event.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import {
  type Catalogue,
  type CatalogueServices,
  decide,
  type Principal,
  type StoredScanResult,
  scanJob,
  submissionView,
  submit,
  Worker,
  withdraw,
} from '../../src/catalogue/index.ts';
import { silentLogger } from '../../src/core/index.ts';
import { defaultPolicy, parsePolicy } from '../../src/policy/index.ts';
import { registryImageAccess } from '../../src/server/image-access.ts';
import { importAdvisories, parseAdvisorySource } from '../../src/vuln/index.ts';
import { catalogueEngines, TestCatalogues } from '../helpers/catalogue.ts';
import { corpusDir, fixture, fixturesMissing } from '../helpers/fixtures.ts';
import { startRegistry, type TestRegistry } from '../helpers/registry.ts';

function person(id: string, organisations: string[], role: Principal['role'] = null): Principal {
  return { userId: id, login: id, displayName: id, role, organisations, via: { kind: 'session' } };
}

const alice = person('alice', ['bund-a']);
const bob = person('bob', ['bund-b']);
const rita = person('rita', ['bund-r'], 'reviewer');
const ralf = person('ralf', ['bund-a'], 'reviewer');

async function seed(catalogue: Catalogue): Promise<void> {
  const now = catalogue.now();
  await catalogue.db
    .insertInto('organisations')
    .values(['bund-a', 'bund-b', 'bund-r'].map((slug) => ({ slug, name: slug, created_at: now })))
    .execute();
  await catalogue.db
    .insertInto('users')
    .values(
      [alice, bob, rita, ralf].map((p) => ({
        id: p.userId,
        login: p.login,
        display_name: p.displayName,
        role: p.role,
        created_at: now,
      })),
    )
    .execute();
}

/** An agency whose policy only warns where the node-app fixture falls short: its version reaches review. */
const lenient = parsePolicy(
  [
    'version: "1"',
    'checks:',
    ...[
      'SGCI-BASE-002',
      'SGCI-BASE-003',
      'SGCI-BUILD-007',
      'SGCI-COMP-004',
      'SGCI-RUN-008',
      'SGCI-RUN-009',
      'SGCI-VULN-002',
    ].map((id) => `  ${id}: warn`),
  ].join('\n'),
  'lenient.yaml',
);

const submission = (image: string, name = 'node-app') => ({
  image,
  name,
  description: { de: 'Node.js-Anwendung, gehärtet', en: 'Node.js application, hardened' },
  categories: ['runtime'],
  license: 'MIT',
  source: 'https://gitlab.opencode.de/bund-a/node-app',
  contact: 'plattform@bund-a.example',
});

for (const { engine, skip } of catalogueEngines) {
  describe(`submission → scan → review on ${engine}`, { skip: skip ?? fixturesMissing() }, () => {
    let suite: TestCatalogues;
    let catalogue: Catalogue;
    let registry: TestRegistry;
    let services: CatalogueServices;
    let worker: Worker;
    let lenientWorker: Worker;
    let image: string;

    before(async () => {
      suite = new TestCatalogues(engine);
      [catalogue, registry] = await Promise.all([suite.open(), startRegistry()]);
      await seed(catalogue);
      await importAdvisories(catalogue.store, [parseAdvisorySource(join(corpusDir(), 'osv', 'npm'))], {});
      await registry.push(fixture('node-app').ociDir, 'bund-a/node-app:1.0');
      image = `${registry.host}/bund-a/node-app:1.0`;
      services = {
        catalogue,
        images: registryImageAccess({ config: { insecureRegistry: [], allowRegistry: [] }, logger: silentLogger }),
        policy: defaultPolicy,
      };
      worker = new Worker({ catalogue, definitions: [scanJob(services)], id: 'test-worker' });
      lenientWorker = new Worker({
        catalogue,
        definitions: [scanJob({ ...services, policy: lenient })],
        id: 'lenient',
      });
    });
    after(async () => {
      await registry?.stop();
      await suite[Symbol.asyncDispose]();
    });

    let id: string;
    test('a submission by tag is stored by digest, queued, and visible to its organisation only', async () => {
      const accepted = await submit(services, alice, submission(image));
      id = accepted.id;
      assert.equal(accepted.status, 'submitted');
      assert.match(accepted.digest, /^sha256:[0-9a-f]{64}$/);
      const view = await submissionView(catalogue.db, alice, id);
      assert.equal(view.digest, accepted.digest);
      assert.equal(view.tag, '1.0');
      await assert.rejects(submissionView(catalogue.db, bob, id), /no such submission/);
      await assert.rejects(submissionView(catalogue.db, undefined, id), /no such submission/);
      assert.equal((await submissionView(catalogue.db, rita, id)).status, 'submitted');
    });

    test('the same digest cannot be submitted twice while the first is open', async () => {
      await assert.rejects(submit(services, alice, submission(image)), /already submitted as/);
    });

    test('the scan job runs the one pipeline: under the default policy the fixture fails required checks', async () => {
      assert.equal(await worker.drain(), 1);
      const view = await submissionView(catalogue.db, alice, id);
      assert.equal(view.status, 'checks-failed');
      assert.match(view.statusReason ?? '', /^required checks failed: SGCI-BASE-002, .*SGCI-VULN-002$/);
      assert.equal(view.checks.length, 43);
      assert.ok(view.vulnerabilities?.matched, 'matched against the imported advisories');
      const row = await catalogue.db
        .selectFrom('submissions')
        .select(['result', 'scan_key', 'policy_digest'])
        .where('id', '=', id)
        .executeTakeFirstOrThrow();
      const result = row.result as StoredScanResult;
      assert.equal(row.policy_digest, defaultPolicy.digest);
      assert.ok(row.scan_key, 'the pass is stored for re-matching');
      assert.ok(
        result.vulns.matches.some((m) => m.package.name === 'lodash'),
        'lodash 4.17.20 is found vulnerable',
      );
      assert.deepEqual(
        view.events.map((e) => (e.after as { status: string }).status),
        ['submitted', 'scanning', 'checks-failed'],
      );
      await assert.rejects(
        decide(services, rita, id, { decision: 'admit', reason: 'ok', manualChecks: [] }),
        /not awaiting review/,
      );
      await assert.rejects(withdraw(services, alice, id, 'weg'), /checks-failed; it cannot become withdrawn/);
    });

    let admittedId: string;
    test('under a policy that only warns, the same digest reaches review', async () => {
      admittedId = (await submit(services, alice, submission(image, 'node-app-lenient'))).id;
      assert.equal(await lenientWorker.drain(), 1);
      const view = await submissionView(catalogue.db, rita, admittedId);
      assert.equal(view.status, 'awaiting-review', view.statusReason ?? '');
      assert.equal(view.gate?.failed, false);
    });

    test('four eyes: a reviewer of the submitting organisation cannot decide; a contributor cannot at all', async () => {
      const request = { decision: 'reject' as const, reason: 'x', manualChecks: [] };
      await assert.rejects(decide(services, ralf, admittedId, request), /four eyes/);
      await assert.rejects(decide(services, alice, admittedId, request), /only reviewers/);
    });

    test('a reviewer admits only with every manual check judged pass', async () => {
      const view = await submissionView(catalogue.db, rita, admittedId);
      const manual = view.checks.filter((c) => c.result === 'manual');
      assert.ok(manual.length > 0, 'the fixture leaves checks to a person');
      await assert.rejects(
        decide(services, rita, admittedId, { decision: 'admit', reason: 'ok', manualChecks: [] }),
        /needs a manual result/,
      );
      await assert.rejects(
        decide(services, rita, admittedId, {
          decision: 'admit',
          reason: 'ok',
          manualChecks: [{ id: 'SGCI-BASE-001', result: 'pass', note: 'x' }],
        }),
        /not a manual check of this submission|needs a manual result/,
      );
      const decided = await decide(services, rita, admittedId, {
        decision: 'admit',
        reason: 'Geprüft',
        manualChecks: manual.map((c) => ({ id: c.id, result: 'pass' as const, note: 'im Review gesehen' })),
      });
      assert.equal(decided.status, 'admitted');
      const admitted = await submissionView(catalogue.db, undefined, admittedId);
      assert.equal(admitted.status, 'admitted', 'public once admitted');
      assert.equal(admitted.decisions[0]?.reviewer, 'rita');
      assert.ok(admitted.admittedAt);
      await assert.rejects(
        decide(services, rita, admittedId, { decision: 'reject', reason: 'again', manualChecks: [] }),
        /not awaiting review/,
      );
    });

    test('a member of the organisation withdraws an admitted version; a member of another cannot', async () => {
      await assert.rejects(withdraw(services, bob, admittedId, 'mine'), /only members of bund-a/);
      assert.equal((await withdraw(services, alice, admittedId, 'ersetzt')).status, 'withdrawn');
      await assert.rejects(withdraw(services, alice, admittedId, 'again'), /cannot become withdrawn/);
    });

    test('a reference to a local path is refused before anything is stored', async () => {
      await assert.rejects(submit(services, alice, submission('oci-dir:/etc', 'local')), /only registry references/);
      const count = await catalogue.db.selectFrom('images').select('name').where('name', '=', 'local').execute();
      assert.equal(count.length, 0);
    });

    test('an invalid Dockerfile or VEX document is refused naming it', async () => {
      await assert.rejects(
        submit(services, alice, {
          ...submission(image, 'bad-vex'),
          vex: [{ name: 'a.json', content: '{"no":"vex"}' }],
        }),
        /vex\/a\.json/,
      );
    });
  });
}
