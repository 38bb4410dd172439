/**
 * An image read in one statement, and what the image page keeps of a version's stored result: the detail's times
 * are the ones the driver reads from the same rows, its verdict is valid by the catalogue's clock, and the image page
 * renders a stored result once per digest of that result, again as soon as the result (and with it the digest)
 * changes. On the embedded PGlite and on PostgreSQL.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import {
  type Catalogue,
  imageDetail,
  readImageDetail,
  recordScanResult,
  type StoredScanResult,
} from '../../src/catalogue/index.ts';
import { catalogueEngines, TestCatalogues } from '../helpers/catalogue.ts';
import { fixturesMissing } from '../helpers/fixtures.ts';
import { seedPageCatalogue } from '../helpers/page-catalogue.ts';
import { type TestServer, testServer } from '../helpers/server.ts';

/** A page computed now: the response cache does not answer. */
const fresh = { accept: 'text/html', 'cache-control': 'no-cache' };

for (const { engine, skip } of catalogueEngines) {
  describe(`image reads on ${engine}`, { skip: skip ?? fixturesMissing() }, () => {
    let suite: TestCatalogues;
    let catalogue: Catalogue;
    let server: TestServer;
    const options = () => ({ now: catalogue.now(), orphanAfterDays: 180 });

    before(async () => {
      suite = new TestCatalogues(engine);
      catalogue = await suite.open();
      await seedPageCatalogue(catalogue, { filler: 0, hostile: false });
      server = testServer(catalogue);
    });

    after(async () => {
      await suite?.[Symbol.asyncDispose]();
    });

    test('times are those the driver reads from the rows, to the millisecond; the verdict is valid by the clock', async () => {
      // microseconds the driver drops, and another session time zone: neither may show
      await sql`update submissions set created_at = created_at + interval '0.345678 seconds',
        admitted_at = admitted_at + interval '0.000999 seconds' where image = 'node-app'`.execute(catalogue.db);
      await sql`update maintainers set since = since + interval '0.5 seconds' where image = 'node-app'`.execute(
        catalogue.db,
      );
      const rows = await catalogue.db
        .selectFrom('submissions')
        .select(['id', 'created_at', 'admitted_at'])
        .where('image', '=', 'node-app')
        .orderBy('created_at', 'desc')
        .execute();
      const verdict = await catalogue.db
        .selectFrom('verdicts')
        .select(['submission', 'valid_from', 'valid_until'])
        .where(
          'submission',
          'in',
          rows.map((r) => r.id),
        )
        .orderBy('id', 'desc')
        .executeTakeFirstOrThrow();
      const since = await catalogue.db
        .selectFrom('maintainers')
        .select('since')
        .where('image', '=', 'node-app')
        .executeTakeFirstOrThrow();
      const { detail, resultDigests } = await readImageDetail(catalogue.db, undefined, 'node-app', options());
      assert.deepEqual(
        detail.versions.map((v) => [v.submission, v.submittedAt, v.admittedAt]),
        rows.map((r) => [r.id, r.created_at.toISOString(), r.admitted_at?.toISOString() ?? null]),
      );
      assert.match(detail.versions[0]?.submittedAt ?? '', /\.\d{3}Z$/);
      assert.deepEqual(
        detail.maintainers.map((m) => m.since),
        [since.since.toISOString()],
      );
      const signed = detail.versions.find((v) => v.submission === verdict.submission);
      assert.deepEqual(signed?.verdict, {
        validFrom: verdict.valid_from.toISOString(),
        validUntil: verdict.valid_until.toISOString(),
        valid: true,
      });
      assert.equal(signed?.documents?.vsa?.endsWith('/vsa'), true);
      const figures = await catalogue.db
        .selectFrom('version_figures')
        .select(['submission', 'result_digest'])
        .where(
          'submission',
          'in',
          rows.map((r) => r.id),
        )
        .execute();
      assert.deepEqual(resultDigests, new Map(figures.map((f) => [f.submission, f.result_digest])));

      const until = verdict.valid_until.getTime() - catalogue.now().getTime();
      suite.clock.advance(until);
      const expired = await imageDetail(catalogue.db, undefined, 'node-app', options());
      assert.equal(
        expired.versions.find((v) => v.submission === verdict.submission)?.verdict?.valid,
        false,
        'not valid from validUntil on',
      );
      suite.clock.advance(-until);
    });

    test('an image with no version the reader may see, or none at all, is not found', async () => {
      await assert.rejects(imageDetail(catalogue.db, undefined, 'no-such-image', options()), { code: 'NOT_FOUND' });
      await catalogue.db
        .updateTable('submissions')
        .set({ status: 'rejected' })
        .where('image', '=', 'python-app')
        .execute();
      await assert.rejects(imageDetail(catalogue.db, undefined, 'python-app', options()), { code: 'NOT_FOUND' });
      const member = await imageDetail(
        catalogue.db,
        {
          userId: 'm',
          login: 'm',
          displayName: 'm',
          role: null,
          organisations: ['land-musterland'],
          via: { kind: 'session' },
        },
        'python-app',
        options(),
      );
      assert.deepEqual(
        member.versions.map((v) => v.status),
        ['rejected'],
      );
    });

    test('the image page renders a stored result once per result digest, and anew when the result changes', async () => {
      const page = async (path = '/de/katalog/distroless-static') => {
        const response = await server.app.request(path, { headers: fresh });
        assert.equal(response.status, 200);
        return response.text();
      };
      const { id } = await catalogue.db
        .selectFrom('submissions')
        .select('id')
        .where('image', '=', 'distroless-static')
        .executeTakeFirstOrThrow();
      const stored = (
        await catalogue.db.selectFrom('submissions').select('result').where('id', '=', id).executeTakeFirstOrThrow()
      ).result as StoredScanResult;
      const [first] = stored.checks.results;
      assert.ok(first);
      assert.ok((await page()).includes(`${first.id} ${first.title.de}`));
      assert.ok((await page('/en/catalogue/distroless-static')).includes(`${first.id} ${first.title.en}`));

      // the stored result rewritten behind the catalogue's back, its digest left: the page still shows what it
      // rendered for that digest (it does not read the result again)
      const renamed = (title: string): StoredScanResult => ({
        ...stored,
        checks: {
          ...stored.checks,
          results: [{ ...first, title: { ...first.title, de: title } }, ...stored.checks.results.slice(1)],
        },
      });
      await catalogue.db
        .updateTable('submissions')
        .set({ result: JSON.stringify(renamed('Hinter dem Rücken geändert')) })
        .where('id', '=', id)
        .execute();
      const kept = await page();
      assert.ok(kept.includes(`${first.id} ${first.title.de}`));
      assert.ok(!kept.includes('Hinter dem Rücken geändert'));

      // recorded as the scan job and re-evaluation record it: a new digest, the new result shown
      await catalogue.transaction((tx) => recordScanResult(tx, id, renamed('Neu bewertet')));
      const changed = await page();
      assert.ok(changed.includes(`${first.id} Neu bewertet`));
      assert.ok(!changed.includes(`${first.id} ${first.title.de}<`));
    });
  });
}
