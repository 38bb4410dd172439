import assert from 'node:assert/strict';
import { test } from 'node:test';
import { generateP256 } from '../keys/index.ts';
import { compileRepositoryPattern } from './pattern.ts';
import { keysForRepository } from './trusted-keys.ts';

test('repository patterns: * is one segment, ** any depth, dots are literal', () => {
  const one = compileRepositoryPattern('registry.example.de/team/*');
  assert.ok(one('registry.example.de/team/app'));
  assert.ok(!one('registry.example.de/team/app/sub'));
  assert.ok(!one('registryXexample.de/team/app'));
  const any = compileRepositoryPattern('registry.example.de/**');
  assert.ok(any('registry.example.de/a/b/c'));
  assert.ok(!any('other.example.de/a'));
  assert.ok(compileRepositoryPattern('**')('docker.io/library/alpine'));
});

test('keys for a repository: all matching rules in order, each key once', () => {
  const a = { name: 'a.pub', key: generateP256().publicKey };
  const b = { name: 'b.pub', key: generateP256().publicKey };
  const rules = [
    { pattern: 'reg.de/team/*', keys: [a] },
    { pattern: 'reg.de/**', keys: [b, a] },
    { pattern: 'other.de/**', keys: [b] },
  ];
  assert.deepEqual(
    keysForRepository(rules, 'reg.de/team/app').map((k) => k.name),
    ['a.pub', 'b.pub'],
  );
  assert.deepEqual(
    keysForRepository(rules, 'reg.de/x/y').map((k) => k.name),
    ['b.pub', 'a.pub'],
  );
  assert.deepEqual(keysForRepository(rules, 'quay.io/x'), []);
});
