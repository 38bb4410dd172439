/**
 * Living verdicts: re-evaluating stored versions after 1,000 new advisories are imported, per version. Versions of
 * node-app and debian-full are stored as the scan job stores them (the pass in the scan store, the result, the
 * findings, an admission); then the watch queues one `sgci.rematch` per version and a worker runs them: claim, the
 * stored SBOM re-matched, findings and their events, the state, a signed verdict, commit. No image is read again.
 * Target: < 20 ms per version. The new advisories: one per Debian source package of debian-full (Debian:12, fixed
 * just above the installed version) and per npm package of node-app, the rest unrelated npm records. A last round
 * per fixture re-matches versions recorded before their matching input was stored (migration 0009) from their
 * stored pass, as a catalogue upgraded from an earlier sgci does once.
 *
 * Side by side on the embedded PGlite and on a PostgreSQL server started for the run (when its binaries are
 * installed); with DATABASE_URL set, on that server only. The CPU column is this process's: with PGlite that
 * includes the database, with PostgreSQL only the worker (the server runs apart).
 *
 * Run alone: node_modules/.bin/node bench/rematch.ts [versions per fixture]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateP256, LocalSigner } from '../src/attest/index.ts';
import {
  advisoriesWatchJob,
  type CatalogueServices,
  ensureAdvisoriesWatch,
  type JobDefinition,
  openCatalogue,
  rematchJob,
  Worker,
} from '../src/catalogue/index.ts';
import { storedResultOf } from '../src/catalogue/submissions/result.ts';
import { defaultLimits } from '../src/core/index.ts';
import { openImage } from '../src/oci/source/index.ts';
import { parsePolicy } from '../src/policy/index.ts';
import { runScan, type ScanRequest, scanCacheKey, storeMatcher, storeScanCache } from '../src/scan/index.ts';
import { importAdvisories, parseAdvisorySource } from '../src/vuln/index.ts';
import { type FixtureName, fixture, fixturesMissing } from '../test/helpers/fixtures.ts';
import { postgresMissing, startPostgres } from '../test/helpers/postgres.ts';
import { storeImage, storeOrganisation, storeVersion } from '../test/helpers/stored-versions.ts';
import { storedZip } from '../test/helpers/zip.ts';
import { corpusAdvisoryDirs, syntheticAdvisory } from './lib/advisories.ts';
import { headline, ownPeakRssMiB, quick, skipped } from './lib/headline.ts';
import { table } from './lib/report.ts';

const perFixture = Number(process.argv[2] ?? (quick ? 10 : 50));
const fixtures: readonly FixtureName[] = ['node-app', 'debian-full'];

if (fixturesMissing()) {
  skipped(fixturesMissing() ?? '');
  process.exit(0);
}

/** Every check warns: versions of both fixtures can be admitted, as a catalogue with exceptions would. */
const policy = parsePolicy('version: "1"\n', 'bench.yaml');

