import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseAuthChallenges } from './auth-challenge.ts';

test('a Bearer challenge keeps commas inside quoted scope values', () => {
  const [challenge, ...rest] = parseAuthChallenges(
    'Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/alpine:pull,push",error="insufficient_scope"',
  );
  assert.deepEqual(rest, []);
  assert.deepEqual(challenge, {
    scheme: 'bearer',
    params: {
      realm: 'https://auth.docker.io/token',
      service: 'registry.docker.io',
      scope: 'repository:library/alpine:pull,push',
      error: 'insufficient_scope',
    },
  });
});

test('several challenges in one header value are told apart by their scheme token', () => {
  const challenges = parseAuthChallenges('Basic realm="Registry Realm", Bearer realm="https://r/token", service=reg');
  assert.deepEqual(
    challenges.map((c) => [c.scheme, c.params]),
    [
      ['basic', { realm: 'Registry Realm' }],
      ['bearer', { realm: 'https://r/token', service: 'reg' }],
    ],
  );
});

test('escaped quotes, odd spacing and upper-case names are normalised', () => {
  const [challenge] = parseAuthChallenges('BEARER  Realm = "a\\"b" ,  Service="s"');
  assert.deepEqual(challenge, { scheme: 'bearer', params: { realm: 'a"b', service: 's' } });
});

test('a token68 challenge is skipped without swallowing the next challenge', () => {
  const challenges = parseAuthChallenges('Negotiate abc123==, Basic realm="x"');
  assert.deepEqual(
    challenges.map((c) => c.scheme),
    ['negotiate', 'basic'],
  );
  assert.equal(challenges[1]?.params.realm, 'x');
});

test('several header lines are all read; garbage yields no challenge rather than a throw', () => {
  assert.equal(parseAuthChallenges(['Basic realm="a"', 'Bearer realm="b"']).length, 2);
  assert.deepEqual(parseAuthChallenges('=,,"'), []);
  assert.deepEqual(parseAuthChallenges(undefined), []);
  const [unterminated] = parseAuthChallenges('Bearer realm="https://x/token');
  assert.equal(unterminated?.params.realm, 'https://x/token');
});

test('a hostile header with thousands of challenges is cut off quickly', () => {
  const started = performance.now();
  const challenges = parseAuthChallenges(`${'X, '.repeat(200_000)}Bearer realm="late"`);
  assert.ok(performance.now() - started < 1000, 'bounded work');
  assert.equal(challenges.length, 16);
});
