import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { memoryAdvisories } from '../../test/helpers/memory-advisories.ts';
import { sarif210Schema } from '../../test/helpers/schemas/sarif-2.1.0.ts';
import type { Package } from '../catalog/index.ts';
import { renderVulnReport } from '../report/index.ts';
import type { Sbom } from '../sbom/index.ts';
import { cycloneDxJsonErrors } from '../sbom/testdata/validate.ts';
import { dpkgScheme, pep440Scheme, semverScheme } from '../version/index.ts';
import {
  applyVex,
  cvss3BaseScore,
  evaluateAffected,
  type Finding,
  matchSbom,
  type OsvRecord,
  parseVex,
  readVexFile,
  validateOsv,
} from './index.ts';

const corpus = resolve(import.meta.dirname, '..', '..', '..', 'shared', 'corpus');
const readJson = (path: string) => JSON.parse(readFileSync(path, 'utf8'));
const addFormats = addFormatsModule as unknown as (ajv: Ajv) => void;

test('CVSS 3.x base scores follow the specification formula', () => {
  const cases: [string, number][] = [
    ['CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H', 9.8],
    ['CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H', 10.0],
    ['CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:U/C:H/I:N/A:N', 6.5],
    ['CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:L/I:N/A:N', 3.7],
    ['CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H', 7.8],
    ['CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:C/C:L/I:L/A:N', 6.4],
    ['CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:N', 0],
    ['CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H', 7.5],
  ];
  for (const [vector, score] of cases) assert.equal(cvss3BaseScore(vector), score, vector);
  assert.equal(cvss3BaseScore('CVSS:3.1/AV:X/AC:L'), undefined);
});

test('OSV range evaluation: introduced/fixed, last_affected, limit, versions, GIT', () => {
  const affected = (ranges: OsvRecord['affected']) => ranges?.[0] ?? {};
  const eco = (events: object[]) =>
    affected([{ package: { ecosystem: 'npm', name: 'x' }, ranges: [{ type: 'SEMVER', events }] }]);
  const r1 = eco([{ introduced: '0' }, { fixed: '4.17.21' }]);
  assert.equal(evaluateAffected(r1, '4.17.20', semverScheme).affected, true);
  assert.equal(evaluateAffected(r1, '4.17.21', semverScheme).affected, false);
  const multi = eco([{ introduced: '1.0.0' }, { fixed: '1.2.0' }, { introduced: '2.0.0' }, { fixed: '2.0.5' }]);
  assert.deepEqual(
    ['0.9.0', '1.0.0', '1.1.9', '1.2.0', '1.9.9', '2.0.0', '2.0.4', '2.0.5'].map(
      (v) => evaluateAffected(multi, v, semverScheme).affected,
    ),
    [false, true, true, false, false, true, true, false],
  );
  const last = eco([{ introduced: '1.0.0' }, { last_affected: '1.4.0' }]);
  assert.equal(evaluateAffected(last, '1.4.0', semverScheme).affected, true);
  assert.equal(evaluateAffected(last, '1.4.1', semverScheme).affected, false);
  const listed = affected([{ package: { ecosystem: 'PyPI', name: 'x' }, versions: ['2.30.0'] }]);
  assert.equal(evaluateAffected(listed, '2.30.0', pep440Scheme).affected, true);
  assert.equal(evaluateAffected(listed, '2.31.0', pep440Scheme).affected, false);
  const deb = affected([
    {
      package: { ecosystem: 'Debian:12', name: 'openssl' },
      ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: '3.0.11-1~deb12u2' }] }],
    },
  ]);
  assert.equal(evaluateAffected(deb, '3.0.11-1~deb12u1', dpkgScheme).affected, true);
  assert.equal(evaluateAffected(deb, '3.0.11-1~deb12u2', dpkgScheme).affected, false);
  assert.equal(
    evaluateAffected(deb, '3.0.11-1', dpkgScheme).affected,
    false,
    '~deb12u2 sorts before the unsuffixed revision',
  );
  const git = affected([
    { package: { ecosystem: 'npm', name: 'x' }, ranges: [{ type: 'GIT', repo: 'r', events: [{ introduced: '0' }] }] },
  ]);
  assert.deepEqual(evaluateAffected(git, '1.0.0', semverScheme), { affected: false, gitRangesIgnored: true });
});

