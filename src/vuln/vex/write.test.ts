import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { VexStatement } from '../types.ts';
import { parseVex } from './read.ts';
import { toCsafVex } from './write.ts';

const image = 'pkg:oci/app@sha256%3A1111111111111111111111111111111111111111111111111111111111111111';
const base = { document: 'x', format: 'store' as const };
const statements: VexStatement[] = [
  {
    ...base,
    vulnerability: { id: 'GHSA-aaaa-bbbb-cccc', aliases: ['CVE-2024-0001'] },
    products: [image],
    subcomponents: ['pkg:npm/lodash@4.17.20'],
    status: 'not_affected',
    justification: 'vulnerable_code_not_in_execute_path',
  },
  {
    ...base,
    vulnerability: { id: 'DSA-5000-1', aliases: ['CVE-2024-0001'] },
    products: [image],
    subcomponents: ['pkg:deb/debian/openssl@3.0.11-1'],
    status: 'affected',
    actionStatement: 'update to 3.0.13-1',
  },
  {
    ...base,
    vulnerability: { id: 'GHSA-dddd-eeee-ffff', aliases: [] },
    products: [image],
    subcomponents: ['pkg:npm/express@4.17.1'],
    status: 'under_investigation',
  },
];
const options = {
  publisher: { name: 'Katalog', namespace: 'https://katalog.example' },
  title: 'VEX of app',
  trackingId: 'app-1',
  timestamp: '2026-12-01T09:00:00.000Z',
  generator: { name: 'sgci', version: '0.1.0' },
};

test('CSAF VEX: one vulnerability per CVE, components in the image as relationships, read back to the same statements', () => {
  const text = toCsafVex(statements, options);
  const doc = JSON.parse(text);
  assert.equal(doc.document.category, 'csaf_vex');
  assert.equal(doc.vulnerabilities.length, 2, 'GHSA and DSA of one CVE share its entry');
  const cve = doc.vulnerabilities[0];
  assert.equal(cve.cve, 'CVE-2024-0001');
  assert.deepEqual(
    cve.ids.map((i: { text: string }) => i.text),
    ['DSA-5000-1', 'GHSA-aaaa-bbbb-cccc'],
  );
  assert.deepEqual(cve.flags, [{ label: 'vulnerable_code_not_in_execute_path', product_ids: ['CSAFPID-P1:C1'] }]);
  assert.deepEqual(cve.remediations, [
    { category: 'mitigation', details: 'update to 3.0.13-1', product_ids: ['CSAFPID-P1:C2'] },
  ]);
  const read = parseVex(text, 'csaf.json');
  assert.deepEqual(
    read.map((s) => [
      s.vulnerability.id,
      s.status,
      s.products,
      s.subcomponents,
      s.justification ?? s.actionStatement ?? null,
    ]),
    [
      ['CVE-2024-0001', 'not_affected', [image], ['pkg:npm/lodash@4.17.20'], 'vulnerable_code_not_in_execute_path'],
      ['CVE-2024-0001', 'affected', [image], ['pkg:deb/debian/openssl@3.0.11-1'], 'update to 3.0.13-1'],
      ['GHSA-dddd-eeee-ffff', 'under_investigation', [image], ['pkg:npm/express@4.17.1'], null],
    ],
  );
  assert.equal(read[0]?.timestamp, options.timestamp);
  assert.equal(toCsafVex(statements, options), text, 'the same statements give the same bytes');
});

test('CSAF VEX: a justification CSAF has no flag for becomes the impact threat, so known_not_affected stays valid', () => {
  const text = toCsafVex([{ ...statements[0]!, justification: 'code_not_reachable' }], options);
  const [read] = parseVex(text, 'csaf.json');
  assert.equal(read?.status, 'not_affected');
  assert.equal(read?.impactStatement, 'justification: code_not_reachable');
});