/** The whole run on one database: PGlite under a temporary directory when `databaseUrl` is undefined. */
async function benchOn(databaseUrl: string | undefined): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), 'sgci-bench-rematch-'));
  let clock = Date.parse('2026-12-01T09:00:00Z');
  const catalogue = await openCatalogue({
    ...(databaseUrl ? { databaseUrl } : { databaseUrl: '', dataDir: join(work, 'db') }),
    now: () => new Date(clock),
  });
  const key = generateP256();
  const services: CatalogueServices = {
    catalogue,
    images: undefined as never,
    policy,
    signing: {
      signer: new LocalSigner(key.privateKey, key.publicKey, 'bench.key'),
      verifierId: 'https://container.example',
      policyUri: 'https://container.example/policy.yaml',
    },
  };
  await importAdvisories(catalogue.store, corpusAdvisoryDirs().map(parseAdvisorySource), { skipInvalid: true });

  const now = catalogue.now();
  await storeOrganisation(catalogue, 'bench');

  const versions = new Map<FixtureName, string[]>();
  const npmPackages = new Map<string, string>();
  const debianSources = new Map<string, string>();
  for (const name of fixtures) {
    await using image = await openImage(`docker-archive:${fixture(name).dockerArchive}`, { limits: defaultLimits });
    const request: ScanRequest = { subject: { image }, needs: { vulns: true, checks: true }, policy, now };
    const outcome = await runScan(request, {
      matcher: storeMatcher(catalogue.store),
      cache: storeScanCache(catalogue.store),
    });
    const scanKey = outcome.image ? scanCacheKey(outcome.image, policy, request) : undefined;
    const result = storedResultOf(outcome);
    for (const p of outcome.sbom.packages) {
      if (p.ecosystem === 'npm') npmPackages.set(p.name, p.version);
      if (p.metadata.kind === 'deb')
        debianSources.set(p.metadata.sourceName ?? p.name, p.metadata.sourceVersion ?? p.version);
    }
    await storeImage(catalogue, 'bench', name);
    const ids: string[] = [];
    for (let i = 0; i < perFixture; i++) {
      const id = `${name}-${i}`;
      ids.push(id);
      await storeVersion(catalogue, {
        id,
        image: name,
        organisation: 'bench',
        n: i,
        status: 'admitted',
        policy,
        scanKey: scanKey ?? null,
        result,
      });
    }
    versions.set(name, ids);
  }

  // the 1,000 new advisories, published now
  const published = new Date(clock).toISOString();
  const entries: { name: string; data: Uint8Array }[] = [];
  const add = (record: { readonly id: string; readonly [field: string]: unknown }) =>
    entries.push({ name: `${record.id}.json`, data: Buffer.from(JSON.stringify(record)) });
  let n = 0;
  for (const [source, version] of debianSources) {
    add({
      id: `DEBIAN-CVE-2098-${++n}`,
      modified: published,
      published,
      upstream: [`CVE-2098-${n}`],
      affected: [
        {
          package: { ecosystem: 'Debian:12', name: source },
          ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: `${version}+bench1` }] }],
        },
      ],
    });
  }
  for (const [name, version] of npmPackages) {
    add({
      id: `GHSA-bench-${++n}`,
      modified: published,
      published,
      severity: [{ type: 'CVSS_V3', score: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N' }],
      affected: [
        {
          package: { ecosystem: 'npm', name },
          ranges: [
            { type: 'SEMVER', events: [{ introduced: '0' }, { fixed: `${Number(version.split('.')[0]) + 1}.0.0` }] },
          ],
        },
      ],
    });
  }
  const related = entries.length;
  for (let i = 0; entries.length < 1000; i++) add({ ...syntheticAdvisory(i), id: `OSV-2099-${i}` });
  await importAdvisories(catalogue.store, [{ kind: 'bytes', name: 'new.zip', bytes: storedZip(entries) }]);

  const worker = new Worker({
    catalogue,
    definitions: [rematchJob(services), advisoriesWatchJob(services)] as JobDefinition<unknown>[],
    id: 'bench',
  });
  const rows: string[][] = [];
  /** One round of the watch over the fixture's versions (the others withdrawn), run by the worker to the end. */
  async function round(name: FixtureName, what: string): Promise<void> {
    const ids = versions.get(name) ?? [];
    await catalogue.db.updateTable('submissions').set({ status: 'withdrawn' }).where('image', '!=', name).execute();
    await catalogue.db.deleteFrom('advisory_watch').execute();
    clock += 60_000;
    await ensureAdvisoriesWatch(catalogue);
    const cpu = process.cpuUsage();
    const started = performance.now();
    const ran = await worker.drain();
    const ms = performance.now() - started;
    const used = process.cpuUsage(cpu);
    const findings = await catalogue.db
      .selectFrom('findings')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('submission', '=', ids[0] ?? '')
      .executeTakeFirstOrThrow();
    const perVersion = ms / ids.length;
    headline({
      what: `re-match ${name} on ${catalogue.store.kind}, ${what}`,
      value: perVersion,
      unit: 'ms/version',
      target: { on: 'value', direction: '<', limit: 20, source: '#13' },
      rssMiB: { [`bench process${catalogue.store.kind === 'pglite' ? ' (with the database)' : ''}`]: ownPeakRssMiB() },
    });
    rows.push([
      `${name} × ${ids.length}, ${what} (${findings.n} findings each, ${ran - 1} jobs)`,
      `${perVersion.toFixed(1)} ms/version`,
      `${((used.user + used.system) / 1000 / ids.length).toFixed(1)} ms/version`,
      perVersion < 20 ? 'target met (< 20 ms)' : 'ABOVE target 20 ms',
    ]);
  }
  for (const name of fixtures) {
    await catalogue.db.updateTable('submissions').set({ status: 'admitted' }).where('image', '=', name).execute();
    await round(name, 'after the import');
    await round(name, 'again, nothing new');
    await catalogue.db
      .deleteFrom('matching_inputs')
      .where('submission', 'in', versions.get(name) ?? [])
      .execute();
    await round(name, 'from the stored pass, as recorded before 0009');
  }
  process.stdout.write(
    `${table(
      [
        `re-match after importing 1,000 advisories (${related} affecting the fixtures), ${catalogue.store.kind}`,
        'wall',
        `CPU of this process${catalogue.store.kind === 'pglite' ? ' (with the database)' : ''}`,
        '',
      ],
      rows,
      'end',
    )}\n`,
  );
  await catalogue.close();
  rmSync(work, { recursive: true, force: true });
}

if (process.env.DATABASE_URL) await benchOn(process.env.DATABASE_URL);
else {
  await benchOn(undefined);
  const missing = postgresMissing();
  if (missing) {
    skipped(`on PostgreSQL: ${missing}`);
  } else {
    await using postgres = await startPostgres();
    await benchOn(postgres.url);
  }
}