test('the real PyPI record for requests: 2.30.0 is affected by PYSEC-2023-74, 2.31.0 is not', () => {
  const record = readJson(join(corpus, 'osv', 'pypi', 'PYSEC-2023-74.json')) as OsvRecord;
  assert.deepEqual(validateOsv(record), []);
  const entry = record.affected?.[0] ?? {};
  assert.equal(evaluateAffected(entry, '2.30.0', pep440Scheme).affected, true);
  assert.equal(evaluateAffected(entry, '2.31.0', pep440Scheme).affected, false);
});

test('OSV validation names the broken part of the linter examples', () => {
  const dir = join(corpus, 'osv', 'schema', 'linter-examples');
  assert.deepEqual(validateOsv(readJson(join(dir, 'CVE-2018-5407.json'))), []);
  assert.match(validateOsv(readJson(join(dir, 'nondistinct-CVE-2018-5407.json'))).join(), /not distinct/);
  assert.match(validateOsv(readJson(join(dir, 'nointroduced-CVE-2023-41045.json'))).join(), /introduced/);
  assert.match(validateOsv({ id: 'X' }).join(), /modified/);
});

test('VEX readers: OpenVEX 0.2 and 0.0.1, CycloneDX analysis, CSAF product status', () => {
  const openvex = readVexFile(join(corpus, 'vex', 'openvex', 'go-vex-testdata', 'vex-v0.2.0.json'));
  assert.equal(openvex[0]?.vulnerability.id, 'CVE-2023-1255');
  assert.equal(openvex[0]?.status, 'fixed');
  assert.deepEqual(openvex[0]?.subcomponents, [
    'pkg:apk/alpine/libcrypto3@3.0.8-r3',
    'pkg:apk/alpine/libssl3@3.0.8-r3',
  ]);
  assert.equal(openvex[0]?.author, 'The OpenVEX Project <openvex@openssf.org>');
  const old = readVexFile(join(corpus, 'vex', 'openvex', 'go-vex-testdata', 'vex-v0.0.1.json'));
  assert.equal(old[0]?.products.length, 2);
  const cdx = readVexFile(join(corpus, 'vex', 'cyclonedx', 'VEX', 'Use-Cases', 'Case-4', 'vex.json'));
  assert.equal(cdx[0]?.status, 'not_affected');
  assert.equal(cdx[0]?.justification, 'code_not_reachable');
  const expected: [string, string][] = [
    ['2022-evd-uc-01-a-001.json', 'affected'],
    ['2022-evd-uc-01-f-001.json', 'fixed'],
    ['2022-evd-uc-01-na-001.json', 'not_affected'],
    ['2022-evd-uc-01-ui-001.json', 'under_investigation'],
  ];
  for (const [file, status] of expected) {
    const statements = readVexFile(join(corpus, 'vex', 'csaf', 'csaf_vex', file));
    assert.equal(statements[0]?.status, status, file);
    assert.equal(statements[0]?.vulnerability.id, 'CVE-2021-44228');
    assert.equal(statements[0]?.author, 'Example Company ProductCERT');
  }
  assert.throws(
    () =>
      parseVex(
        '{"@context":"https://openvex.dev/ns/v0.2.0","statements":[{"vulnerability":{"name":"CVE-1"},"status":"not_affected"}]}',
        'doc.json',
      ),
    /justification/,
  );
  assert.throws(() => parseVex('{}', 'x.json'), /not an OpenVEX/);
});

function pkg(name: string, version: string, purl: string, extra: Partial<Package> = {}): Package {
  return {
    id: `id-${name}`,
    name,
    version,
    ecosystem: 'npm',
    type: 'library',
    purl,
    locations: [],
    licenses: [],
    foundBy: 'test',
    layer: 0,
    metadata: { kind: 'language' },
    ...extra,
  };
}

