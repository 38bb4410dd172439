import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createSecretScanner, markHidden, scanImageConfig } from '../../secrets/index.ts';
import { testContext, testFilesystem, testImage } from '../testing.ts';
import { sec001 } from './sec-001-no-secrets.ts';

// Built at run time so that no secret-shaped literal sits in the repository.
const token = `ghp_${'A1b2C3d4E5'.repeat(3)}Zy9X8w`;

test('a token in a file deleted later is still a failure, named by path and layer, never by value', async () => {
  const files = [{ path: '/app/run.sh', content: '#!/bin/sh\nexec app\n' }];
  const hidden = [{ path: '/root/.config/gh/token.env', content: `GITHUB_TOKEN=${token}\n`, layer: 1 }];
  const fs = testFilesystem(files, hidden);
  const scanner = createSecretScanner();
  for (const entry of [...fs.squashed.entries(), ...fs.hidden]) {
    const size = scanner.visitor.wants(entry);
    if (size === undefined) continue;
    const tree = fs.squashed.get(entry.path) === entry ? fs.squashed : undefined;
    const content = tree ? await tree.read(entry) : new TextEncoder().encode(`GITHUB_TOKEN=${token}\n`);
    await scanner.visitor.visit(entry, content, false);
  }
  const secrets = markHidden(scanner.findings(), fs);
  const result = await sec001.evaluate(testContext({ fs, secrets }));
  assert.equal(result.status, 'fail');
  const evidence = result.evidence ?? [];
  assert.ok(evidence.some((e) => e.kind === 'secret' && e.path === '/root/.config/gh/token.env' && e.layer === 1));
  assert.ok(evidence.some((e) => e.message?.includes('removed by a later layer')));
  assert.ok(!JSON.stringify(result).includes(token));
});

test('a secret in Env is named by its field', async () => {
  const image = testImage({ Env: [`GITHUB_TOKEN=${token}`] });
  const secrets = scanImageConfig(image.config);
  const result = await sec001.evaluate(testContext({ image, secrets }));
  assert.equal(result.status, 'fail');
  assert.ok(result.evidence?.some((e) => e.kind === 'secret' && e.location === 'env'));
  assert.ok(!JSON.stringify(result).includes(token));
});

test('no findings pass; a scanner that did not run is not-applicable', async () => {
  assert.equal((await sec001.evaluate(testContext({ secrets: [] }))).status, 'pass');
  assert.equal((await sec001.evaluate(testContext())).status, 'not-applicable');
});
