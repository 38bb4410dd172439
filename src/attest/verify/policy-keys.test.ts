import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { isSgciError } from '../../core/index.ts';
import { generateP256, publicKeyPem } from '../keys/index.ts';
import { trustedKeyRulesFromPolicy } from './policy-keys.ts';
import { keysForRepository } from './trusted-keys.ts';

test('policy trusted keys: paths relative to the policy, inline PEM, repository patterns', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'sgci-policy-keys-'));
  try {
    const team = generateP256().publicKey;
    const global = generateP256().publicKey;
    await writeFile(join(dir, 'team.pub'), publicKeyPem(team));
    const rules = await trustedKeyRulesFromPolicy(
      [{ key: 'team.pub', repositories: ['registry.example.de/team/*'] }, publicKeyPem(global)],
      dir,
    );
    assert.deepEqual(
      keysForRepository(rules, 'registry.example.de/team/app').map((k) => k.name),
      ['team.pub', rules[1]!.keys[0]!.name],
    );
    assert.match(rules[1]!.keys[0]!.name, /^inline:/);
    assert.equal(keysForRepository(rules, 'docker.io/library/debian').length, 1);
    await assert.rejects(trustedKeyRulesFromPolicy(['missing.pub'], dir), (e) => isSgciError(e, 'KEY_INVALID'));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
