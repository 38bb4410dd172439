import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { corpusDir } from '../../../test/helpers/fixtures.ts';
import { dockerfile, manifests, testContext, testImage } from '../testing.ts';
import { run008 } from './run-008-health-probes.ts';

test('config Healthcheck passes; NONE and absent fail', async () => {
  assert.equal(
    (await run008.evaluate(testContext({ image: testImage({ Healthcheck: { Test: ['CMD', '/app', '--health'] } }) })))
      .status,
    'pass',
  );
  assert.equal(
    (await run008.evaluate(testContext({ image: testImage({ Healthcheck: { Test: ['NONE'] } }) }))).status,
    'fail',
  );
  assert.equal((await run008.evaluate(testContext({ image: testImage() }))).status, 'fail');
});

test('probes on every (non-init) container pass', async () => {
  const m = manifests(`kind: DaemonSet
metadata: {name: agent}
spec:
  template:
    spec:
      initContainers: [{name: setup}]
      containers: [{name: a, readinessProbe: {httpGet: {path: /ready, port: 8080}}}]
`);
  assert.equal((await run008.evaluate(testContext({ image: testImage(), manifests: m }))).status, 'pass');
});

test('HEALTHCHECK in the final stage (inherited through FROM <stage>) counts; in a build stage it does not', async () => {
  assert.equal(
    (
      await run008.evaluate(
        testContext({ dockerfile: dockerfile('FROM alpine AS base\nHEALTHCHECK CMD true\nFROM base\n') }),
      )
    ).status,
    'pass',
  );
  assert.equal(
    (
      await run008.evaluate(
        testContext({ dockerfile: dockerfile('FROM alpine AS b\nHEALTHCHECK CMD true\nFROM scratch\n') }),
      )
    ).status,
    'fail',
  );
  assert.equal(
    (await run008.evaluate(testContext({ dockerfile: dockerfile('FROM alpine\nHEALTHCHECK NONE\n') }))).status,
    'fail',
  );
});

// The corpus's line-based facts say which real-world Dockerfiles have a HEALTHCHECK anywhere: those without one
// never pass from the Dockerfile alone, and for those with one the parser finds it.
test('agrees with the corpus facts on HEALTHCHECK in real-world Dockerfiles', async () => {
  const dir = join(corpusDir(), 'dockerfiles', 'real-world');
  const facts = JSON.parse(readFileSync(join(dir, 'derived-facts.json'), 'utf8')) as {
    files: Record<string, { has_healthcheck: boolean }>;
  };
  let withHealthcheck = 0;
  for (const [file, fact] of Object.entries(facts.files)) {
    if (file.endsWith('.template')) continue; // Jinja-like templates, not Dockerfiles
    const df = dockerfile(readFileSync(join(dir, file), 'utf8'), file);
    const found = df.stages.some((s) => s.instructions.some((i) => i.keyword === 'HEALTHCHECK'));
    assert.equal(found, fact.has_healthcheck, file);
    if (fact.has_healthcheck) withHealthcheck++;
    else assert.equal((await run008.evaluate(testContext({ dockerfile: df }))).status, 'fail', file);
  }
  assert.ok(withHealthcheck >= 1);
});
