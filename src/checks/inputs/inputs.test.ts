import assert from 'node:assert/strict';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { isSgciError } from '../../core/index.ts';
import { finalStage, lastInstruction, parseDockerfile, stageChain } from './dockerfile.ts';
import { parseManifests, readManifests } from './manifests.ts';

test('Dockerfile: ARG defaults resolve FROM, stage references link, instructions keep lines and flags', () => {
  const df = parseDockerfile(
    // biome-ignore lint/suspicious/noTemplateCurlyInString: Dockerfile variables, not JS templates
    'ARG BASE=debian:12-slim\nARG TAG\nFROM ${BASE} AS build\nRUN make\nFROM build AS test\nFROM registry.example/x:${TAG}\nCOPY --from=build --chown=1:1 /out /app\nUSER 65532\n',
    'Dockerfile',
  );
  assert.deepEqual(
    df.stages.map((s) => [s.name, s.from.image, s.from.stage, s.from.unresolved, s.from.tag]),
    [
      ['build', 'debian:12-slim', undefined, false, '12-slim'],
      ['test', 'build', 0, false, undefined],
      // an ARG without default stays a variable: unresolved, never guessed
      // biome-ignore lint/suspicious/noTemplateCurlyInString: Dockerfile variables, not JS templates
      [undefined, 'registry.example/x:${TAG}', undefined, true, '${TAG}'],
    ],
  );
  const last = finalStage(df);
  assert.ok(last);
  assert.deepEqual(last.instructions.find((i) => i.keyword === 'COPY')?.flags, { from: 'build', chown: '1:1' });
  assert.equal(lastInstruction(df, last, 'USER')?.instruction.line, 8);
  const test1 = df.stages[1];
  assert.ok(test1);
  assert.deepEqual(
    stageChain(df, test1).map((s) => s.index),
    [1, 0],
  );
});

test('Dockerfile: an instruction before FROM is DOCKERFILE_INVALID naming the line', () => {
  assert.throws(
    () => parseDockerfile('RUN echo\nFROM scratch\n', 'bad/Dockerfile'),
    (e: unknown) =>
      isSgciError(e, 'DOCKERFILE_INVALID') && /bad\/Dockerfile: line 1: RUN before the first FROM/.test(e.message),
  );
});

const helm = `---
# Source: app/templates/service.yaml
apiVersion: v1
kind: Service
metadata: {name: web}
---
# Source: app/templates/deployment.yaml
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  template:
    metadata:
      annotations: {container.apparmor.security.beta.kubernetes.io/web: runtime/default}
    spec:
      initContainers: [{name: migrate, image: app:1}]
      containers: [{name: web, image: app:1}]
---
---
apiVersion: v1
kind: List
items:
  - {kind: Job, metadata: {name: once}, spec: {template: {spec: {containers: [{name: job}]}}}}
`;

test('manifests: rendered Helm output, empty documents, List items, init containers, template annotations', () => {
  const { workloads, other } = parseManifests(helm, 'rendered.yaml');
  assert.equal(other, 1);
  assert.deepEqual(
    workloads.map((w) => [
      w.kind,
      w.name,
      w.document,
      w.containers.map((c) => `${c.init ? 'init:' : ''}${c.name}`).join(','),
    ]),
    [
      ['Deployment', 'web', 1, 'web,init:migrate'],
      ['Job', 'once', 3, 'job'],
    ],
  );
  assert.equal(workloads[0]?.annotations['container.apparmor.security.beta.kubernetes.io/web'], 'runtime/default');
});

test('manifests: broken YAML, a wrong field type and an alias bomb are MANIFESTS_INVALID, not a crash', () => {
  const bomb = `a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]\ne: [*d, *d, *d, *d, *d, *d, *d, *d, *d]\n`;
  for (const text of [
    'kind: Pod\nspec: [\n',
    'kind: Pod\nmetadata: {name: p}\nspec: {containers: [{name: a, securityContext: {privileged: "yes"}}]}\n',
    bomb,
  ]) {
    assert.throws(
      () => parseManifests(text, 'm.yaml'),
      (e: unknown) =>
        isSgciError(e) && ['MANIFESTS_INVALID', 'LIMIT_EXCEEDED'].includes(e.code) && e.message.startsWith('m.yaml'),
      text.slice(0, 30),
    );
  }
});

test('readManifests walks a directory in sorted order and refuses one without workloads', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'sgci-manifests-'));
  await writeFile(join(dir, 'b.yaml'), 'kind: Pod\nmetadata: {name: b}\nspec: {containers: [{name: c}]}\n');
  await writeFile(join(dir, 'a.yml'), 'kind: Pod\nmetadata: {name: a}\nspec: {containers: [{name: c}]}\n');
  await writeFile(join(dir, 'notes.txt'), 'kind: Pod\n');
  const input = await readManifests(dir);
  assert.deepEqual(
    input.workloads.map((w) => w.name),
    ['a', 'b'],
  );
  const empty = await mkdtemp(join(tmpdir(), 'sgci-manifests-'));
  await writeFile(join(empty, 'svc.yaml'), 'kind: Service\nmetadata: {name: s}\n');
  await assert.rejects(
    readManifests(empty),
    (e: unknown) => isSgciError(e, 'MANIFESTS_INVALID') && /no workload/.test(e.message),
  );
});
