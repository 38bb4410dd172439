import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { corpusDir } from '../../../test/helpers/fixtures.ts';
import { dockerfile, testContext, testImage } from '../testing.ts';
import { base003, fromPins } from './base-003-pinned-by-digest.ts';

const digest = `sha256:${'12'.repeat(32)}`;

test('a FROM pinned by digest and a base.digest annotation pass', async () => {
  const image = testImage({}, { annotations: { 'org.opencontainers.image.base.digest': digest } });
  const result = await base003.evaluate(
    testContext({ image, dockerfile: dockerfile(`FROM debian:12@${digest} AS build\nFROM build\n`) }),
  );
  assert.equal(result.status, 'pass');
});

test('a tag-only FROM fails; stage references and scratch need no pin', async () => {
  const df = dockerfile('FROM golang:1.22 AS build\nFROM build AS test\nFROM scratch\nCOPY --from=build /x /x\n');
  assert.deepEqual(
    fromPins(df).map((p) => [p.image, p.problem]),
    [['golang:1.22', 'tag-only']],
  );
  assert.equal((await base003.evaluate(testContext({ dockerfile: df }))).status, 'fail');
});

test('an image without base.digest annotation fails', async () => {
  assert.equal((await base003.evaluate(testContext({ image: testImage() }))).status, 'fail');
});

// hadolint DL3006 (untagged) and DL3007 (latest): every violation is a BASE-003 failure classified the same way;
// no no_violation case is classified untagged/latest.
const hadolint = join(corpusDir(), 'dockerfiles', 'hadolint-cases');
const cases = (
  JSON.parse(readFileSync(join(hadolint, 'expected.json'), 'utf8')) as {
    cases: { file: string; rule: string; expect: string }[];
  }
).cases.filter((c) => c.rule === 'DL3006' || c.rule === 'DL3007');

test('agrees with the hadolint DL3006/DL3007 cases', async () => {
  assert.ok(cases.length >= 12);
  for (const c of cases) {
    const df = dockerfile(readFileSync(join(hadolint, c.file), 'utf8'), c.file);
    const want = c.rule === 'DL3006' ? 'untagged' : 'latest';
    const flagged = fromPins(df).some((p) => p.problem === want);
    assert.equal(flagged, c.expect === 'violation', `${c.file}: expected ${c.expect}`);
    if (c.expect === 'violation')
      assert.equal((await base003.evaluate(testContext({ dockerfile: df }))).status, 'fail', c.file);
  }
});
