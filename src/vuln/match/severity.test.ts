import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { corpusDir } from '../../../test/helpers/fixtures.ts';
import { memoryAdvisories } from '../../../test/helpers/memory-advisories.ts';
import type { Package } from '../../catalog/index.ts';
import { defaultPolicy, slaPolicyOf } from '../../policy/index.ts';
import type { Sbom } from '../../sbom/index.ts';
import { cveSeverityOf } from '../nvd/record.ts';
import type { OsvRecord } from '../osv/record.ts';
import type { SeverityRow } from '../ports.ts';
import { matchSbom, reachesSeverity } from '../report.ts';
import type { Finding } from '../types.ts';

/** Go's own records (the Go vulnerability database carries no CVSS), with osv.dev's publication dates. */
function goRecord(id: string, published: string): OsvRecord {
  const record = JSON.parse(readFileSync(join(corpusDir(), 'osv', 'go', `${id}.json`), 'utf8')) as OsvRecord;
  return { ...record, published, modified: published };
}

/** The stdlib an esbuild binary from the npm registry was built with. */
const stdlib: Package = {
  id: 'go-stdlib',
  name: 'stdlib',
  version: 'go1.23.5',
  ecosystem: 'golang',
  type: 'library',
  purl: 'pkg:golang/stdlib@go1.23.5',
  locations: [{ path: '/usr/local/lib/node_modules/esbuild/bin/esbuild', layer: 1, evidence: 'primary' }],
  licenses: [],
  foundBy: 'go-module-binary-cataloger',
  layer: 1,
  metadata: { kind: 'language' },
};
const sbom: Sbom = {
  subject: { name: 'registry.example/esbuild:1' },
  packages: [stdlib],
  relationships: [],
  unidentifiedExecutables: [],
  unknowns: [],
  tool: { name: 'sgci', version: 'test' },
};

const go = [
  goRecord('GO-2025-3447', '2025-02-06T00:00:00Z'),
  goRecord('GO-2025-3503', '2025-03-12T00:00:00Z'),
  goRecord('GO-2025-3563', '2025-04-01T00:00:00Z'),
];
/** Another record of GO-2025-3503's vulnerability (written for this test): GitHub's, for golang.org/x/net. */
const ghsa: OsvRecord = {
  id: 'GHSA-qxp5-gwg8-xv66',
  modified: '2025-03-13T00:00:00Z',
  aliases: ['CVE-2025-22870'],
  severity: [{ type: 'CVSS_V3', score: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:N' }],
  affected: [
    {
      package: { ecosystem: 'Go', name: 'golang.org/x/net' },
      ranges: [{ type: 'SEMVER', events: [{ introduced: '0' }, { fixed: '0.36.0' }] }],
    },
  ],
};
/** Debian's record of GO-2025-3563's CVE names it as upstream and rates nothing. */
const debian: OsvRecord = {
  id: 'DEBIAN-CVE-2025-22871',
  modified: '2025-04-10T00:00:00Z',
  upstream: ['CVE-2025-22871'],
  affected: [
    {
      package: { ecosystem: 'Debian:12', name: 'golang-1.19' },
      ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }] }],
    },
  ],
};
/** NVD's records in CVE JSON 2.0, as `db import` reads them. */
const nvd = (
  JSON.parse(readFileSync(join(import.meta.dirname, '..', 'nvd', 'testdata', 'nvdcve-2.0-sample.json'), 'utf8'))
    .vulnerabilities as unknown[]
).flatMap((item): SeverityRow[] => {
  const verdict = cveSeverityOf(item);
  return verdict.kind === 'severity' ? [verdict.row] : [];
});

const now = new Date('2026-06-01T00:00:00Z');
const byId = (findings: readonly Finding[], id: string) => findings.find((f) => f.details[0]?.found.advisory === id);

describe('findings without a severity of their own', () => {
  test('take the rating of another advisory sharing an id, or NVD’s, and say so', async () => {
    const report = await matchSbom(sbom, memoryAdvisories([...go, ghsa, debian], 'osv', nvd), { now });
    const fromNvd = byId(report.matches, 'GO-2025-3447')?.vulnerability;
    assert.equal(fromNvd?.severity, 'MEDIUM');
    assert.deepEqual(fromNvd?.severitySource, { kind: 'nvd', id: 'CVE-2025-22866' });
    assert.deepEqual(
      fromNvd?.scores.map((s) => [s.type, s.rating, s.source]),
      [['CVSS_V3', 'MEDIUM', 'NVD']],
    );
    // GitHub's 9.1 and NVD's 4.4 (the CNA's) are both CVSS 3.1: the higher decides, GitHub's.
    const fromAlias = byId(report.matches, 'GO-2025-3503')?.vulnerability;
    assert.equal(fromAlias?.severity, 'CRITICAL');
    assert.deepEqual(fromAlias?.severitySource, { kind: 'alias', id: 'GHSA-qxp5-gwg8-xv66' });
    assert.deepEqual(
      fromAlias?.scores.map((s) => s.source),
      ['GHSA-qxp5-gwg8-xv66', 'NVD', 'NVD'],
    );
  });

  test('what no source rates stays UNKNOWN and runs on the clock of unknownSeverity (HIGH unless told)', async () => {
    const report = await matchSbom(sbom, memoryAdvisories([...go, debian], 'osv'), { now });
    const unrated = report.matches.filter((f) => f.vulnerability.severity === 'UNKNOWN');
    assert.equal(unrated.length, 3);
    for (const f of unrated) {
      assert.deepEqual(f.vulnerability.severitySource, { kind: 'policy', treatedAs: 'HIGH' });
      assert.equal(f.sla?.policy, '7d');
      assert.equal(f.sla?.overdue, true, f.vulnerability.id);
    }
    assert.equal(report.summary.overdue, 3);
    assert.equal(report.summary.active.UNKNOWN, 3);
    // Before, UNKNOWN never reached a --fail-on threshold and had no SLA at all.
    assert.equal(reachesSeverity(report, 'HIGH'), true);
    const low = await matchSbom(sbom, memoryAdvisories([...go, debian], 'osv'), {
      now,
      sla: { ...slaPolicyOf(defaultPolicy), unrated: 'LOW' },
    });
    assert.deepEqual(low.matches[0]?.vulnerability.severitySource, { kind: 'policy', treatedAs: 'LOW' });
    assert.equal(low.matches[0]?.sla?.policy, 'next-release');
    assert.equal(low.summary.overdue, 0);
    assert.equal(reachesSeverity(low, 'HIGH'), false);
  });

  test("an advisory's own rating names it as the source; nothing else is asked", async () => {
    const rated: OsvRecord = {
      ...go[0],
      severity: [{ type: 'CVSS_V3', score: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H' }],
    } as OsvRecord;
    const report = await matchSbom(sbom, memoryAdvisories([rated], 'osv', nvd), { now });
    assert.equal(report.matches[0]?.vulnerability.severity, 'CRITICAL');
    assert.deepEqual(report.matches[0]?.vulnerability.severitySource, { kind: 'advisory', id: 'GO-2025-3447' });
    assert.equal(report.matches[0]?.vulnerability.scores.length, 1);
  });
});
