/**
 * `sgci db`, `sgci vulns` and `sgci vex` end to end, in-process through main(), against a real PostgreSQL
 * (DATABASE_URL): import the real npm advisories, scan the node-app fixture's SBOM file, gate with --fail-on,
 * suppress with a stored VEX statement, export it and read it back.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { cycloneDxJsonErrors } from '../../src/sbom/testdata/validate.ts';
import { parseVex, toOpenVex, type VulnReport } from '../../src/vuln/index.ts';
import { runMain } from '../helpers/cli.ts';
import { corpusDir, fixture, fixturesMissing } from '../helpers/fixtures.ts';
import { postgresMissing, startPostgres, type TestPostgres } from '../helpers/postgres.ts';

const skip = postgresMissing() ?? fixturesMissing();
const work = mkdtempSync(join(tmpdir(), 'sgci-vuln-cli-'));
let server: TestPostgres | undefined;
const savedUrl = process.env.DATABASE_URL;

before(async () => {
  if (skip) return;
  server = await startPostgres();
  process.env.DATABASE_URL = server.url;
});
after(async () => {
  if (savedUrl === undefined) delete process.env.DATABASE_URL;
  else process.env.DATABASE_URL = savedUrl;
  await server?.stop();
  rmSync(work, { recursive: true, force: true });
});

test('db import, vulns on an SBOM file, --fail-on, VEX add/list/export', { skip }, async () => {
  const imported = await runMain(['db', 'import', join(corpusDir(), 'osv', 'npm')]);
  assert.equal(imported.code, 0, imported.stderr);
  assert.match(imported.stdout, /imported 27 records/);

  const bad = join(work, 'bad.json');
  writeFileSync(bad, JSON.stringify({ id: 'GHSA-xxxx-xxxx-xxxx', affected: [] }));
  const rejected = await runMain(['db', 'import', bad]);
  assert.equal(rejected.code, 2);
  assert.match(rejected.stderr, /bad\.json \(GHSA-xxxx-xxxx-xxxx\): .*modified/);

  const status = await runMain(['db', 'status', '-o', 'json']);
  assert.equal(JSON.parse(status.stdout).advisories, 27);

  const sbomFile = join(work, 'node-app.cdx.json');
  const sbom = await runMain([
    'sbom',
    `docker-archive:${fixture('node-app').dockerArchive}`,
    '--output-file',
    sbomFile,
  ]);
  assert.equal(sbom.code, 0, sbom.stderr);

  const now = '2026-01-01T00:00:00Z';
  const scan = await runMain(['vulns', sbomFile, '-o', 'json', '--now', now]);
  assert.equal(scan.code, 0, scan.stderr);
  const report = JSON.parse(scan.stdout) as VulnReport;
  const lodash = report.matches.find((m) => m.vulnerability.id === 'CVE-2021-23337');
  assert.ok(lodash, 'lodash 4.17.20 has CVE-2021-23337');
  assert.deepEqual(lodash.vulnerability.aliases, ['GHSA-35jh-r3h4-6jhm']);
  assert.equal(lodash.package.name, 'lodash');
  assert.equal(lodash.package.version, '4.17.20');
  assert.match(lodash.package.purl, /^pkg:npm\/lodash@4\.17\.20/);
  assert.deepEqual(lodash.fixedVersions, ['4.17.21']);
  assert.equal(lodash.suppressed, false);
  assert.equal(lodash.vex, null);
  assert.equal(
    new Set(report.matches.map((m) => `${m.vulnerability.id} ${m.package.purl}`)).size,
    report.matches.length,
  );

  assert.equal((await runMain(['vulns', sbomFile, '--fail-on', 'HIGH', '--now', now])).code, 1);
  assert.equal((await runMain(['vulns', sbomFile, '--fail-on', 'CRITICAL', '--now', now])).code, 0);

  const added = await runMain([
    'vex',
    'add',
    '--vulnerability',
    'GHSA-35jh-r3h4-6jhm',
    '--status',
    'not_affected',
    '--justification',
    'vulnerable_code_not_in_execute_path',
    '--subcomponent',
    'pkg:npm/lodash',
    '--author',
    'Team Plattform',
  ]);
  assert.equal(added.code, 0, added.stderr);
  assert.equal((await runMain(['vex', 'add', '--vulnerability', 'CVE-1', '--status', 'not_affected'])).code, 2);

  const after = JSON.parse((await runMain(['vulns', sbomFile, '-o', 'json', '--now', now])).stdout) as VulnReport;
  const suppressed = after.matches.find((m) => m.vulnerability.id === 'CVE-2021-23337');
  assert.equal(suppressed?.suppressed, true, 'matched through the GHSA alias');
  assert.equal(suppressed?.vex?.author, 'Team Plattform');
  assert.equal(suppressed?.vex?.justification, 'vulnerable_code_not_in_execute_path');
  assert.equal(after.matches.length, report.matches.length, 'the suppressed finding is still reported');

  const list = await runMain(['vex', 'list']);
  assert.match(list.stdout, /GHSA-35jh-r3h4-6jhm\s+not_affected/);
  const openvex = await runMain(['vex', 'export', '-f', 'openvex']);
  const roundTrip = parseVex(openvex.stdout, 'export.json');
  assert.equal(roundTrip[0]?.vulnerability.id, 'GHSA-35jh-r3h4-6jhm');
  assert.deepEqual(roundTrip[0]?.subcomponents, ['pkg:npm/lodash']);
  const cdx = await runMain(['vex', 'export', '-f', 'cyclonedx']);
  assert.deepEqual(cycloneDxJsonErrors(cdx.stdout), []);
  assert.equal(parseVex(cdx.stdout, 'cdx.json')[0]?.status, 'not_affected');

  const gitlab = JSON.parse((await runMain(['vulns', sbomFile, '-o', 'gitlab', '--now', now])).stdout);
  assert.equal(gitlab.vulnerabilities.length, report.matches.length);
  assert.ok(readFileSync(sbomFile, 'utf8').includes('lodash'));
});

test('--vex takes one document per occurrence before the input; scan takes --vex and --sla as vulns does', {
  skip,
}, async () => {
  const now = '2026-01-01T00:00:00Z';
  const image = `docker-archive:${fixture('node-app').dockerArchive}`;
  const plain = JSON.parse((await runMain(['vulns', image, '-o', 'json', '--now', now])).stdout) as VulnReport;
  const target = plain.matches.find((m) => !m.suppressed && m.vulnerability.id !== 'CVE-2021-23337');
  assert.ok(target, 'node-app has a finding no stored statement covers');
  const doc = join(work, 'team.openvex.json');
  writeFileSync(
    doc,
    toOpenVex(
      [
        {
          vulnerability: { id: target.vulnerability.id, aliases: [] },
          products: [plain.subject.name],
          subcomponents: [target.package.purl],
          status: 'not_affected',
          justification: 'vulnerable_code_not_present',
          document: doc,
          format: 'openvex',
        },
      ],
      { author: 'Team Plattform', timestamp: now },
    ),
  );
  // the option before the input: one value, so the image stays the input
  const vexed = await runMain(['vulns', '--vex', doc, image, '-o', 'json', '--now', now]);
  assert.equal(vexed.code, 0, vexed.stderr);
  const applied = (JSON.parse(vexed.stdout) as VulnReport).matches.find((m) => m.id === target.id);
  assert.equal(applied?.suppressed, true);
  assert.ok((JSON.parse(vexed.stdout) as VulnReport).notes.includes(`VEX document read: ${doc}`));

  const out = join(work, 'scan');
  const scan = await runMain(['scan', '--vex', doc, '--sla', 'HIGH=1h', image, '--out', out, '--now', now]);
  assert.equal(scan.code, 1, scan.stderr);
  const vulns = JSON.parse(readFileSync(join(out, 'vulns.json'), 'utf8')) as VulnReport;
  assert.equal(vulns.matches.find((m) => m.id === target.id)?.suppressed, true, 'scan applies --vex');
  const high = vulns.matches.find((m) => m.vulnerability.severity === 'HIGH');
  assert.equal(high?.sla?.policy, '1h', 'scan applies --sla to the findings');
  const checks = JSON.parse(readFileSync(join(out, 'checks.json'), 'utf8'));
  const vuln002 = checks.results.find((r: { id: string }) => r.id === 'SGCI-VULN-002');
  const overdue = vulns.matches.filter((m) => m.sla?.overdue && m.sla.policy === '1h');
  assert.ok(overdue.length > 0, 'a fix older than an hour exists');
  assert.equal(vuln002.result, 'fail');
  assert.ok(JSON.stringify(vuln002.evidence).includes('(1h)'), 'SGCI-VULN-002 judges by the same SLA');
  const sarif = JSON.parse(readFileSync(join(out, 'report.sarif'), 'utf8'));
  assert.deepEqual(
    sarif.runs.map((r: { automationDetails: { id: string } }) => r.automationDetails.id),
    ['sgci/checks/', 'sgci/vulnerabilities/'],
  );
  assert.equal(sarif.runs[1].results.length, vulns.matches.length);
});
