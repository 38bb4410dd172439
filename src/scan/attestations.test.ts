import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Digest } from '../core/index.ts';
import { applyVex, parseVex } from '../vuln/index.ts';
import type { Finding, VulnReport } from '../vuln/types.ts';
import { ociProductPurl, scanAttestations, scanVexStatements } from './attestations.ts';

const digest = `sha256:${'ab'.repeat(32)}` as Digest;
const ref = { registry: 'registry.example.de', repository: 'team/app' };

function finding(id: string, alias: string, purl: string, vex: Finding['vex']): Finding {
  return {
    id: `${id} ${purl}`,
    vulnerability: { id, aliases: [alias], severity: 'HIGH', scores: [], references: [], source: 'x' },
    package: { id: purl, name: 'lodash', version: '4.17.20', purl, ecosystem: 'npm' },
    fixedVersions: [],
    fixState: 'unknown',
    details: [],
    judgement: 'open',
    suppressed: vex?.status === 'not_affected',
    vex,
  } as unknown as Finding;
}

function report(matches: Finding[]): VulnReport {
  return {
    schemaVersion: '1.0.0',
    subject: { name: 'registry.example.de/team/app:1', digest },
    matches,
    summary: {
      active: { CRITICAL: 0, HIGH: 0, MEDIUM: 0, LOW: 0, NONE: 0, UNKNOWN: 0 },
      suppressed: 0,
      osOwnedUpstream: 0,
      overdue: 0,
    },
    database: { advisories: 1 },
    evaluatedAt: '2026-01-01T00:00:00.000Z',
    notes: [],
  } as unknown as VulnReport;
}

test('the product is the OCI purl of the scanned digest in its repository', () => {
  assert.equal(ociProductPurl(ref, digest), `pkg:oci/app@${digest}?repository_url=registry.example.de%2Fteam%2Fapp`);
});

test('one statement per finding a VEX statement applied to; the document applies back to the same finding', async () => {
  const purl = 'pkg:npm/lodash@4.17.20';
  const decided = finding('CVE-2021-23337', 'GHSA-35jh-r3h4-6jhm', purl, {
    status: 'not_affected',
    justification: 'vulnerable_code_not_in_execute_path',
    author: 'Team Plattform',
    document: 'store',
    format: 'store',
  });
  const open = finding('CVE-2020-8203', 'GHSA-p6mc-m468-83gw', purl, null);
  const vulns = report([decided, open]);
  const statements = scanVexStatements(vulns, ociProductPurl(ref, digest));
  assert.equal(statements.length, 1);
  const [sbom, vex] = await scanAttestations('{"bomFormat":"CycloneDX","specVersion":"1.6"}\n', vulns, ref, digest);
  assert.equal(sbom?.predicateType, 'https://cyclonedx.org/bom');
  assert.equal(vex?.predicateType, 'https://openvex.dev/ns');
  const parsed = parseVex(vex!.text, 'vex.openvex.json');
  const applied = applyVex<Finding>(
    [
      { ...open, vex: null, suppressed: false },
      { ...decided, vex: null, suppressed: false },
    ],
    parsed,
    vulns.subject,
  );
  assert.equal(applied[0]?.suppressed, false);
  assert.equal(applied[1]?.suppressed, true);
  assert.equal(applied[1]?.vex?.justification, 'vulnerable_code_not_in_execute_path');
  // another image (other digest) is not covered by the attested statements
  const elsewhere = applyVex([{ ...decided, vex: null, suppressed: false }], parsed, {
    ...vulns.subject,
    name: 'registry.example.de/team/other:1',
    digest: `sha256:${'cd'.repeat(32)}` as Digest,
  } as VulnReport['subject']);
  assert.equal(elsewhere[0]?.suppressed, false);
});

test('no VEX decision: a valid OpenVEX document without statements, deterministic for the same scan', async () => {
  const vulns = report([]);
  const first = (await scanAttestations('{"bomFormat":"CycloneDX"}', vulns, ref, digest))[1]!;
  const again = (await scanAttestations('{"bomFormat":"CycloneDX"}', vulns, ref, digest))[1]!;
  assert.equal(first.text, again.text);
  const doc = first.predicate as Record<string, unknown>;
  assert.equal(doc['@context'], 'https://openvex.dev/ns/v0.2.0');
  assert.deepEqual(doc.statements, []);
  assert.equal(doc.timestamp, vulns.evaluatedAt);
  assert.deepEqual(parseVex(first.text, 'vex.openvex.json'), []);
});
