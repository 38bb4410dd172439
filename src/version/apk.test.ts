import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import fc from 'fast-check';
import { apkScheme } from './apk.ts';
import { assertTotalOrder } from './testdata/oracles.ts';

/** A file of versions in apk-tools' order (see its header): the chain, with ties, and the rejected versions. */
function readOrder(name: string): { chain: { version: string; equalToPrevious: boolean }[]; rejected: string[] } {
  const lines = readFileSync(join(import.meta.dirname, 'testdata', name), 'utf8').split('\n');
  const chain: { version: string; equalToPrevious: boolean }[] = [];
  const rejected: string[] = [];
  for (const line of lines) {
    if (line === '' || line.startsWith('#')) continue;
    if (line.startsWith('! ')) rejected.push(line.slice(2));
    else if (line.startsWith('= ')) chain.push({ version: line.slice(2), equalToPrevious: true });
    else chain.push({ version: line, equalToPrevious: false });
  }
  return { chain, rejected };
}

/** Disagreements between our scheme and a recorded apk-tools order, as readable lines. */
function disagreementsWith(name: string): string[] {
  const { chain, rejected } = readOrder(name);
  const problems = [
    ...chain.filter((c) => !apkScheme.valid(c.version)).map((c) => `${c.version}: apk-tools accepts it, ours rejects`),
    ...rejected.filter((v) => apkScheme.valid(v)).map((v) => `${v}: apk-tools rejects it, ours accepts`),
  ];
  for (let i = 1; i < chain.length; i++) {
    const prev = chain[i - 1]?.version as string;
    const { version, equalToPrevious } = chain[i] as (typeof chain)[number];
    const ours = apkScheme.compare(prev, version);
    if (equalToPrevious ? ours !== 0 : ours >= 0) {
      problems.push(
        `${prev} vs ${version}: apk-tools ${equalToPrevious ? '=' : '<'}, ours ${ours < 0 ? '<' : ours > 0 ? '>' : '='}`,
      );
    }
  }
  return problems;
}

test('apk ordering equals apk-tools 2.14.9 on 3,800 generated and real Alpine versions (validity and order)', () => {
  const { chain, rejected } = readOrder('apk-tools-2.14.9-order.txt');
  assert.ok(chain.length > 1400 && rejected.length > 1000, 'the recorded order covers both valid and invalid versions');
  assert.deepEqual(disagreementsWith('apk-tools-2.14.9-order.txt'), []);
});

test('apk ordering equals apk-tools 3.0.6 on versions with a ~hash commit component', () => {
  assert.deepEqual(disagreementsWith('apk-tools-3.0.6-hash-order.txt'), []);
});

test("apk: digits after a letter (sudo's 1.9.5p2) are a version and order numerically", () => {
  for (const v of ['1.9.5p2-r0', '1.9.5p10-r0', '1.0a1b2', '2.3.4a10.5']) assert.ok(apkScheme.valid(v), v);
  const ascending = ['1.9.5-r0', '1.9.5p1-r0', '1.9.5p2-r0', '1.9.5p2-r1', '1.9.5p10-r0', '1.9.6-r0', '1.9.12_p2-r1'];
  for (let i = 1; i < ascending.length; i++) {
    assert.ok(
      apkScheme.compare(ascending[i - 1] as string, ascending[i] as string) < 0,
      `${ascending[i - 1]} < ${ascending[i]}`,
    );
  }
});

test('apk: suffixes, letters, leading zeros, revisions and hashes', () => {
  // In apk-tools' order (checked with the real apk-tools 2.14.9 and, for the ~hash ones, 3.0.6): a component after a
  // dot with leading zeros sorts like a decimal fraction, below the suffixes of the shorter version.
  const ascending = [
    '1.001',
    '1.0_alpha1',
    '1.0_beta',
    '1.0_pre2',
    '1.0_rc1',
    '1.0',
    '1.0-r1',
    '1.0~abc',
    '1.0~abc-r1',
    '1.0_p1',
    '1.0a',
    '1.0.1',
    '1.01',
    '1.1',
    '1.1.1d-r2',
    '1.1.1d-r10',
    '1.1.1k-r0',
    '1.2',
  ];
  for (let i = 1; i < ascending.length; i++) {
    assert.ok(
      apkScheme.compare(ascending[i - 1] as string, ascending[i] as string) < 0,
      `${ascending[i - 1]} < ${ascending[i]}`,
    );
  }
  for (const v of ['', 'A1', '1.0-rx', '1.0_x', '1.0~', '1.0~AB', '1.0~ab~cd', '1.0-r1~ab', '123456789012345678']) {
    assert.equal(apkScheme.valid(v), false, JSON.stringify(v));
  }
});

test('apk ordering is a total order on generated versions (antisymmetric, transitive)', () => {
  const part = fc.constantFrom(
    '.0',
    '.1',
    '.01',
    '.10',
    'a',
    'p',
    '1',
    '_rc1',
    '_p2',
    '_alpha',
    '~ab',
    '-r1',
    '-r2',
    'X',
  );
  const version = fc
    .tuple(fc.constantFrom('0', '1', '2'), fc.array(part, { maxLength: 5 }))
    .map(([h, t]) => h + t.join(''));
  assertTotalOrder(apkScheme, version, 11);
});
