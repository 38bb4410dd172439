/**
 * Re-matching in batches (`sgci.rematch` {submissions}): one job's writes are one statement per kind for all its
 * versions, and what each version gets is what it gets re-matched alone. Two identical sets of node-app versions,
 * one re-matched as one batch and one version per job, must end with the same states, events, verdicts, findings,
 * figures and next evaluations, when one version of the batch changes state and the others do not. A batch whose
 * worker shuts down or dies before its commit writes nothing of any version and is finished later; a version that
 * moved meanwhile is left out of the batch and evaluated anew; the watch queues each version once, 50 to a job. The
 * tests run in order: the first imports the
 * advisories the others' versions are matched against.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { generateP256, LocalSigner } from '../../src/attest/index.ts';
import {
  advisoriesWatchJob,
  type Catalogue,
  type CatalogueServices,
  ensureAdvisoriesWatch,
  type JobContext,
  type JobDefinition,
  rematchedStatuses,
  rematchJob,
  rematchJobKind,
  type StoredScanResult,
  storedResultOf,
  Worker,
} from '../../src/catalogue/index.ts';
import { enqueueJob } from '../../src/catalogue/jobs/queue.ts';
import { matchingInputOf } from '../../src/catalogue/rematch/matching-input.ts';
import { defaultLimits } from '../../src/core/index.ts';
import { openImage } from '../../src/oci/source/index.ts';
import { parsePolicy } from '../../src/policy/index.ts';
import { runScan, type ScanOutcome, scanCacheKey, storeMatcher, storeScanCache } from '../../src/scan/index.ts';
import { importAdvisories } from '../../src/vuln/index.ts';
import { catalogueEngines, TestCatalogues } from '../helpers/catalogue.ts';
import { fixture, fixturesMissing } from '../helpers/fixtures.ts';
import { storeImage, storeOrganisation, storeVersion } from '../helpers/stored-versions.ts';
import { storedZip } from '../helpers/zip.ts';

const policy = parsePolicy('version: "1"\n', 'batch.yaml');
const critical = 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H';

/** An npm advisory affecting `name` below the next major of `version`, published at `published`. */
function npmAdvisory(id: string, name: string, version: string, published: string) {
  return {
    id,
    modified: published,
    published,
    severity: [{ type: 'CVSS_V3', score: critical }],
    affected: [
      {
        package: { ecosystem: 'npm', name },
        ranges: [
          { type: 'SEMVER', events: [{ introduced: '0' }, { fixed: `${Number(version.split('.')[0]) + 1}.0.0` }] },
        ],
      },
    ],
  };
}

async function importRecords(catalogue: Catalogue, records: readonly { id: string }[], name: string): Promise<void> {
  const entries = records.map((r) => ({ name: `${r.id}.json`, data: Buffer.from(JSON.stringify(r)) }));
  await importAdvisories(catalogue.store, [{ kind: 'bytes', name, bytes: storedZip(entries) }]);
}

