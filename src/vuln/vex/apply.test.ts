import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Finding, VexStatement } from '../types.ts';
import { applyVex } from './apply.ts';

const subject = { name: 'registry.example/app:1' };

function finding(i: number, id: string, aliases: string[] = []): Omit<Finding, 'sla'> {
  return {
    id: `${id}|pkg:npm/p${i}@1.0.0`,
    vulnerability: {
      id,
      aliases,
      severity: 'HIGH',
      severitySource: { kind: 'advisory', id },
      scores: [],
      references: [],
      source: 'test',
    },
    package: { id: `p${i}`, name: `p${i}`, version: '1.0.0', purl: `pkg:npm/p${i}@1.0.0`, ecosystem: 'npm' },
    fixedVersions: [],
    fixState: 'not-fixed',
    details: [],
    judgement: 'open',
    suppressed: false,
    vex: null,
  } as Omit<Finding, 'sla'>;
}

function statement(id: string, products: string[], status: VexStatement['status'], extra: Partial<VexStatement> = {}) {
  return {
    vulnerability: { id, aliases: [] },
    products,
    subcomponents: [],
    status,
    document: 'doc.json',
    format: 'openvex',
    justification: 'component_not_present',
    ...extra,
  } satisfies VexStatement;
}

describe('applyVex', () => {
  test('100k statements and 1,000 findings: each finding meets only the statements about its ids', () => {
    // Every finding was compared with every statement, purls parsed per pair: this took 10 s.
    const statements = Array.from({ length: 100_000 }, (_, i) =>
      statement(`CVE-2024-${i % 50}`, [`pkg:npm/other${i}@1.0.0`], 'not_affected'),
    );
    statements.push(statement('GHSA-p7', ['pkg:npm/p7'], 'not_affected'));
    const findings = Array.from({ length: 1000 }, (_, i) => finding(i, `CVE-2024-${i % 100}`, [`GHSA-p${i}`]));
    const started = performance.now();
    const applied = applyVex(findings, statements, subject);
    const millis = performance.now() - started;
    assert.ok(millis < 15_000, `${millis.toFixed(0)} ms`);
    assert.deepEqual(
      applied.filter((f) => f.suppressed).map((f) => f.package.name),
      ['p7'],
    );
  });

  test('of statements with one timestamp the later in document order wins, across ids and aliases', () => {
    const f = finding(1, 'CVE-2024-9', ['GHSA-x']);
    const byCve = statement('CVE-2024-9', [], 'not_affected', { timestamp: '2024-01-01T00:00:00Z', id: 'a' });
    const byGhsa = statement('GHSA-x', [], 'affected', { timestamp: '2024-01-01T00:00:00Z', id: 'b' });
    assert.equal(applyVex([f], [byCve, byGhsa], subject)[0]?.vex?.statementId, 'b');
    assert.equal(applyVex([f], [byGhsa, byCve], subject)[0]?.vex?.statementId, 'a');
    const newer = { ...byGhsa, timestamp: '2024-02-01T00:00:00Z' };
    assert.equal(applyVex([f], [newer, byCve], subject)[0]?.vex?.statementId, 'b');
  });

  test('products name the image or the package; subcomponents narrow an image statement', () => {
    const f = finding(3, 'CVE-2024-3');
    const cases: [VexStatement, boolean][] = [
      [statement('CVE-2024-3', ['registry.example/app'], 'not_affected'), true],
      [statement('CVE-2024-3', ['pkg:oci/app?repository_url=registry.example'], 'not_affected'), true],
      [statement('CVE-2024-3', ['pkg:npm/p3'], 'not_affected'), true],
      [statement('CVE-2024-3', ['pkg:npm/p3@2.0.0'], 'not_affected'), false],
      [statement('CVE-2024-3', ['registry.example/other'], 'not_affected'), false],
      [{ ...statement('CVE-2024-3', ['registry.example/app'], 'not_affected'), subcomponents: ['pkg:npm/p4'] }, false],
      [{ ...statement('CVE-2024-3', ['registry.example/app'], 'not_affected'), subcomponents: ['pkg:npm/p3'] }, true],
    ];
    for (const [s, suppressed] of cases)
      assert.equal(applyVex([f], [s], subject)[0]?.suppressed, suppressed, JSON.stringify(s.products));
  });
});
