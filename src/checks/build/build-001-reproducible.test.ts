import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { corpusDir } from '../../../test/helpers/fixtures.ts';
import { dockerfile, evaluateCheck, testContext, testFilesystem, testImage } from '../testing.ts';
import { addFindings, build001 } from './build-001-reproducible.ts';

const created = '2025-05-20T00:00:00Z';
const epoch = Date.parse(created) / 1000;

test('mtimes clamped to the creation time pass; one newer file warns and is named', async () => {
  const image = testImage({}, { created });
  const clamped = testFilesystem([
    { path: '/app/a', mtime: epoch },
    { path: '/app/b', mtime: epoch - 10 },
  ]);
  assert.equal((await evaluateCheck(build001, testContext({ image, fs: clamped }))).status, 'pass');
  const loose = testFilesystem([
    { path: '/app/a', mtime: epoch },
    { path: '/app/late', mtime: epoch + 3600, layer: 1 },
  ]);
  const result = await evaluateCheck(build001, testContext({ image, fs: loose }));
  assert.equal(result.status, 'warn');
  assert.ok(result.evidence?.some((e) => e.kind === 'file' && e.path === '/app/late' && e.layer === 1));
});

test('ADD of a remote URL without --checksum warns; with --checksum it does not', () => {
  const df = dockerfile(
    'FROM alpine:3.20\nADD https://example.org/a.tgz /a\nADD --checksum=sha256:00 https://example.org/b.tgz /b\n',
  );
  assert.deepEqual(
    addFindings(df).map((e) => e.line),
    [2],
  );
});

// hadolint DL3020: ADD of a plain local file (not an archive, not a URL) should be COPY.
const hadolint = join(corpusDir(), 'dockerfiles', 'hadolint-cases');
const cases = (
  JSON.parse(readFileSync(join(hadolint, 'expected.json'), 'utf8')) as {
    cases: { file: string; rule: string; expect: string }[];
  }
).cases.filter((c) => c.rule === 'DL3020');

test('agrees with the hadolint DL3020 cases on ADD of plain files', () => {
  assert.ok(cases.length >= 11);
  for (const c of cases) {
    const text = readFileSync(join(hadolint, c.file), 'utf8');
    const df = dockerfile(text.startsWith('FROM') ? text : `FROM scratch\n${text}`, c.file);
    const plain = addFindings(df).some((e) => e.message?.includes('use COPY'));
    assert.equal(plain, c.expect === 'violation', c.file);
  }
});