for (const { engine, skip } of catalogueEngines) {
  describe(`re-matching in batches on ${engine}`, { skip: skip ?? fixturesMissing() }, () => {
    let catalogues: TestCatalogues;
    let catalogue: Catalogue;
    let services: CatalogueServices;
    let outcome: ScanOutcome;
    let scanKey: string | null;
    /** The npm package the overdue advisory names, and the one the fresh advisory names. */
    let overduePackage: { name: string; version: string };
    let freshPackage: { name: string; version: string };
    let serial = 0;

    before(async () => {
      catalogues = new TestCatalogues(engine);
      catalogue = await catalogues.open();
      const key = generateP256();
      services = {
        catalogue,
        images: undefined as never,
        policy,
        signing: {
          signer: new LocalSigner(key.privateKey, key.publicKey, 'batch.key'),
          verifierId: 'https://container.example',
          policyUri: 'https://container.example/policy.yaml',
        },
      };
      // one unrelated advisory: the scan matches against a database that is not empty
      await importRecords(
        catalogue,
        [npmAdvisory('OSV-2097-1', 'no-such-package-anywhere', '1.0.0', '2026-01-01T00:00:00Z')],
        'first.zip',
      );
      const now = catalogue.now();
      await using image = await openImage(`docker-archive:${fixture('node-app').dockerArchive}`, {
        limits: defaultLimits,
      });
      const request = { subject: { image }, needs: { vulns: true, checks: true }, policy, now };
      outcome = await runScan(request, {
        matcher: storeMatcher(catalogue.store),
        cache: storeScanCache(catalogue.store),
      });
      scanKey = (outcome.image && scanCacheKey(outcome.image, policy, {})) ?? null;
      // the application's own packages: one an OS package owns is the distro's to judge
      const owned = new Set(outcome.sbom.relationships.flatMap((r) => (r.type === 'owns' ? [r.to] : [])));
      const npm = outcome.sbom.packages.filter(
        (p) => p.ecosystem === 'npm' && !owned.has(p.id) && /^\d+\./.test(p.version),
      );
      assert.ok(npm.length >= 2, 'node-app has npm packages');
      overduePackage = npm[0] as { name: string; version: string };
      freshPackage = npm[1] as { name: string; version: string };
      await storeOrganisation(catalogue, 'batch');
      await storeImage(catalogue, 'batch', 'node-app');
    });
    after(async () => {
      await catalogues?.[Symbol.asyncDispose]();
    });

    /**
     * Three versions as the scan job stores them: admitted; admitted, its matching input without the package the
     * overdue advisory names; waiting for review.
     */
    async function threeVersions(): Promise<string[]> {
      const result = storedResultOf(outcome);
      const ids: string[] = [];
      for (const status of ['admitted', 'admitted', 'awaiting-review'] as const) {
        const n = ++serial;
        const id = `v${n}`;
        ids.push(id);
        await storeVersion(catalogue, {
          id,
          image: 'node-app',
          organisation: 'batch',
          n,
          status,
          policy,
          scanKey,
          result,
        });
      }
      const without = matchingInputOf({
        ...outcome.sbom,
        packages: outcome.sbom.packages.filter((p) => p.name !== overduePackage.name),
      });
      await catalogue.db
        .updateTable('matching_inputs')
        .set({ input: JSON.stringify(without) })
        .where('submission', '=', ids[1] as string)
        .execute();
      return ids;
    }

    /** Everything a re-match writes of one version, without what names the version or its rows. */
    async function written(id: string) {
      const version = await catalogue.db
        .selectFrom('submissions')
        .select(['status', 'status_reason', 'result', 'updated_at'])
        .where('id', '=', id)
        .executeTakeFirstOrThrow();
      const events = await catalogue.db
        .selectFrom('events')
        .select(['kind', 'actor', 'before', 'after', 'at'])
        .where('subject_kind', '=', 'submission')
        .where('subject_id', '=', id)
        .orderBy('id')
        .execute();
      const verdicts = await catalogue.db
        .selectFrom('verdicts')
        .select(['result', 'policy_digest', 'valid_from', 'valid_until'])
        .where('submission', '=', id)
        .orderBy('id')
        .execute();
      const findings = await catalogue.db
        .selectFrom('findings')
        .selectAll()
        .where('submission', '=', id)
        .orderBy('id')
        .execute();
      const figures = await catalogue.db
        .selectFrom('version_figures')
        .select(['figures', 'overdue', 'baseline', 'fixable_rank', 'result_digest'])
        .where('submission', '=', id)
        .executeTakeFirstOrThrow();
      const due = await catalogue.db
        .selectFrom('reevaluations')
        .select(['due_at', 'evaluated_at'])
        .where('submission', '=', id)
        .executeTakeFirst();
      return {
        version,
        events: events.map(({ after, ...e }) => {
          const { verdict: _, ...rest } = (after ?? {}) as Record<string, unknown>;
          return { ...e, after: rest };
        }),
        verdicts,
        findings: findings.map(({ submission: _, ...f }) => f),
        figures,
        due,
      };
    }

    async function jobsOf(kind: string) {
      return catalogue.db.selectFrom('jobs').select(['id', 'state', 'payload']).where('kind', '=', kind).execute();
    }

    test('a batch where one version changes state gives each version what re-matching it alone gives', async () => {
      const batched = await threeVersions();
      const alone = await threeVersions();
      // fixed three days ago: past the 48 hours a CRITICAL finding has, within the grace
      const fixed = new Date(catalogue.now().getTime() - 3 * 86_400_000).toISOString();
      await importRecords(
        catalogue,
        [
          npmAdvisory('GHSA-batch-overdue', overduePackage.name, overduePackage.version, fixed),
          npmAdvisory('GHSA-batch-fresh', freshPackage.name, freshPackage.version, catalogue.now().toISOString()),
        ],
        'new.zip',
      );
      catalogues.clock.advance(60_000);
      const now = catalogue.now();
      await enqueueJob(catalogue.db, rematchJobKind, { submissions: batched }, now);
      for (const id of alone) await enqueueJob(catalogue.db, rematchJobKind, { submission: id }, now);
      const worker = new Worker({
        catalogue,
        definitions: [rematchJob(services)] as JobDefinition<unknown>[],
        id: 'w',
      });
      assert.equal(await worker.drain(), 4, 'one batch, three single versions');

      for (const [i, id] of batched.entries()) {
        assert.deepEqual(await written(id), await written(alone[i] as string), `version ${i + 1}`);
      }
      const [atRisk, stays, pending] = await Promise.all(batched.map(written));
      assert.equal(atRisk?.version.status, 'at-risk', 'the overdue finding puts the first at risk');
      assert.deepEqual(
        atRisk?.events.slice(-5).map((e) => e.kind),
        ['finding-new', 'finding-new', 'sla-breach', 'status', 'verdict'],
      );
      assert.deepEqual(
        atRisk?.verdicts.map((v) => v.result),
        ['FAILED'],
      );
      assert.equal(stays?.version.status, 'admitted', 'the second lacks the package: still admitted');
      assert.deepEqual(
        stays?.events.slice(-2).map((e) => e.kind),
        ['finding-new', 'verdict'],
      );
      assert.deepEqual(
        stays?.verdicts.map((v) => v.result),
        ['PASSED'],
      );
      assert.equal(pending?.version.status, 'awaiting-review');
      assert.deepEqual(pending?.verdicts, [], 'no verdict for a version not public');
      assert.equal(pending?.findings.length, 2);
      // only the vulnerability report was written: the rest of the result is the scan's
      const stored = pending?.version.result as StoredScanResult;
      const scanned = JSON.parse(JSON.stringify(storedResultOf(outcome))) as StoredScanResult & { matching?: unknown };
      const { matching: _, vulns: __, ...kept } = scanned;
      assert.deepEqual({ ...stored, vulns: undefined }, { ...kept, vulns: undefined, matched: true });
      assert.deepEqual(stored.vulns.matches.map((f) => f.vulnerability.id).sort(), [
        'GHSA-batch-fresh',
        'GHSA-batch-overdue',
      ]);
    });

    test('a batch handed back on shutdown or killed before its commit writes nothing, and is finished later', async () => {
      const ids = await threeVersions();
      const snapshot = async () => Promise.all(ids.map(written));
      const before = await snapshot();
      const inner = rematchJob(services);
      const id = await enqueueJob(catalogue.db, rematchJobKind, { submissions: ids }, catalogue.now());

      // shutting down while the batch is being matched: the worker aborts it past its grace and hands it back
      let release: () => void = () => undefined;
      let started: () => void = () => undefined;
      const running = new Promise<void>((resolve) => {
        started = resolve;
      });
      const slow = {
        ...inner,
        run: async (payload: { submissions: string[] }, ctx: JobContext) => {
          started();
          await new Promise<void>((resolve) => {
            release = resolve;
            ctx.signal.addEventListener('abort', () => resolve());
          });
          return inner.run(payload, ctx);
        },
      } as JobDefinition<unknown>;
      const stopping = new Worker({ catalogue, definitions: [slow], id: 'stopping', pollMs: 10 });
      stopping.start();
      await running;
      await stopping.stop(0);
      release();
      assert.deepEqual(await snapshot(), before, 'nothing of any version written');
      const handedBack = await catalogue.db
        .selectFrom('jobs')
        .select(['state', 'attempts'])
        .where('id', '=', id)
        .executeTakeFirstOrThrow();
      assert.deepEqual(handedBack, { state: 'queued', attempts: 0 });

      // killed after every write of the batch, before COMMIT: rolled back whole, retried later
      const killed = {
        ...inner,
        run: (payload: { submissions: string[] }, ctx: JobContext) =>
          inner.run(payload, {
            ...ctx,
            finish: (write) =>
              ctx.finish(async (tx) => {
                await write(tx);
                throw new Error('killed before commit');
              }),
          }),
      } as JobDefinition<unknown>;
      assert.equal(await new Worker({ catalogue, definitions: [killed], id: 'doomed' }).drain(), 1);
      assert.deepEqual(await snapshot(), before, 'the killed transaction is rolled back whole');

      catalogues.clock.advance(3_600_000);
      const worker = new Worker({ catalogue, definitions: [inner] as JobDefinition<unknown>[], id: 'w' });
      assert.equal(await worker.drain(), 1);
      const after = await snapshot();
      for (const [i, version] of after.entries()) {
        assert.equal(version.due?.evaluated_at?.toISOString(), catalogue.now().toISOString(), `version ${i + 1}`);
        assert.ok(version.events.length > (before[i]?.events.length ?? 0), `version ${i + 1} has its events`);
      }
      assert.equal(after[0]?.version.status, 'at-risk');
    });

    test('a version that moved during the batch is left out and evaluated anew in its new state', async () => {
      const ids = await threeVersions();
      const [kept, moved] = ids as [string, string];
      const inner = rematchJob(services);
      const interfering = {
        ...inner,
        run: (payload: { submissions: string[] }, ctx: JobContext) =>
          inner.run(payload, {
            ...ctx,
            finish: async (write) => {
              // a contributor withdraws the first version while the batch is matched
              await catalogue.db
                .updateTable('submissions')
                .set({ status: 'withdrawn' })
                .where('id', '=', moved)
                .execute();
              await ctx.finish(write);
            },
          }),
      } as JobDefinition<unknown>;
      catalogues.clock.advance(60_000);
      await enqueueJob(catalogue.db, rematchJobKind, { submissions: ids }, catalogue.now());
      const before = await written(moved);
      assert.equal(await new Worker({ catalogue, definitions: [interfering], id: 'w' }).runOnce(), true);
      const requeued = (await jobsOf(rematchJobKind)).filter((j) => j.state === 'queued');
      assert.deepEqual(
        requeued.map((j) => j.payload),
        [{ submissions: [moved] }],
      );
      const left = await written(moved);
      assert.deepEqual(left.findings, before.findings, 'nothing written for the version that moved');
      assert.equal((await written(kept)).version.status, 'at-risk', 'the others of the batch are written');

      const worker = new Worker({ catalogue, definitions: [inner] as JobDefinition<unknown>[], id: 'w2' });
      assert.equal(await worker.drain(), 1);
      const anew = await written(moved);
      assert.equal(anew.version.status, 'withdrawn');
      assert.deepEqual(anew.findings, before.findings, 'a withdrawn version is not evaluated');
      assert.equal(anew.due?.due_at, null, 'and waits for nothing');
    });

    test('a version stored without advisory data gets the report, `matched` and no `unavailable`; the rest kept', async () => {
      const scanned = storedResultOf(outcome);
      const ns = [++serial, ++serial];
      const ids = ns.map((n) => `u${n}`);
      for (const [i, id] of ids.entries()) {
        await storeVersion(catalogue, {
          id,
          image: 'node-app',
          organisation: 'batch',
          n: ns[i] as number,
          status: 'admitted',
          policy,
          scanKey,
          // the first as a scan without advisory data stores it, the second matched
          result: i === 0 ? { ...scanned, matched: false, unavailable: 'the advisory database is empty' } : scanned,
        });
      }
      catalogues.clock.advance(60_000);
      await enqueueJob(catalogue.db, rematchJobKind, { submissions: ids }, catalogue.now());
      const worker = new Worker({
        catalogue,
        definitions: [rematchJob(services)] as JobDefinition<unknown>[],
        id: 'w',
      });
      assert.equal(await worker.drain(), 1);
      const [unmatched, matched] = (await Promise.all(ids.map(written))).map(
        (w) => w.version.result as StoredScanResult,
      );
      const {
        matching: _,
        vulns: __,
        ...kept
      } = JSON.parse(JSON.stringify(scanned)) as StoredScanResult & {
        matching?: unknown;
      };
      for (const stored of [unmatched, matched]) {
        assert.deepEqual({ ...stored, vulns: undefined }, { ...kept, vulns: undefined, matched: true });
        assert.equal(stored?.vulns.evaluatedAt, catalogue.now().toISOString());
      }
      assert.deepEqual(unmatched?.vulns, matched?.vulns);
    });

    test('the watch queues every re-matched version once, in batches of 50 by id', async () => {
      const result = storedResultOf(outcome);
      for (let i = 0; i < 110; i++) {
        const n = ++serial;
        await storeVersion(catalogue, {
          id: `w${String(n).padStart(4, '0')}`,
          image: 'node-app',
          organisation: 'batch',
          n,
          status: 'admitted',
          policy,
          scanKey,
          result,
        });
      }
      await catalogue.db.deleteFrom('jobs').where('kind', '=', rematchJobKind).execute();
      const rematched = await catalogue.db
        .selectFrom('submissions')
        .select('id')
        .where('status', 'in', rematchedStatuses)
        .orderBy('id')
        .execute();
      const watch = new Worker({
        catalogue,
        definitions: [advisoriesWatchJob(services)] as JobDefinition<unknown>[],
        id: 'w',
      });
      await ensureAdvisoriesWatch(catalogue);
      assert.equal(await watch.runOnce(), true);
      const batches = (await jobsOf(rematchJobKind)).map((j) => (j.payload as { submissions: string[] }).submissions);
      assert.deepEqual(
        batches.flat().sort(),
        rematched.map((r) => r.id),
        'every version once',
      );
      assert.ok(batches.length >= 3);
      assert.ok(
        batches.every((b, i) => b.length === (i < batches.length - 1 ? 50 : b.length) && b.length <= 50),
        `batches of 50: ${batches.map((b) => b.length)}`,
      );

      // the next round, every version due by the clock, finds them all queued already
      catalogues.clock.advance(10 * 60_000);
      await catalogue.db
        .updateTable('reevaluations')
        .set({ due_at: catalogue.now() })
        .where(
          'submission',
          'in',
          rematched.map((r) => r.id),
        )
        .execute();
      assert.equal(await watch.runOnce(), true);
      assert.equal((await jobsOf(rematchJobKind)).length, batches.length, 'nothing queued twice');
    });
  });
}