const ghsa = (id: string, cve: string, name: string, fixed: string, severity?: string): OsvRecord => ({
  id,
  modified: '2024-01-01T00:00:00Z',
  published: '2024-01-01T00:00:00Z',
  aliases: [cve],
  ...(severity ? { severity: [{ type: 'CVSS_V3', score: severity }] } : {}),
  affected: [
    { package: { ecosystem: 'npm', name }, ranges: [{ type: 'SEMVER', events: [{ introduced: '0' }, { fixed }] }] },
  ],
});

test('matching merges aliases, marks OS-owned packages, applies VEX without dropping anything, and renders valid reports', async () => {
  const libssl = pkg('libssl3', '3.0.11-1~deb12u1', 'pkg:deb/debian/libssl3@3.0.11-1~deb12u1?distro=debian-12', {
    ecosystem: 'deb',
    metadata: { kind: 'deb', sourceName: 'openssl', sourceVersion: '3.0.11-1~deb12u1' },
  });
  const nodeLodash = pkg('lodash', '4.17.20', 'pkg:npm/lodash@4.17.20');
  const debLodash = pkg('lodash', '4.17.20', 'pkg:npm/lodash@4.17.20?owned', { id: 'id-owned' });
  const owner = pkg('node-lodash', '4.17.20+dfsg-1', 'pkg:deb/debian/node-lodash@4.17.20', {
    id: 'id-node-lodash',
    ecosystem: 'deb',
    metadata: { kind: 'deb' },
  });
  const sbom: Sbom = {
    subject: {
      name: 'registry.example/app:1',
      digest: `sha256:${'a'.repeat(64)}` as Sbom['subject']['digest'] & string,
    },
    distro: { id: 'debian', versionId: '12' },
    packages: [libssl, nodeLodash, debLodash, owner],
    relationships: [{ from: 'id-node-lodash', to: 'id-owned', type: 'owns' }],
    unidentifiedExecutables: [],
    unknowns: [],
    tool: { name: 'sgci', version: 'test' },
  };
  const records: OsvRecord[] = [
    ghsa('GHSA-35jh-r3h4-6jhm', 'CVE-2021-23337', 'lodash', '4.17.21', 'CVSS:3.1/AV:N/AC:L/PR:H/UI:N/S:U/C:H/I:H/A:H'),
    { ...ghsa('OTHER-1', 'CVE-2021-23337', 'lodash', '4.17.21'), aliases: ['CVE-2021-23337', 'GHSA-35jh-r3h4-6jhm'] },
    {
      id: 'DSA-5532-1',
      modified: '2023-10-01T00:00:00Z',
      published: '2023-10-01T00:00:00Z',
      upstream: ['CVE-2023-5363'],
      affected: [
        {
          package: { ecosystem: 'Debian:12', name: 'openssl' },
          ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: '3.0.11-1~deb12u2' }] }],
        },
      ],
    },
  ];
  const vex = parseVex(
    JSON.stringify({
      '@context': 'https://openvex.dev/ns/v0.2.0',
      author: 'Team A',
      timestamp: '2024-05-01T00:00:00Z',
      statements: [
        {
          vulnerability: { name: 'CVE-2023-5363' },
          products: [
            { '@id': `pkg:oci/app@sha256%3A${'a'.repeat(64)}`, subcomponents: [{ '@id': 'pkg:deb/debian/libssl3' }] },
          ],
          status: 'not_affected',
          justification: 'vulnerable_code_not_in_execute_path',
        },
      ],
    }),
    'team-a.vex.json',
  );
  const report = await matchSbom(sbom, memoryAdvisories(records), { vex, now: new Date('2024-06-01T00:00:00Z') });
  const byKey = new Map(report.matches.map((f) => [`${f.vulnerability.id} ${f.package.purl}`, f]));
  assert.equal(report.matches.length, 3, 'one finding per vulnerability and package, aliases merged');
  const lodash = byKey.get('CVE-2021-23337 pkg:npm/lodash@4.17.20') as Finding;
  assert.deepEqual(lodash.vulnerability.aliases, ['GHSA-35jh-r3h4-6jhm', 'OTHER-1']);
  assert.equal(lodash.vulnerability.severity, 'HIGH', 'CVSS 3.1 PR:H with full impact scores 7.2');
  assert.equal(lodash.judgement, 'open');
  assert.equal(lodash.sla?.overdue, true);
  const owned = byKey.get('CVE-2021-23337 pkg:npm/lodash@4.17.20?owned') as Finding;
  assert.equal(owned.judgement, 'os-owned-upstream');
  assert.equal(owned.ownedBy?.name, 'node-lodash');
  const openssl = byKey.get('CVE-2023-5363 pkg:deb/debian/libssl3@3.0.11-1~deb12u1?distro=debian-12') as Finding;
  assert.equal(openssl.package.sourceName, 'openssl');
  assert.deepEqual(openssl.fixedVersions, ['3.0.11-1~deb12u2']);
  assert.equal(openssl.suppressed, true);
  assert.equal(openssl.vex?.justification, 'vulnerable_code_not_in_execute_path');
  assert.equal(openssl.vex?.author, 'Team A');
  assert.deepEqual(report.summary.active.HIGH, 1);
  assert.equal(report.summary.suppressed, 1);
  assert.equal(report.summary.osOwnedUpstream, 1);

  // An affected statement keeps the finding active and is shown.
  const affected = applyVex(
    [openssl],
    [{ ...(vex[0] as NonNullable<(typeof vex)[0]>), status: 'affected', timestamp: '2025-01-01T00:00:00Z' }],
    sbom.subject,
  );
  assert.equal(affected[0]?.suppressed, false);
  assert.equal(affected[0]?.vex?.status, 'affected');

  const json = JSON.parse(renderVulnReport(report, 'json'));
  assert.ok(
    json.matches.every((m: Finding) => 'vulnerability' in m && 'fixedVersions' in m && 'suppressed' in m && 'vex' in m),
  );
  assert.deepEqual(cycloneDxJsonErrors(renderVulnReport(report, 'cyclonedx-vdr')), []);
  // sgci's own SARIF 2.1.0 schema, written from the OASIS specification (the official schema file is not vendored).
  const sarifAjv = new Ajv({ strict: false });
  addFormats(sarifAjv);
  const validateSarif = sarifAjv.compile(sarif210Schema);
  const sarif = JSON.parse(renderVulnReport(report, 'sarif')) as {
    runs: { results: { suppressions?: unknown[] }[] }[];
  };
  assert.ok(validateSarif(sarif), JSON.stringify(validateSarif.errors));
  assert.equal(sarif.runs[0]?.results.filter((r) => r.suppressions).length, 2);
  const gitlab = JSON.parse(renderVulnReport(report, 'gitlab'));
  assert.equal(gitlab.vulnerabilities.length, 3, 'suppressed findings stay in the GitLab report, flagged');
  assert.equal(gitlab.scan.type, 'container_scanning');
  // The fields GitLab's container-scanning report schema (15.x) requires; the schema file itself was not
  // available offline, so these are checked by hand.
  assert.match(gitlab.version, /^15\.\d+\.\d+$/);
  for (const tool of [gitlab.scan.analyzer, gitlab.scan.scanner]) {
    assert.equal(typeof tool.id, 'string');
    assert.equal(typeof tool.name, 'string');
    assert.equal(typeof tool.version, 'string');
    assert.equal(typeof tool.vendor.name, 'string');
  }
  assert.match(gitlab.scan.start_time, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/);
  assert.equal(gitlab.scan.status, 'success');
  for (const v of gitlab.vulnerabilities) {
    assert.ok(['Info', 'Unknown', 'Low', 'Medium', 'High', 'Critical'].includes(v.severity));
    assert.ok(
      v.identifiers.length >= 1 && v.identifiers.every((i: Record<string, string>) => i.type && i.name && i.value),
    );
    assert.equal(typeof v.location.dependency.package.name, 'string');
    assert.equal(typeof v.location.dependency.version, 'string');
    assert.equal(v.location.operating_system, 'debian 12');
    assert.equal(v.location.image, 'registry.example/app:1');
  }
  assert.ok(
    gitlab.vulnerabilities.every((v: { id: string }) =>
      /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/.test(v.id),
    ),
  );
  assert.equal(renderVulnReport(report, 'json'), renderVulnReport(report, 'json'));
});

