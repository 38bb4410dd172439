import assert from 'node:assert/strict';
import { test } from 'node:test';
import { canonicalJson, isSgciError, jsonDepthExceeded, maxJsonDepth, parseUntrustedJson } from './index.ts';

test('the depth scan counts brackets outside strings only', () => {
  assert.equal(jsonDepthExceeded('{"a":[1,{"b":"[[[[{{{{"}]}', 3), undefined);
  assert.equal(jsonDepthExceeded('{"a":"\\"[[[[","b":"\\\\"}', 1), undefined);
  assert.equal(jsonDepthExceeded('[[[]]]', 2), 2);
  assert.equal(jsonDepthExceeded(`${'['.repeat(maxJsonDepth)}${']'.repeat(maxJsonDepth)}`), undefined);
});

test('a document nested 100k deep is a coded one-line error naming the input, in bounded time', () => {
  const deep = `{"components":${'[{"components":'.repeat(100_000)}[]${'}]'.repeat(100_000)}}`;
  const started = performance.now();
  assert.throws(
    () => parseUntrustedJson(deep, 'deep.json', 'SBOM_INVALID', 'SBOM'),
    (error) =>
      isSgciError(error, 'SBOM_INVALID') &&
      error.message.startsWith(`deep.json: SBOM nests deeper than ${maxJsonDepth} levels`),
  );
  assert.ok(performance.now() - started < 2000);
});

test('a syntax error keeps the parser message, coded', () => {
  assert.throws(
    () => parseUntrustedJson('{"a":', 'x.json', 'VEX_INVALID', 'VEX document'),
    (error) => isSgciError(error, 'VEX_INVALID') && /^x\.json: VEX document is not JSON: /.test(error.message),
  );
  assert.deepEqual(parseUntrustedJson('{"a":[1]}', 'ok.json', 'VEX_INVALID', 'VEX document'), { a: [1] });
});

test('canonical JSON orders keys at every level, whatever order an object was built or stored in', () => {
  const value = {
    b: [{ z: 1, a: undefined, f: () => 1 }, undefined, new Date(0)],
    a: { y: null, x: 'é' },
    '10': 1,
    '9': 2,
    '01': 3,
    Z: true,
  };
  const expected =
    '{"9":2,"10":1,"01":3,"Z":true,"a":{"x":"é","y":null},"b":[{"z":1},null,"1970-01-01T00:00:00.000Z"]}';
  assert.equal(canonicalJson(value), expected);
  assert.equal(canonicalJson(JSON.parse(JSON.stringify(value))), expected, 'the same after a round trip');
  assert.equal(canonicalJson(JSON.parse('{"x":1,"__proto__":{"b":1,"a":2}}')), '{"__proto__":{"a":2,"b":1},"x":1}');
  assert.equal(canonicalJson('x'), '"x"');
});
