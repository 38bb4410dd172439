/**
 * `sgci inspect` and `sgci files`: the JSON contracts in-process through main(), and exit codes and
 * one-line errors through the real bin (a separate Node 24 process, as users run it).
 */
import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { openImage } from '../../src/oci/source/index.ts';
import { type CliResult, runMain, runSgci } from '../helpers/cli.ts';
import { fixture, fixturesMissing } from '../helpers/fixtures.ts';
import { freePort, startRegistry, type TestRegistry } from '../helpers/registry.ts';

const skip = fixturesMissing();
const cacheDir = join(tmpdir(), `sgci-cli-test-cache-${process.pid}`);

/** The real bin, with its blob cache in a temp dir, not the user's ~/.cache. */
function runBin(args: string[], options: { stdin?: string; env?: Record<string, string> } = {}): Promise<CliResult> {
  return runSgci(args, { ...options, env: { SGCI_CACHE_DIR: cacheDir, ...options.env }, timeout: 180_000 });
}

function assertOneLineError(result: { code: number; stderr: string }, pattern: RegExp): void {
  assert.equal(result.code, 2, result.stderr);
  const lines = result.stderr.trimEnd().split('\n');
  assert.equal(lines.length, 1, `one line, got: ${result.stderr}`);
  assert.match(lines[0]!, /^sgci: /);
  assert.match(lines[0]!, pattern);
  assert.doesNotMatch(result.stderr, /\n\s+at /, 'no stack trace');
}

describe('sgci inspect', { skip }, () => {
  test('JSON carries the contract fields and matches the image', async () => {
    const input = `oci-archive:${fixture('distroless-static').ociArchive}`;
    const { code, stdout } = await runMain(['inspect', input, '--format', 'json']);
    assert.equal(code, 0);
    const report = JSON.parse(stdout);
    const image = await openImage(input);
    assert.equal(report.digest, image.digest);
    assert.equal(report.mediaType, 'application/vnd.oci.image.manifest.v1+json');
    assert.deepEqual(report.platform, { os: 'linux', architecture: 'amd64' });
    assert.equal(report.config.digest, image.configDescriptor?.digest);
    assert.equal(report.config.user, '65532');
    assert.deepEqual(report.config.healthcheck.test, ['CMD', '/app/server', '--version']);
    assert.deepEqual(
      report.layers.map((l: { digest: string }) => l.digest),
      image.layers.map((l) => l.digest),
    );
    assert.deepEqual(report.totals, {
      layers: image.layers.length,
      compressedSize: image.layers.reduce((s, l) => s + l.size, 0),
    });
    assert.equal(report.labels, undefined);
    assert.equal(report.config.labels['org.opencontainers.image.title'], 'distroless-static');
    await image[Symbol.asyncDispose]();
  });

  test('secret-looking env values and build args in history are masked, in JSON and table', async () => {
    const input = `oci-dir:${fixture('debian-ssh-secrets').ociDir}`;
    const image = await openImage(input);
    const databaseUrl = (image.config.config?.Env ?? []).find((e) => e.startsWith('DATABASE_URL='))!;
    const dbPassword = /:\/\/app:([^@]+)@/.exec(databaseUrl)?.[1];
    const token = /GITHUB_TOKEN=(\S+)/.exec(image.layers.map((l) => l.createdBy).join('\n'))?.[1];
    assert.ok(dbPassword && token, 'the fixture plants both secrets');
    await image[Symbol.asyncDispose]();
    for (const format of ['json', 'table']) {
      const { code, stdout } = await runMain(['inspect', input, '--format', format]);
      assert.equal(code, 0);
      assert.ok(!stdout.includes(dbPassword), `${format}: database password not shown`);
      assert.ok(!stdout.includes(token), `${format}: token not shown`);
      assert.match(stdout, /DATABASE_URL=postgres:\/\/app:\*\*\*\*@db:5432\/app/);
      assert.match(stdout, /GITHUB_TOKEN=\*\*\*\*/);
    }
  });

  test('docker-archive says its manifest is synthesised', async () => {
    const { code, stdout } = await runMain([
      'inspect',
      `docker-archive:${fixture('debian-full').dockerArchive}`,
      '--format',
      'json',
    ]);
    assert.equal(code, 0);
    const report = JSON.parse(stdout);
    assert.equal(report.manifestSynthesized, true);
    assert.equal(report.layers[0].digest, report.layers[0].diffId, 'uncompressed layers: digest is the diffID');
  });
});