test('SLA: deadline from the fix date per severity; no fix or next-release never overdue', async () => {
  const { slaOf } = await import('./sla.ts');
  const { defaultPolicy, slaPolicyOf, withSlaOverrides } = await import('../policy/index.ts');
  const defaultSlaPolicy = slaPolicyOf(defaultPolicy);
  const base = {
    id: 'x',
    package: { id: 'p', name: 'p', version: '1', purl: 'pkg:npm/p@1', ecosystem: 'npm' as const },
    details: [],
    judgement: 'open' as const,
    suppressed: false,
    vex: null,
    fixedVersions: ['2'],
    fixState: 'fixed' as const,
    fixAvailableAt: '2025-01-01T00:00:00.000Z',
  };
  const vuln = (severity: Finding['vulnerability']['severity']) => ({
    id: 'CVE-1',
    aliases: [],
    severity,
    severitySource: { kind: 'advisory' as const, id: 'CVE-1' },
    scores: [],
    references: [],
    source: 's',
  });
  const at = (iso: string) => new Date(iso);
  const critical = { ...base, vulnerability: vuln('CRITICAL') };
  assert.deepEqual(slaOf(critical, defaultSlaPolicy, at('2025-01-02T23:00:00Z')), {
    policy: '48h',
    startedAt: '2025-01-01T00:00:00.000Z',
    dueAt: '2025-01-03T00:00:00.000Z',
    overdue: false,
  });
  assert.equal(slaOf(critical, defaultSlaPolicy, at('2025-01-03T00:00:01Z'))?.overdue, true);
  assert.equal(slaOf({ ...critical, suppressed: true }, defaultSlaPolicy, at('2026-01-01T00:00:00Z'))?.overdue, false);
  assert.equal(
    slaOf({ ...base, vulnerability: vuln('HIGH') }, defaultSlaPolicy, at('2025-01-08T00:00:01Z'))?.overdue,
    true,
  );
  assert.equal(
    slaOf({ ...base, vulnerability: vuln('MEDIUM') }, defaultSlaPolicy, at('2025-01-30T00:00:00Z'))?.overdue,
    false,
  );
  assert.deepEqual(slaOf({ ...base, vulnerability: vuln('LOW') }, defaultSlaPolicy, at('2030-01-01T00:00:00Z')), {
    policy: 'next-release',
    startedAt: '2025-01-01T00:00:00.000Z',
    overdue: false,
  });
  const { fixAvailableAt: _, ...noFixDate } = critical;
  assert.equal(
    slaOf({ ...noFixDate, fixState: 'not-fixed', fixedVersions: [] }, defaultSlaPolicy, at('2030-01-01T00:00:00Z'))
      ?.overdue,
    false,
  );
  // --sla overrides go through the policy's one duration parser (weeks included) and change the policy digest
  const stricter = withSlaOverrides(defaultPolicy, ['critical=24h', 'HIGH=1w']);
  assert.deepEqual(slaPolicyOf(stricter).HIGH, { text: '1w', ms: 7 * 24 * 3_600_000 });
  assert.equal(slaOf(critical, slaPolicyOf(stricter), at('2025-01-02T00:00:01Z'))?.overdue, true);
  assert.notEqual(stricter.digest, defaultPolicy.digest);
  assert.throws(() => withSlaOverrides(defaultPolicy, ['HIGH=soon']), /HIGH=soon: not a duration/);
  assert.throws(() => withSlaOverrides(defaultPolicy, ['URGENT=1d']), /URGENT=1d: expected SEVERITY=DURATION/);
});
