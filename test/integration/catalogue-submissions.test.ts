/**
 * The catalogue's flow on its own functions, with real parts: the loopback registry holding a fixture image built
 * from Debian packages, the real npm advisories in the catalogue's store, PGlite and PostgreSQL. A contributor
 * submits by tag, the scan job pulls by digest and runs the one pipeline, a reviewer of another organisation
 * decides; every arrow is an event.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { generateP256, LocalSigner, openEnvelope, parseEnvelope, writeKeyPair } from '../../src/attest/index.ts';
import {
  type Catalogue,
  type CatalogueServices,
  decide,
  type Principal,
  pushVerdictJob,
  type StoredScanResult,
  scanJob,
  submissionView,
  submit,
  Worker,
  withdraw,
} from '../../src/catalogue/index.ts';
import { digestOf, silentLogger } from '../../src/core/index.ts';
import { defaultPolicy, parsePolicy, policyDocument } from '../../src/policy/index.ts';
import { registryImageAccess } from '../../src/server/image-access.ts';
import { importAdvisories, parseAdvisorySource } from '../../src/vuln/index.ts';
import { catalogueEngines, TestCatalogues } from '../helpers/catalogue.ts';
import { runSgci } from '../helpers/cli.ts';
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
    let lenientServices: CatalogueServices;
    let keyDir: string;
    let image: string;

    before(async () => {
      suite = new TestCatalogues(engine);
      [catalogue, registry] = await Promise.all([suite.open(), startRegistry()]);
      await seed(catalogue);
      await importAdvisories(catalogue.store, [parseAdvisorySource(join(corpusDir(), 'osv', 'npm'))], {});
      await registry.push(fixture('node-app').ociDir, 'bund-a/node-app:1.0');
      image = `${registry.host}/bund-a/node-app:1.0`;
      const key = generateP256();
      keyDir = mkdtempSync(join(tmpdir(), 'sgci-catalogue-key-'));
      await writeKeyPair(join(keyDir, 'catalogue'), key.privateKey, key.publicKey, 'pw');
      services = {
        catalogue,
        images: registryImageAccess({
          config: { insecureRegistry: [], allowRegistry: [registry.host] },
          logger: silentLogger,
        }),
        policy: defaultPolicy,
        signing: {
          signer: new LocalSigner(key.privateKey, key.publicKey, 'catalogue.key'),
          verifierId: 'https://container.example',
          policyUri: 'https://container.example/policy.yaml',
        },
      };
      worker = new Worker({ catalogue, definitions: [scanJob(services), pushVerdictJob(services)], id: 'test-worker' });
      lenientServices = { ...services, policy: lenient };
      lenientWorker = new Worker({ catalogue, definitions: [scanJob(lenientServices)], id: 'lenient' });
    });
    after(async () => {
      if (keyDir) rmSync(keyDir, { recursive: true, force: true });
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
      await assert.rejects(decide(lenientServices, ralf, admittedId, request), /four eyes/);
      await assert.rejects(decide(lenientServices, alice, admittedId, request), /only reviewers/);
    });

    test('a reviewer admits only with every manual check judged pass', async () => {
      const view = await submissionView(catalogue.db, rita, admittedId);
      const manual = view.checks.filter((c) => c.result === 'manual');
      assert.ok(manual.length > 0, 'the fixture leaves checks to a person');
      await assert.rejects(
        decide(lenientServices, rita, admittedId, { decision: 'admit', reason: 'ok', manualChecks: [] }),
        /needs a manual result/,
      );
      await assert.rejects(
        decide(lenientServices, rita, admittedId, {
          decision: 'admit',
          reason: 'ok',
          manualChecks: [{ id: 'SGCI-BASE-001', result: 'pass', note: 'x' }],
        }),
        /not a manual check of this submission|needs a manual result/,
      );
      const judged = manual.map((c) => ({ id: c.id, result: 'pass' as const, note: 'im Review gesehen' }));
      await assert.rejects(
        decide(services, rita, admittedId, { decision: 'admit', reason: 'ok', manualChecks: judged }),
        /policy changed since the scan/,
        'a verdict never names a policy the version was not checked against',
      );
      const decided = await decide(lenientServices, rita, admittedId, {
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
        decide(lenientServices, rita, admittedId, { decision: 'reject', reason: 'again', manualChecks: [] }),
        /not awaiting review/,
      );
    });

    test("admission signs a verdict valid for the shortest SLA window, stating the reviewer's manual results", async () => {
      const verdict = await catalogue.db
        .selectFrom('verdicts')
        .selectAll()
        .where('submission', '=', admittedId)
        .executeTakeFirstOrThrow();
      assert.equal(verdict.result, 'PASSED');
      assert.equal(verdict.valid_until.getTime() - verdict.valid_from.getTime(), 48 * 3_600_000, 'CRITICAL: 48h');
      const envelope = parseEnvelope(Buffer.from(verdict.envelope), 'verdict');
      const payload = openEnvelope(envelope, services.signing!.signer.publicKey);
      assert.ok(payload, 'signed by the catalogue key');
      const statement = JSON.parse(Buffer.from(payload).toString('utf8'));
      assert.equal(statement.predicateType, 'https://slsa.dev/verification_summary/v1');
      assert.equal(statement.subject[0].digest.sha256, verdict.digest.slice('sha256:'.length));
      assert.equal(statement.predicate.policy.digest.sha256, digestOf(policyDocument(lenient)).slice('sha256:'.length));
      const checks = Object.values(statement.predicate).find((v): v is { checks: { id: string; result: string }[] } =>
        Boolean(v && typeof v === 'object' && 'checks' in v),
      );
      assert.ok(checks?.checks.length === 43);
      assert.equal(checks?.checks.filter((c) => c.result === 'manual').length, 0, 'every manual check as judged');
    });

    test('where the organisation allows it, the verdict is pushed and sgci verify-attestation accepts it', async () => {
      const other = (await submit(services, alice, submission(image, 'node-app-pushed'))).id;
      await catalogue.db
        .updateTable('organisations')
        .set({ push_verdicts: true })
        .where('slug', '=', 'bund-a')
        .execute();
      await lenientWorker.drain();
      const manual = (await submissionView(catalogue.db, rita, other)).checks.filter((c) => c.result === 'manual');
      await decide(lenientServices, rita, other, {
        decision: 'admit',
        reason: 'Geprüft',
        manualChecks: manual.map((c) => ({ id: c.id, result: 'pass' as const, note: 'gesehen' })),
      });
      assert.equal(await worker.drain(), 1, 'the push job ran');
      const verdict = await catalogue.db
        .selectFrom('verdicts')
        .select(['pushed_at', 'push_error'])
        .where('submission', '=', other)
        .executeTakeFirstOrThrow();
      assert.equal(verdict.push_error, null);
      assert.ok(verdict.pushed_at);
      const verified = await runSgci(
        [
          'verify-attestation',
          '--key',
          join(keyDir, 'catalogue.pub'),
          '--type',
          'https://slsa.dev/verification_summary/v1',
          '--now',
          catalogue.now().toISOString(),
          image,
        ],
        { env: { DOCKER_CONFIG: '/nonexistent' } },
      );
      assert.equal(verified.code, 0, verified.stderr);
      const late = new Date(catalogue.now().getTime() + 49 * 3_600_000).toISOString();
      const expired = await runSgci(
        ['verify-attestation', '--key', join(keyDir, 'catalogue.pub'), '--type', 'vsa', '--now', late, image],
        { env: { DOCKER_CONFIG: '/nonexistent' } },
      );
      assert.notEqual(expired.code, 0);
      assert.match(expired.stderr, /validUntil/);
      await catalogue.db
        .updateTable('organisations')
        .set({ push_verdicts: false })
        .where('slug', '=', 'bund-a')
        .execute();
    });

    test('a member of the organisation withdraws an admitted version; a member of another cannot', async () => {
      await assert.rejects(withdraw(services, bob, admittedId, 'mine'), /only members of bund-a/);
      assert.equal((await withdraw(services, alice, admittedId, 'ersetzt')).status, 'withdrawn');
      await assert.rejects(withdraw(services, alice, admittedId, 'again'), /cannot become withdrawn/);
    });

    test('a registry on a loopback address the operator did not allow is refused, naming the host', async () => {
      const strict = {
        ...services,
        images: registryImageAccess({ config: { insecureRegistry: [], allowRegistry: [] }, logger: silentLogger }),
      };
      await assert.rejects(submit(strict, alice, submission(image, 'ssrf')), (error: Error & { code?: string }) => {
        assert.equal(error.code, 'REGISTRY_REFUSED');
        assert.match(error.message, /^image: .*a loopback address; allow it with --allow-registry 127\.0\.0\.1:\d+$/);
        return true;
      });
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
