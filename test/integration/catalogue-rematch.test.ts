/**
 * Living verdicts with real parts: the node-app fixture admitted from the loopback registry, then evaluated again
 * while the registry is down (the stored pass is re-matched, nothing is pulled) as real GHSA records arrive, dated
 * by the test's clock. The clock moves the version through at-risk and suspended, a VEX statement and a withdrawal
 * bring it back; every evaluation signs a verdict. PGlite and PostgreSQL.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { generateP256, LocalSigner, openEnvelope, parseEnvelope } from '../../src/attest/index.ts';
import {
  advisoriesUpdateJob,
  advisoriesWatchJob,
  advisoryFingerprint,
  type Catalogue,
  type CatalogueServices,
  catalogueVexSource,
  createApiToken,
  createOrganisation,
  createUser,
  decide,
  enqueueJob,
  ensureAdvisoriesWatch,
  type GlobalRole,
  type JobContext,
  type JobDefinition,
  JobQueue,
  loadPrincipal,
  type Principal,
  recordDecision,
  rematchJob,
  rematchJobKind,
  retryDelayMs,
  type StoredScanResult,
  scanJob,
  submissionView,
  submit,
  Worker,
} from '../../src/catalogue/index.ts';
import { matchingInputOf } from '../../src/catalogue/rematch/matching-input.ts';
import { canonicalJson, digestOf, silentLogger } from '../../src/core/index.ts';
import { slaPolicyOf } from '../../src/policy/index.ts';
import type { CachedScan } from '../../src/scan/index.ts';
import { registryImageAccess } from '../../src/server/image-access.ts';
import { openStore } from '../../src/store/index.ts';
import { importAdvisories, type VexStatement } from '../../src/vuln/index.ts';
import { catalogueEngines, TestCatalogues } from '../helpers/catalogue.ts';
import { corpusDir, fixture, fixturesMissing } from '../helpers/fixtures.ts';
import { startRegistry, type TestRegistry } from '../helpers/registry.ts';
import { reviewablePolicy } from '../helpers/reviewable-policy.ts';
import { testServer } from '../helpers/server.ts';
import { storedZip } from '../helpers/zip.ts';

const minute = 60_000;
const day = 86_400_000;
const system = { kind: 'system' } as const;

const policy = reviewablePolicy;
const windows = slaPolicyOf(policy);

/** A real GHSA record of the corpus, changed by `edit`. */
function corpusRecord(id: string, edit: (record: Record<string, unknown>) => Record<string, unknown>): Uint8Array {
  return Buffer.from(
    JSON.stringify(edit(JSON.parse(readFileSync(join(corpusDir(), 'osv', 'npm', `${id}.json`), 'utf8')))),
  );
}

/** A real GHSA record of the corpus, as if published (or withdrawn) at `at`. */
function ghsa(id: string, at: Date, withdrawn = false): Uint8Array {
  const stamp = at.toISOString();
  return corpusRecord(id, (record) => ({
    ...record,
    published: stamp,
    modified: stamp,
    ...(withdrawn ? { withdrawn: stamp } : {}),
  }));
}

/** GHSA records that name packages of the image, none in an affected version: a database that finds nothing. */
const harmless = ['GHSA-4xc9-xhrj-v574', 'GHSA-7mc5-chhp-fmc3', 'GHSA-gpvr-g6gh-9mc2', 'GHSA-3fx5-fwvr-xrjg'];

/** The records used, and the CVE a finding of each is named by. */
const lodashRce = { ghsa: 'GHSA-35jh-r3h4-6jhm', cve: 'CVE-2021-23337' }; // lodash < 4.17.21, CVSS 7.2 HIGH
const expressRedirect = { ghsa: 'GHSA-rv95-896h-c2vc', cve: 'CVE-2024-29041' }; // express < 4.19.2, MEDIUM
const pathToRegexp = { ghsa: 'GHSA-9wv6-86v2-598j', cve: 'CVE-2024-45296' }; // path-to-regexp < 0.1.10, HIGH
const bodyParser = { ghsa: 'GHSA-qwcr-r2fm-qrc7', cve: 'CVE-2024-45590' }; // body-parser < 1.20.3, HIGH

