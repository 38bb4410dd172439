import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Finding } from '../types.ts';
import { parseVex } from './read.ts';

/** A CSAF VEX document: every product known_not_affected, each with its own impact threat and remediation. */
function csaf(products: number): string {
  const ids = Array.from({ length: products }, (_, i) => `P${i}`);
  return JSON.stringify({
    document: {
      csaf_version: '2.0',
      category: 'csaf_vex',
      publisher: { name: 'Example PSIRT' },
      tracking: { current_release_date: '2024-05-01T00:00:00Z' },
    },
    product_tree: { full_product_names: ids.map((id, i) => ({ product_id: id, name: `pkg:npm/p${i}@1.0.0` })) },
    vulnerabilities: [
      {
        cve: 'CVE-2024-0001',
        product_status: { known_not_affected: ids },
        threats: ids.map((id, i) => ({ category: 'impact', details: `not reachable in ${i}`, product_ids: [id] })),
        remediations: ids.map((id, i) => ({ category: 'none_available', details: `remedy ${i}`, product_ids: [id] })),
      },
    ],
  });
}

describe('hostile VEX documents read in bounded time', () => {
  test('CSAF with 100k products and 100k threats: each product gets its own threat, linearly', () => {
    // Looked up per product, this was 10^10 comparisons: 20k products took 39 s, 100k about a quarter of an hour.
    const text = csaf(100_000);
    const started = performance.now();
    const statements = parseVex(text, 'big.csaf.json');
    const millis = performance.now() - started;
    assert.ok(millis < 20_000, `${millis.toFixed(0)} ms`);
    assert.equal(statements.length, 100_000);
    const last = statements.at(-1);
    assert.equal(last?.id, 'CVE-2024-0001/P99999');
    assert.deepEqual(last?.products, ['pkg:npm/p99999@1.0.0']);
    assert.equal(last?.impactStatement, 'not reachable in 99999');
    assert.equal(last?.actionStatement, 'remedy 99999');
  });

  test('the first threat naming a product decides, as before', () => {
    const doc = JSON.parse(csaf(2));
    doc.vulnerabilities[0].threats.unshift(
      { category: 'exploit_status', details: 'not an impact', product_ids: ['P1'] },
      { category: 'impact', details: 'shared first', product_ids: ['P0', 'P1'] },
    );
    const statements = parseVex(JSON.stringify(doc), 'order.json');
    assert.deepEqual(
      statements.map((s) => s.impactStatement),
      ['shared first', 'shared first'],
    );
  });

  const deep = (open: string, close: string) => `${open.repeat(100_000)}[]${close.repeat(100_000)}`;
  const documents: [string, string][] = [
    ['CSAF branches', `{"document":{"csaf_version":"2.0"},"product_tree":{"branches":${deep('[{"branches":', '}]')}}}`],
    [
      'CycloneDX components',
      `{"bomFormat":"CycloneDX","vulnerabilities":[],"components":${deep('[{"components":', '}]')}}`,
    ],
    ['OpenVEX statements', `{"@context":"https://openvex.dev/ns/v0.2.0","statements":${deep('[', ']')}}`],
  ];
  for (const [name, text] of documents) {
    test(`${name} nested 100k deep: VEX_INVALID naming the document`, () => {
      assert.throws(() => parseVex(text, 'deep.vex.json'), {
        code: 'VEX_INVALID',
        message: /^deep\.vex\.json: VEX document nests deeper than 512 levels/,
      });
    });
  }
});

test('a statement exported for any product (`*`) applies to any product again when read back', async () => {
  const { toOpenVex } = await import('./write.ts');
  const { applyVex } = await import('./apply.ts');
  const text = toOpenVex(
    [
      {
        vulnerability: { id: 'CVE-2021-23337', aliases: [] },
        products: [],
        subcomponents: ['pkg:npm/lodash'],
        status: 'not_affected',
        justification: 'vulnerable_code_not_in_execute_path',
        document: 'store',
        format: 'store',
      },
    ],
    { author: 'Team Plattform', timestamp: '2026-01-01T00:00:00Z' },
  );
  const [statement] = parseVex(text, 'export.openvex.json');
  assert.deepEqual(statement?.products, []);
  const finding: Omit<Finding, 'sla'> = {
    id: 'CVE-2021-23337 pkg:npm/lodash@4.17.20',
    vulnerability: {
      id: 'CVE-2021-23337',
      aliases: [],
      severity: 'HIGH',
      severitySource: { kind: 'advisory', id: 'CVE-2021-23337' },
      scores: [],
      references: [],
      source: 'x',
    },
    package: { id: 'p', name: 'lodash', version: '4.17.20', purl: 'pkg:npm/lodash@4.17.20', ecosystem: 'npm' },
    fixedVersions: [],
    fixState: 'unknown',
    details: [],
    judgement: 'open',
    suppressed: false,
    vex: null,
  };
  const [applied] = applyVex([finding], statement ? [statement] : [], { name: 'registry.example/any:1' });
  assert.equal(applied?.suppressed, true);
});
