import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isSgciError, jsonDepthExceeded, maxJsonDepth, parseUntrustedJson } from './index.ts';

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
