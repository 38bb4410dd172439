import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parsePolicy } from '../../policy/index.ts';
import { dockerfile, testContext, testImage } from '../testing.ts';
import { base005 } from './base-005-allowed-by-policy.ts';

const withBase = (name: string) => testImage({}, { annotations: { 'org.opencontainers.image.base.name': name } });

test('the seed categories: preferred and allowed pass, restricted warns, unknown fails', async () => {
  const expectations: [string, string][] = [
    ['alpine:3.20', 'pass'],
    ['gcr.io/distroless/static-debian12:nonroot', 'pass'],
    ['debian:bookworm-slim', 'pass'],
    ['ubuntu:24.04', 'pass'],
    ['node:22-alpine', 'warn'],
    ['python:3.12-slim', 'warn'],
    ['debian:bookworm', 'fail'],
    ['ubuntu:23.10', 'fail'],
    ['randomuser/alpine:3.20', 'fail'],
    ['evil.example/library/alpine:3.20', 'fail'],
  ];
  for (const [name, status] of expectations) {
    assert.equal((await base005.evaluate(testContext({ image: withBase(name) }))).status, status, name);
  }
});

test('FROM scratch in the final stage chain is preferred', async () => {
  const result = await base005.evaluate(
    testContext({ dockerfile: dockerfile('FROM golang:1.22 AS b\nFROM scratch\n') }),
  );
  assert.equal(result.status, 'pass');
});

test('an unidentified base is manual, never guessed from the distribution', async () => {
  const result = await base005.evaluate(testContext({ image: testImage() }));
  assert.equal(result.status, 'manual');
});

test('a policy file can add a category pattern', async () => {
  const policy = parsePolicy('version: "1"\nbaseImages:\n  allowed: ["registry.example/base/*:*"]\n', 'p.yaml');
  const result = await base005.evaluate(testContext({ policy, image: withBase('registry.example/base/java:21') }));
  assert.equal(result.status, 'pass');
});