describe('sgci files', { skip }, () => {
  test('JSON equals the squashed view, entry by entry', async () => {
    const input = `docker-archive:${fixture('distroless-static').dockerArchive}`;
    const { code, stdout } = await runMain(['files', input, '--format', 'json']);
    assert.equal(code, 0);
    const { files } = JSON.parse(stdout) as { files: Record<string, unknown>[] };
    const image = await openImage(input);
    const fs = await image.filesystem({});
    const expected = [...fs.squashed.entries()].map((e) => ({
      path: e.path,
      type: e.type,
      mode: (e.mode & 0o7777).toString(8).padStart(4, '0'),
      uid: e.uid,
      gid: e.gid,
      size: e.size,
      linkTarget: e.linkTarget ?? null,
      layer: e.layer,
    }));
    assert.ok(expected.length > 100);
    assert.deepEqual(files, expected);
    await image[Symbol.asyncDispose]();
  });

  test('PATH narrows the listing; the table reads like ls -l with the layer', async () => {
    const input = `oci-dir:${fixture('distroless-static').ociDir}`;
    const { code, stdout } = await runMain(['files', input, '/app']);
    assert.equal(code, 0);
    const lines = stdout.trimEnd().split('\n');
    assert.match(lines[0]!, /^MODE\s+UID\/GID\s+SIZE\s+LAYER\s+PATH$/);
    assert.deepEqual(
      lines.slice(1).map((l) => l.split(/\s+/).at(-1)),
      ['/app', '/app/config.yaml', '/app/server'],
    );
    assert.match(lines[1]!, /^drwxr-xr-x\s+0\/0\s+0\s+1\s+\/app$/);
  });

  test('--deleted adds what a later layer whited out, with the deleting layer', async () => {
    const input = `oci-dir:${fixture('debian-ssh-secrets').ociDir}`;
    const { code, stdout } = await runMain(['files', input, '/root', '--deleted', '--format', 'json']);
    assert.equal(code, 0);
    const { files } = JSON.parse(stdout) as {
      files: { path: string; deleted?: boolean; layer: number; deletedBy?: number }[];
    };
    const credentials = files.find((f) => f.path === '/root/.aws/credentials');
    assert.deepEqual(
      credentials && { deleted: credentials.deleted, layer: credentials.layer, deletedBy: credentials.deletedBy },
      { deleted: true, layer: 2, deletedBy: 3 },
    );
    const { stdout: withoutFlag } = await runMain(['files', input, '/root', '--format', 'json']);
    assert.ok(!withoutFlag.includes('/root/.aws/credentials'));
  });
});

describe('exit codes and one-line errors of the real bin', () => {
  let basic: TestRegistry | undefined;
  let closedPort: number;

  before(async () => {
    closedPort = await freePort();
    if (!skip) {
      basic = await startRegistry({ auth: 'basic' });
      await basic.push(fixture('distroless-static').ociDir, 'private/app:v1');
    }
  });
  after(async () => {
    await basic?.stop();
    await rm(cacheDir, { recursive: true, force: true });
  });

  test('bad references, missing files, closed ports and usage errors exit 2 with one line', async () => {
    const [badRef, missing, closed, format, platform] = await Promise.all([
      runBin(['inspect', 'Not/A Reference']),
      runBin(['inspect', 'oci-archive:/nonexistent/image.tar']),
      runBin(['inspect', `127.0.0.1:${closedPort}/nothing/here:v1`]),
      runBin(['inspect', 'alpine', '--format', 'xml']),
      runBin(['files', 'dir:/nonexistent', '--platform', 'linux']),
    ]);
    assertOneLineError(badRef, /Not\/A Reference: invalid image reference: contains whitespace/);
    assertOneLineError(missing, /oci-archive:\/nonexistent\/image.tar: cannot open archive/);
    assertOneLineError(closed, new RegExp(`127\\.0\\.0\\.1:${closedPort}`));
    assert.equal(format.code, 2);
    assert.match(format.stderr, /xml/);
    assertOneLineError(platform, /--platform linux: platform must be os\/arch\[\/variant\]/);
  });

  test('Basic auth through --password-stdin: right password exit 0, wrong one exit 2 in one line', {
    skip,
  }, async () => {
    const reference = `${basic!.host}/private/app:v1`;
    const { username, password } = basic!.credentials!;
    const [good, wrong, viaEnv] = await Promise.all([
      runBin(['inspect', reference, '--format', 'json', '--username', username, '--password-stdin'], {
        stdin: `${password}\n`,
      }),
      runBin(['inspect', reference, '--username', username, '--password-stdin'], { stdin: 'wrong\n' }),
      runBin(['inspect', reference, '--format', 'json'], {
        env: { SGCI_REGISTRY_USERNAME: username, SGCI_REGISTRY_PASSWORD: password },
      }),
    ]);
    assert.equal(good.code, 0, good.stderr);
    assert.match(JSON.parse(good.stdout).digest, /^sha256:[a-f0-9]{64}$/);
    assert.equal(viaEnv.code, 0, viaEnv.stderr);
    assertOneLineError(wrong, new RegExp(basic!.host.replace(/\./g, '\\.')));
    assert.ok(!wrong.stderr.includes('wrong'), 'the password is not echoed');
  });
});
