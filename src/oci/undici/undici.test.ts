import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { test } from 'node:test';
import * as parts from './index.ts';

test("the undici parts sgci uses (registry client, Debian sources) are the objects undici's index exports", () => {
  const undici = createRequire(import.meta.url)('undici') as typeof import('undici');
  assert.equal(parts.Agent, undici.Agent);
  assert.equal(parts.EnvHttpProxyAgent, undici.EnvHttpProxyAgent);
  assert.equal(parts.buildConnector, undici.buildConnector);
  assert.equal(parts.errors, undici.errors);
  assert.equal(parts.Dispatcher, undici.Dispatcher);
  for (const method of ['request', 'stream', 'pipeline', 'connect', 'upgrade'] as const)
    assert.equal(typeof new parts.Agent()[method], 'function', `Agent.prototype.${method}`);
});