const submission = (image: string, name: string) => ({
  image,
  name,
  description: { de: 'Node.js-Anwendung', en: 'Node.js application' },
  categories: ['runtime'],
  license: 'MIT',
  source: 'https://gitlab.opencode.de/bund-a/node-app',
  contact: 'plattform@bund-a.example',
});

test("the watch's fingerprint reads the CLI's SQLite store too (the embedded server matches against it)", async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sgci-watch-'));
  try {
    await using store = await openStore({ engine: 'sqlite', dataDir: dir, databaseUrl: '' });
    const empty = await advisoryFingerprint(store);
    const at = new Date('2026-12-01T09:00:00Z');
    await importAdvisories(store, [{ kind: 'bytes', name: 'a.json', bytes: ghsa(lodashRce.ghsa, at) }]);
    const imported = await advisoryFingerprint(store);
    assert.notEqual(imported, empty);
    assert.equal(await advisoryFingerprint(store), imported, 'the same data, the same fingerprint');
    const id = await store.vex.add({
      vulnerability: { id: lodashRce.cve, aliases: [] },
      products: [],
      subcomponents: [],
      status: 'not_affected',
      justification: 'component_not_present',
      document: 'store',
      format: 'store',
    });
    const stated = await advisoryFingerprint(store);
    assert.notEqual(stated, imported);
    await store.vex.remove(id);
    assert.equal(await advisoryFingerprint(store), imported, 'a statement removed again');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

for (const { engine, skip } of catalogueEngines) {
  describe(`living verdicts on ${engine}`, { skip: skip ?? fixturesMissing() }, () => {
    let suite: TestCatalogues;
    let catalogue: Catalogue;
    let registry: TestRegistry;
    let services: CatalogueServices;
    let worker: Worker;
    let admitted: string;
    let pending: string;
    let alice: Principal;
    let rita: Principal;

    /** A user made through the accounts API, as the principal of a session. */
    async function person(login: string, role: GlobalRole | null, organisations: string[]): Promise<Principal> {
      const user = await createUser(catalogue, system, { login, role, organisations });
      const principal = await loadPrincipal(catalogue.db, user.id, { kind: 'session' });
      assert.ok(principal);
      return principal;
    }
    const key = generateP256();
    const mirror: { zip: Uint8Array; asked: string[] } = { zip: new Uint8Array(), asked: [] };
    const mirrorServer = createServer((request, response) => {
      mirror.asked.push(request.url ?? '');
      response.writeHead(request.url === '/npm/all.zip' ? 200 : 404).end(mirror.zip);
    });

    const clock = () => suite.clock;
    const importRecord = (bytes: Uint8Array, name: string) =>
      importAdvisories(catalogue.store, [{ kind: 'bytes', name, bytes }]);

    async function events(id: string, kind: string) {
      const rows = await catalogue.db
        .selectFrom('events')
        .select(['after', 'before'])
        .where('subject_kind', '=', 'submission')
        .where('subject_id', '=', id)
        .where('kind', '=', kind)
        .orderBy('id')
        .execute();
      return rows.map((r) => r.after as Record<string, unknown>);
    }

    async function state(id: string) {
      return catalogue.db
        .selectFrom('submissions')
        .select(['status', 'status_reason', 'result', 'checks_digest'])
        .where('id', '=', id)
        .executeTakeFirstOrThrow();
    }

    /** The newest verdict, with the result its signed statement states. */
    async function newestVerdict(id: string) {
      const rows = await catalogue.db
        .selectFrom('verdicts')
        .select(['result', 'envelope', 'valid_from'])
        .where('submission', '=', id)
        .orderBy('id', 'desc')
        .execute();
      const newest = rows[0];
      assert.ok(newest, 'a verdict was issued');
      const payload = openEnvelope(parseEnvelope(Buffer.from(newest.envelope), 'verdict'), key.publicKey);
      assert.ok(payload, 'signed by the catalogue key');
      const statement = JSON.parse(Buffer.from(payload).toString('utf8'));
      return {
        count: rows.length,
        result: newest.result,
        signed: statement.predicate.verificationResult as string,
        validFrom: newest.valid_from,
        inputs: (statement.predicate.inputAttestations as { uri: string; digest: { sha256: string } }[]).map(
          (i) => `${i.uri.slice(i.uri.lastIndexOf('/') + 1)} sha256:${i.digest.sha256}`,
        ),
      };
    }

    async function finding(id: string, vulnerability: string) {
      return catalogue.db
        .selectFrom('findings')
        .selectAll()
        .where('submission', '=', id)
        .where('vulnerability', '=', vulnerability)
        .executeTakeFirstOrThrow();
    }

    before(async () => {
      suite = new TestCatalogues(engine);
      [catalogue, registry] = await Promise.all([suite.open(), startRegistry()]);
      await new Promise<void>((resolve) => mirrorServer.listen(0, '127.0.0.1', resolve));
      for (const slug of ['bund-a', 'bund-r'])
        await createOrganisation(catalogue, system, { slug, name: slug, contact: null });
      alice = await person('alice', null, ['bund-a']);
      rita = await person('rita', 'reviewer', ['bund-r']);
      for (const id of harmless) await importRecord(ghsa(id, new Date('2024-01-01T00:00:00Z')), `${id}.json`);
      await registry.push(fixture('node-app').ociDir, 'bund-a/node-app:1.0');
      services = {
        catalogue,
        images: registryImageAccess({
          config: { insecureRegistry: [], allowRegistry: [registry.host] },
          logger: silentLogger,
        }),
        policy,
        vex: catalogueVexSource(catalogue),
        signing: {
          signer: new LocalSigner(key.privateKey, key.publicKey, 'catalogue.key'),
          verifierId: 'https://container.example',
          policyUri: 'https://container.example/policy.yaml',
        },
        reevaluation: {
          suspendAfterMs: 7 * day,
          watchIntervalMs: 5 * minute,
          feeds: {
            mirror: `http://127.0.0.1:${(mirrorServer.address() as AddressInfo).port}`,
            ecosystems: ['npm'],
          },
        },
      };
      worker = new Worker({
        catalogue,
        definitions: [
          scanJob(services),
          rematchJob(services),
          advisoriesWatchJob(services),
          advisoriesUpdateJob(services),
        ] as JobDefinition<unknown>[],
        id: 'living',
      });
    });
    after(async () => {
      mirrorServer.close();
      await registry?.stop();
      await suite[Symbol.asyncDispose]();
    });

    test('a version is admitted while no advisory affects it; another waits for review', async () => {
      const image = `${registry.host}/bund-a/node-app:1.0`;
      admitted = (await submit(services, alice, submission(image, 'node-app'))).id;
      pending = (await submit(services, alice, submission(image, 'node-app-next'))).id;
      assert.equal(await worker.drain(), 2, 'both scanned');
      const manual = (await submissionView(catalogue.db, rita, admitted)).checks.filter((c) => c.result === 'manual');
      await decide(services, rita, admitted, {
        decision: 'admit',
        reason: 'Geprüft',
        manualChecks: manual.map((c) => ({ id: c.id, result: 'pass' as const, note: 'im Review gesehen' })),
      });
      assert.equal((await state(admitted)).status, 'admitted');
      assert.equal((await state(pending)).status, 'awaiting-review');
      const result = (await state(admitted)).result as StoredScanResult;
      assert.ok(result.matched);
      assert.equal(result.vulns.matches.length, 0, 'the imported records name no installed version');
      assert.equal((await newestVerdict(admitted)).result, 'PASSED');
    });

    test('an advisory imported later: the watch queues a re-match, the finding is new, nothing is pulled', async () => {
      await registry.stop();
      const published = clock().now();
      await importRecord(ghsa(lodashRce.ghsa, published), `${lodashRce.ghsa}.json`);
      await ensureAdvisoriesWatch(catalogue);
      assert.equal(await worker.drain(), 2, 'the watch and one re-match of both versions (one batch)');
      const jobs = await catalogue.db.selectFrom('jobs').select(['kind', 'state', 'last_error']).execute();
      assert.deepEqual(
        jobs.filter((j) => j.state !== 'done' && j.kind !== 'sgci.advisories-watch'),
        [],
        'no job failed or waits for a registry',
      );

      const [news] = await events(admitted, 'finding-new');
      const due = new Date(published.getTime() + (windows.HIGH as { ms: number }).ms);
      assert.deepEqual(
        { vulnerability: news?.vulnerability, purl: news?.purl, severity: news?.severity, due: news?.due },
        { vulnerability: lodashRce.cve, purl: 'pkg:npm/lodash@4.17.20', severity: 'HIGH', due: due.toISOString() },
      );
      const row = await finding(admitted, lodashRce.cve);
      assert.equal(row.state, 'open');
      assert.equal(row.fix_available_since?.toISOString(), published.toISOString(), "the advisory's date");
      assert.equal(row.sla_due?.toISOString(), due.toISOString(), 'HIGH: seven days by the policy');
      assert.deepEqual(row.fixed_versions, ['4.17.21']);
      assert.equal((await state(admitted)).status, 'admitted', 'not overdue yet');
      const verdict = await newestVerdict(admitted);
      assert.deepEqual([verdict.count, verdict.result, verdict.signed], [2, 'PASSED', 'PASSED']);
      assert.equal(verdict.validFrom.toISOString(), published.toISOString(), 're-issued now');
      const stored = await state(admitted);
      const reports = stored.result as StoredScanResult;
      const checksDigest = digestOf(canonicalJson(reports.checks));
      assert.equal(stored.checks_digest, checksDigest, "the checks report's digest, kept from the scan");
      assert.deepEqual(
        verdict.inputs,
        [`checks ${checksDigest}`, `vulns ${digestOf(canonicalJson(reports.vulns))}`],
        'the re-issued verdict attests the reports as stored now',
      );

      const waiting = await state(pending);
      assert.equal(waiting.status, 'awaiting-review', 'a pending version only gets its result updated');
      assert.ok((waiting.result as StoredScanResult).vulns.matches.some((f) => f.vulnerability.id === lodashRce.cve));
      assert.equal((await catalogue.db.selectFrom('verdicts').where('submission', '=', pending).execute()).length, 0);
    });

    test('past the deadline: at-risk naming the finding and its due date, one sla-breach, a FAILED verdict', async () => {
      clock().advance(7 * day + 1 * 3_600_000);
      await worker.drain();
      const now = await state(admitted);
      assert.equal(now.status, 'at-risk');
      assert.equal(
        now.status_reason,
        `SLA overdue: ${lodashRce.cve} in pkg:npm/lodash@4.17.20 (HIGH) was due 2026-12-08T09:00:00.000Z`,
      );
      assert.equal((await events(admitted, 'sla-breach')).length, 1);
      const verdict = await newestVerdict(admitted);
      assert.deepEqual([verdict.result, verdict.signed], ['FAILED', 'FAILED']);
      assert.equal((await state(pending)).status, 'awaiting-review');
    });

    test('within the grace another evaluation renews the verdict and breaches nothing again', async () => {
      const before = (await newestVerdict(admitted)).count;
      const kept = (await state(admitted)).checks_digest;
      // as a version recorded before migration 0010 has it: no digest of its checks report yet
      await catalogue.db.updateTable('submissions').set({ checks_digest: null }).where('id', '=', admitted).execute();
      clock().advance(1 * day);
      await worker.drain();
      const now = await state(admitted);
      assert.equal(now.status, 'at-risk');
      assert.equal(now.checks_digest, kept, 'computed again from the stored checks report');
      const renewed = await newestVerdict(admitted);
      assert.equal(renewed.count, before + 1, 'renewed before it runs out');
      assert.equal(renewed.inputs[0], `checks ${kept}`);
      assert.equal((await events(admitted, 'sla-breach')).length, 1, 'once per finding');
    });

    test('past the grace: suspended, with the reason', async () => {
      clock().advance(6 * day);
      await worker.drain();
      const now = await state(admitted);
      assert.equal(now.status, 'suspended');
      assert.match(now.status_reason ?? '', /^SLA overdue for more than 7 days: CVE-2021-23337 in /);
      assert.equal((await newestVerdict(admitted)).result, 'FAILED');
    });

    const notAffected: VexStatement = {
      vulnerability: { id: 'CVE-2021-23337', aliases: [] },
      products: [],
      subcomponents: ['pkg:npm/lodash@4.17.20'],
      status: 'not_affected',
      justification: 'vulnerable_code_not_in_execute_path',
      document: 'store',
      format: 'store',
    };
    let vexId: string;

    test('a VEX statement added to the store suppresses the finding: admitted again, PASSED', async () => {
      vexId = await catalogue.store.vex.add(notAffected, clock().now());
      clock().advance(5 * minute);
      await worker.drain();
      const now = await state(admitted);
      assert.equal(now.status, 'admitted');
      assert.equal(now.status_reason, 'no finding is overdue any more');
      assert.equal((await finding(admitted, lodashRce.cve)).state, 'suppressed');
      const verdict = await newestVerdict(admitted);
      assert.deepEqual([verdict.result, verdict.signed], ['PASSED', 'PASSED']);
    });

    test('without the statement it is suspended at once; the withdrawn advisory admits it again', async () => {
      assert.ok(await catalogue.store.vex.remove(vexId));
      clock().advance(5 * minute);
      await worker.drain();
      assert.equal((await state(admitted)).status, 'suspended', 'still past the grace');
      assert.equal((await events(admitted, 'sla-breach')).length, 1);

      await importRecord(ghsa(lodashRce.ghsa, clock().now(), true), `${lodashRce.ghsa}.json`);
      clock().advance(5 * minute);
      await worker.drain();
      assert.equal((await state(admitted)).status, 'admitted');
      const gone = await finding(admitted, lodashRce.cve);
      assert.equal(gone.state, 'fixed', 'kept, never deleted');
      assert.equal(gone.fixed_at?.toISOString(), clock().now().toISOString());
      const fixed = await events(admitted, 'finding-fixed');
      assert.deepEqual(
        fixed.map((f) => f.vulnerability),
        [lodashRce.cve],
      );
      assert.equal((await newestVerdict(admitted)).result, 'PASSED');
    });

    test('an admin has the feeds updated over HTTP: the update job imports, the watch re-matches', async () => {
      const server = testServer(catalogue);
      await createUser(catalogue, system, { login: 'adele', role: 'admin' });
      const admin = (await createApiToken(catalogue, system, { login: 'adele', label: 'ops' })).token;
      const contributor = (await createApiToken(catalogue, system, { login: 'alice', label: 'ci' })).token;
      const post = (token?: string) =>
        server.app.request('/api/v1/admin/advisories/update', {
          method: 'POST',
          headers: token ? { authorization: `Bearer ${token}` } : {},
        });
      assert.equal((await post()).status, 401);
      assert.equal((await post(contributor)).status, 403);
      const accepted = await post(admin);
      assert.equal(accepted.status, 202);
      const { job } = (await accepted.json()) as { job: string };
      assert.equal(((await (await post(admin)).json()) as { job: string }).job, job, 'one update at a time');

      mirror.zip = storedZip([
        { name: `${expressRedirect.ghsa}.json`, data: ghsa(expressRedirect.ghsa, clock().now()) },
      ]);
      await worker.drain();
      assert.deepEqual(mirror.asked, ['/npm/all.zip']);
      const row = await catalogue.db
        .selectFrom('jobs')
        .select(['state', 'last_error'])
        .where('id', '=', job)
        .executeTakeFirstOrThrow();
      assert.deepEqual(row, { state: 'done', last_error: null });
      const news = await events(admitted, 'finding-new');
      assert.equal(news.at(-1)?.vulnerability, expressRedirect.cve);
      assert.equal(news.at(-1)?.severity, 'MEDIUM');
      assert.equal((await state(admitted)).status, 'admitted');
    });

    test('a fix that appears after the finding was seen starts its clock no earlier than that sight', async () => {
      // the record as first published without a fix (`published` stays 2024-09-10 when the fix is added)
      const unfixed = clock().now();
      const withoutFix = corpusRecord(bodyParser.ghsa, (record) => ({
        ...record,
        modified: unfixed.toISOString(),
        affected: [
          {
            package: { ecosystem: 'npm', name: 'body-parser' },
            ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }] }],
          },
        ],
      }));
      await importRecord(withoutFix, `${bodyParser.ghsa}.json`);
      clock().advance(5 * minute);
      await worker.drain();
      const seen = await finding(admitted, bodyParser.cve);
      assert.deepEqual([seen.fix_available_since, seen.sla_due], [null, null], 'no fix, no deadline');
      const seenAt = seen.last_seen;

      clock().advance(1 * day);
      const fixedAt = clock().now();
      await importRecord(
        corpusRecord(bodyParser.ghsa, (record) => ({ ...record, modified: fixedAt.toISOString() })),
        `${bodyParser.ghsa}.json`,
      );
      clock().advance(5 * minute);
      await worker.drain();
      const fixable = await finding(admitted, bodyParser.cve);
      assert.equal(fixable.fix_available_since?.toISOString(), seenAt.toISOString(), 'not the 2024 publication');
      assert.equal(fixable.sla_due?.toISOString(), new Date(seenAt.getTime() + 7 * day).toISOString());
      assert.equal((await state(admitted)).status, 'admitted', 'a fix just seen is not overdue');
      const result = (await state(admitted)).result as StoredScanResult;
      const reported = result.vulns.matches.find((f) => f.vulnerability.id === bodyParser.cve);
      assert.equal(reported?.fixAvailableAt, seenAt.toISOString(), 'the stored report states the same clock');
      assert.equal(reported?.sla?.overdue, false);
    });

    test('a re-match killed before its commit, or whose lease was taken over, leaves nothing behind', async () => {
      await importRecord(ghsa(pathToRegexp.ghsa, clock().now()), `${pathToRegexp.ghsa}.json`);
      const snapshot = async () => ({
        state: await state(admitted),
        events: (await catalogue.db.selectFrom('events').select('id').execute()).length,
        findings: await catalogue.db.selectFrom('findings').selectAll().orderBy('id').execute(),
        verdicts: (await catalogue.db.selectFrom('verdicts').select('id').execute()).length,
        due: await catalogue.db.selectFrom('reevaluations').selectAll().orderBy('submission').execute(),
      });
      const before = await snapshot();
      const inner = rematchJob(services);
      /** The re-match, its results' transaction handed to `interfere` instead of the worker's own. */
      type Write = Parameters<JobContext['finish']>[0];
      const interrupted = (interfere: (ctx: JobContext, write: Write) => Promise<void>): JobDefinition<unknown> =>
        ({
          ...inner,
          run: (payload: { submission: string }, ctx: JobContext) =>
            inner.run(payload, { ...ctx, finish: (write) => interfere(ctx, write) }),
        }) as JobDefinition<unknown>;
      const id = await enqueueJob(catalogue.db, rematchJobKind, { submission: admitted }, clock().now());

      const killed = interrupted((ctx, write) =>
        // every write of the evaluation, then the process dies before COMMIT
        ctx.finish(async (tx) => {
          await write(tx);
          throw new Error('killed before commit');
        }),
      );
      assert.equal(await new Worker({ catalogue, definitions: [killed], id: 'doomed' }).drain(), 1);
      assert.deepEqual(await snapshot(), before, 'the killed transaction is rolled back whole');
      const retried = await catalogue.db
        .selectFrom('jobs')
        .select(['state', 'last_error'])
        .where('id', '=', id)
        .executeTakeFirstOrThrow();
      assert.deepEqual(retried, { state: 'queued', last_error: 'killed before commit' });

      clock().advance(retryDelayMs(1));
      const stalled = interrupted(async (ctx, write) => {
        // the worker stalls past its lease; another one takes the job over before it writes
        clock().advance(120_001);
        assert.ok(await new JobQueue(catalogue.db).claim('thief', [rematchJobKind], clock().now(), 120_000));
        await ctx.finish(write);
      });
      assert.equal(await new Worker({ catalogue, definitions: [stalled], id: 'stalled' }).drain(), 1);
      assert.deepEqual(await snapshot(), before, 'a lost lease writes nothing');

      clock().advance(120_001);
      await worker.drain();
      assert.equal(
        (await catalogue.db.selectFrom('jobs').select('state').where('id', '=', id).executeTakeFirstOrThrow()).state,
        'done',
      );
      assert.equal((await events(admitted, 'finding-new')).at(-1)?.vulnerability, pathToRegexp.cve);
    });

    test('a triage decision re-matches the versions it names; when it expires they are matched again', async () => {
      const source = catalogueVexSource(catalogue);
      const expires = new Date(clock().now().getTime() + 1 * day);
      await recordDecision(catalogue, source, rita, {
        vulnerability: expressRedirect.cve,
        scope: { kind: 'purl', purl: 'pkg:npm/express@4.17.1' },
        status: 'not_affected',
        justification: 'vulnerable_code_not_in_execute_path',
        expires: expires.toISOString(),
      });
      clock().advance(5 * minute);
      await worker.drain();
      assert.equal((await finding(admitted, expressRedirect.cve)).state, 'suppressed');
      assert.equal((await finding(pending, expressRedirect.cve)).state, 'suppressed', 'every version it names');

      clock().advance(1 * day);
      await worker.drain();
      assert.equal((await finding(admitted, expressRedirect.cve)).state, 'open', 'expired: the finding re-opens');
      assert.equal((await finding(pending, expressRedirect.cve)).state, 'open', 'not due by its own clock');
      assert.equal((await state(admitted)).status, 'admitted');
    });

    /** What the version's scan kept for matching, if anything. */
    async function matchingInput(id: string) {
      const row = await catalogue.db
        .selectFrom('matching_inputs')
        .select('input')
        .where('submission', '=', id)
        .executeTakeFirst();
      return row?.input;
    }

    async function scanKey(id: string): Promise<string> {
      const row = await catalogue.db
        .selectFrom('submissions')
        .select('scan_key')
        .where('id', '=', id)
        .executeTakeFirstOrThrow();
      assert.ok(row.scan_key);
      return row.scan_key;
    }

    test('a version recorded before its matching input was kept is matched from its stored pass, then keeps one', async () => {
      const kept = await matchingInput(pending);
      assert.ok(kept, 'the scan stored what matching reads beside the version');
      const stored = (await catalogue.store.scans.get(await scanKey(pending))) as CachedScan;
      assert.deepEqual(kept, JSON.parse(JSON.stringify(matchingInputOf(stored.sbom))), "the stored pass's SBOM");
      const findings = async () =>
        await catalogue.db
          .selectFrom('findings')
          .select(['id', 'state', 'content'])
          .where('submission', '=', pending)
          .orderBy('id')
          .execute();
      const before = {
        findings: await findings(),
        matches: ((await state(pending)).result as StoredScanResult).vulns.matches,
      };
      assert.ok(before.findings.length > 0);

      await catalogue.db.deleteFrom('matching_inputs').where('submission', '=', pending).execute();
      clock().advance(5 * minute);
      await enqueueJob(catalogue.db, rematchJobKind, { submission: pending }, clock().now());
      await worker.drain();
      assert.deepEqual(await events(pending, 'rematch-skipped'), []);
      assert.deepEqual(await findings(), before.findings, 'the same findings as from the matching input');
      assert.deepEqual(((await state(pending)).result as StoredScanResult).vulns.matches, before.matches);
      assert.deepEqual(await matchingInput(pending), kept, 'copied from the stored pass for the next evaluation');
    });

    test('a version whose stored pass is gone is matched from its matching input; without both it says so', async () => {
      await catalogue.store.db
        .deleteFrom('scan_results')
        .where('key', '=', await scanKey(pending))
        .execute();
      const evaluated = async () =>
        (
          await catalogue.db
            .selectFrom('reevaluations')
            .select('evaluated_at')
            .where('submission', '=', pending)
            .executeTakeFirstOrThrow()
        ).evaluated_at;
      clock().advance(5 * minute);
      await enqueueJob(catalogue.db, rematchJobKind, { submission: pending }, clock().now());
      await worker.drain();
      assert.deepEqual(await events(pending, 'rematch-skipped'), []);
      assert.equal((await evaluated())?.toISOString(), clock().now().toISOString(), 'evaluated without the pass');

      await catalogue.db.deleteFrom('matching_inputs').where('submission', '=', pending).execute();
      await enqueueJob(catalogue.db, rematchJobKind, { submission: pending }, clock().now());
      await worker.drain();
      const [skipped] = await events(pending, 'rematch-skipped');
      assert.match(String(skipped?.reason), /stored pass of this version is gone/);
      assert.equal((await state(pending)).status, 'awaiting-review');
    });
  });
}
