import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, test } from 'node:test';
import { catalogerNeeds, catalogTree } from '../../catalog/index.ts';
import { defaultPolicy } from '../../policy/index.ts';
import { createSecretScanner, markHidden, scanImageConfig } from '../../secrets/index.ts';
import type { ScanContext } from '../check.ts';
import { createDigestSink } from '../facts/file-digests.ts';
import { evaluateCheck, type TestFile, testContext, testFilesystem, testImage } from '../testing.ts';
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
    // the squashed view holds this very entry when the path's visible entry is from its layer
    const tree = fs.squashed.get(entry.path)?.layer === entry.layer ? fs.squashed : undefined;
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

/** What `sgci scan` gives SEC-001 for these files: the real catalogers, secret scanner and file digests. */
async function scanned(files: TestFile[], policy = defaultPolicy): Promise<ScanContext> {
  const fs = testFilesystem(files);
  const sbom = await catalogTree(fs.squashed, { name: 'registry.example/app:1' }, catalogerNeeds());
  const scanner = createSecretScanner();
  const digests = createDigestSink();
  for (const entry of fs.squashed.entries()) {
    if (entry.type !== 'file') continue;
    const content = await fs.squashed.read(entry);
    const size = scanner.visitor.wants(entry);
    if (size !== undefined) await scanner.visitor.visit(entry, content.subarray(0, size), false);
    const writer = digests.sink.open(entry);
    writer?.write(content);
    writer?.end();
  }
  return testContext({ fs, sbom, secrets: scanner.findings(), fileDigests: await digests.result(), policy });
}

describe("secrets that ship in a published package are its author's", () => {
  // The npm package debug@2.6.9 ships its author's Coveralls token in .coveralls.yml (value replaced here).
  const coverallsToken = `${'SIAeZjKY'.toLowerCase()}${'Hk74rbcF'.repeat(2)}Xq`;
  const debug: TestFile[] = [
    { path: '/app/package.json', content: '{"name":"app","version":"1.0.0","dependencies":{"debug":"2.6.9"}}' },
    { path: '/app/node_modules/debug/package.json', content: '{"name":"debug","version":"2.6.9","license":"MIT"}' },
    { path: '/app/node_modules/debug/.coveralls.yml', content: `repo_token: ${coverallsToken}\n`, layer: 1 },
  ];

  test('a token in an npm package warns by default and names the package', async () => {
    const result = await evaluateCheck(sec001, await scanned(debug));
    assert.equal(result.status, 'warn');
    const secret = result.evidence?.find((e) => e.kind === 'secret');
    assert.deepEqual(secret?.kind === 'secret' && [secret.path, secret.layer, secret.package], [
      '/app/node_modules/debug/.coveralls.yml',
      1,
      { name: 'debug', version: '2.6.9', purl: 'pkg:npm/debug@2.6.9' },
    ]);
    assert.match(secret?.message ?? '', /shipped in package debug 2\.6\.9 \(pkg:npm\/debug@2\.6\.9\)/);
    assert.match(secret?.messageDe ?? '', /mitgeliefert im Paket debug 2\.6\.9/);
    assert.ok(!JSON.stringify(result).includes(coverallsToken));
  });

  test('the policy can make them fail the gate', async () => {
    const result = await evaluateCheck(sec001, await scanned(debug, { ...defaultPolicy, thirdPartySecrets: 'fail' }));
    assert.equal(result.status, 'fail');
  });

  test("the image's own secrets still fail, next to the package's", async () => {
    const own: TestFile = { path: '/app/.env', content: `GITHUB_TOKEN=${token}\n` };
    const result = await evaluateCheck(sec001, await scanned([...debug, own]));
    assert.equal(result.status, 'fail');
    const secrets = (result.evidence ?? []).filter((e) => e.kind === 'secret');
    assert.deepEqual(
      secrets.map((e) => [e.path, e.package?.name]),
      [
        ['/app/.env', undefined],
        ['/app/node_modules/debug/.coveralls.yml', 'debug'],
      ],
    );
    assert.match(result.evidence?.[0]?.message ?? '', /^1 secrets of the image; 1 ship inside published packages/);
  });

  test('the innermost package owns a file; the application itself owns nothing', async () => {
    const files: TestFile[] = [
      { path: '/app/package.json', content: '{"name":"app","version":"1.0.0"}' },
      { path: '/app/config.yml', content: `api_token: ${coverallsToken}\n` },
      { path: '/app/node_modules/a/package.json', content: '{"name":"a","version":"1.0.0"}' },
      { path: '/app/node_modules/a/node_modules/b/package.json', content: '{"name":"b","version":"2.0.0"}' },
      { path: '/app/node_modules/a/node_modules/b/test/.npmrc', content: `_authToken=${token}\n` },
    ];
    const result = await evaluateCheck(sec001, await scanned(files));
    assert.equal(result.status, 'fail');
    assert.deepEqual(
      (result.evidence ?? []).filter((e) => e.kind === 'secret').map((e) => [e.path, e.package?.purl]),
      [
        ['/app/config.yml', undefined],
        ['/app/node_modules/a/node_modules/b/test/.npmrc', 'pkg:npm/b@2.0.0'],
      ],
    );
  });

  test("a dpkg package's file counts as the package's only while unchanged: a password the build wrote in is the image's", async () => {
    const original = `[client]\npassword = ${coverallsToken}\n`;
    const md5 = createHash('md5').update(original).digest('hex');
    const dpkg = (content: string): TestFile[] => [
      {
        path: '/var/lib/dpkg/status',
        content: 'Package: demo-client\nStatus: install ok installed\nVersion: 1.0\nArchitecture: all\n\n',
      },
      { path: '/var/lib/dpkg/info/demo-client.list', content: '/etc/demo/client.cnf\n' },
      { path: '/var/lib/dpkg/info/demo-client.md5sums', content: `${md5}  etc/demo/client.cnf\n` },
      { path: '/etc/demo/client.cnf', content, layer: 1 },
    ];
    const shipped = await evaluateCheck(sec001, await scanned(dpkg(original)));
    assert.equal(shipped.status, 'warn');
    const secret = shipped.evidence?.find((e) => e.kind === 'secret');
    assert.equal(secret?.kind === 'secret' && secret.package?.purl, 'pkg:deb/debian/demo-client@1.0?arch=all');
    const edited = await evaluateCheck(sec001, await scanned(dpkg(`[client]\npassword = ${token}\n`)));
    assert.equal(edited.status, 'fail');
  });
});
