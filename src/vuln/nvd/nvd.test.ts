import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { looksLikeNvdFeed, nvdFeedItems } from './feed.ts';
import { cveSeverityOf } from './record.ts';

/** Records in NVD's CVE JSON 2.0 format, written for these tests (the ids are real, the scores are not NVD's). */
const samplePath = join(import.meta.dirname, 'testdata', 'nvdcve-2.0-sample.json');
const sample = readFileSync(samplePath);
const items = JSON.parse(sample.toString('utf8')).vulnerabilities as unknown[];

describe('NVD CVE JSON 2.0 records', () => {
  test("NVD's own (Primary) metric is taken over the CNA's; times without a zone are UTC", () => {
    assert.deepEqual(cveSeverityOf(items[0]), {
      kind: 'severity',
      row: {
        vulnerabilityId: 'CVE-2025-22866',
        source: 'NVD',
        modified: '2025-02-21T18:15:32.243Z',
        severity: [{ type: 'CVSS_V3', score: 'CVSS:3.1/AV:L/AC:H/PR:L/UI:N/S:U/C:H/I:N/A:N' }],
      },
    });
  });

  test("without NVD's own, the CNA's 4.0 and 3.1 vectors; 2.0 alone with NVD's rating", () => {
    assert.deepEqual(cveSeverityOf(items[1]), {
      kind: 'severity',
      row: {
        vulnerabilityId: 'CVE-2025-22870',
        source: 'NVD',
        modified: '2025-03-20T10:15:00.000Z',
        severity: [
          { type: 'CVSS_V4', score: 'CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:N/VA:N/SC:L/SI:L/SA:N' },
          { type: 'CVSS_V3', score: 'CVSS:3.1/AV:N/AC:H/PR:N/UI:R/S:U/C:L/I:N/A:L' },
        ],
      },
    });
    assert.deepEqual(cveSeverityOf(items[2]), {
      kind: 'severity',
      row: {
        vulnerabilityId: 'CVE-2009-0001',
        source: 'NVD',
        modified: '2018-10-11T20:57:00.000Z',
        severity: [{ type: 'CVSS_V2', score: 'AV:N/AC:L/Au:N/C:P/I:P/A:P', rating: 'HIGH' }],
      },
    });
  });

  test('rejected and not yet analysed CVEs rate nothing; a malformed one is invalid with its id', () => {
    assert.deepEqual(cveSeverityOf(items[3]), { kind: 'unrated', id: 'CVE-2024-99999' });
    assert.deepEqual(cveSeverityOf(items[4]), { kind: 'unrated', id: 'CVE-2025-47906' });
    assert.deepEqual(cveSeverityOf({ cve: { id: 'CVE-2025-1', lastModified: 'x' } }), {
      kind: 'invalid',
      id: 'CVE-2025-1',
      problem: '/cve/id Invalid string: must match pattern /^CVE-\\d{4}-\\d{4,}$/',
    });
    assert.equal(cveSeverityOf({ cve: { id: 'CVE-2025-12345', lastModified: 'yesterday' } }).kind, 'invalid');
    assert.equal(cveSeverityOf(42).kind, 'invalid');
  });
});

describe('nvdFeedItems splits an NVD document without parsing it whole', () => {
  test('each item of vulnerabilities[], byte for byte, whatever its strings hold', () => {
    assert.equal(looksLikeNvdFeed(sample), true);
    assert.equal(looksLikeNvdFeed(Buffer.from('{"id":"GHSA-1","format":"NVD_CVE"}'.padStart(5000, ' '))), false);
    const split = [...nvdFeedItems(sample, 'sample.json', 1024 * 1024)].map((text) => JSON.parse(text));
    assert.deepEqual(split, items);
  });

  test('non-object items are handed on (and rejected by the reader), other arrays are not items', () => {
    const doc = Buffer.from(
      '{"format":"NVD_CVE","other":[{"cve":1}],"vulnerabilities":[ 7 , "s]\\"," , null,{"cve":{"id":"x"}} ],"after":[{}]}',
    );
    assert.deepEqual([...nvdFeedItems(doc, 'odd.json', 1024)], ['7', '"s]\\","', 'null', '{"cve":{"id":"x"}}']);
  });

  test('hostile documents: an item past the bound and nesting past 512 levels are coded errors', () => {
    const big = Buffer.from(`{"format":"NVD_CVE","vulnerabilities":[{"cve":{"pad":"${'x'.repeat(2000)}"}}]}`);
    assert.throws(() => [...nvdFeedItems(big, 'big.json', 1024)], { code: 'LIMIT_EXCEEDED', message: /^big\.json: / });
    const deep = Buffer.from(`{"format":"NVD_CVE","vulnerabilities":[${'['.repeat(100_000)}${']'.repeat(100_000)}]}`);
    const started = performance.now();
    assert.throws(() => [...nvdFeedItems(deep, 'deep.json', 1024 * 1024)], {
      code: 'ADVISORY_INVALID',
      message: /^deep\.json: nests deeper than 512 levels/,
    });
    assert.ok(performance.now() - started < 2000);
  });
});
