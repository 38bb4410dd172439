/**
 * The registry client against the real CNCF distribution registry (Debian docker-registry) on
 * loopback, with no auth, htpasswd Basic auth and Bearer tokens from a test token issuer. Images
 * are pushed with skopeo, the reference tool, and read back with our client.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtemp, open, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { BlobCache } from '../../src/cache/index.ts';
import {
  type Digest,
  defaultLimits,
  isSgciError,
  type Logger,
  silentLogger,
  withLimits,
} from '../../src/core/index.ts';
import { ImageManifest } from '../../src/oci/image/schema.ts';
import type { RegistryReference } from '../../src/oci/reference/types.ts';
import { credentialsFromDocker, RegistryClient, staticCredentials } from '../../src/oci/registry/index.ts';
import { fixture, fixtureNames, fixturesMissing } from '../helpers/fixtures.ts';
import { freePort, skopeoInspectRaw, startRegistry, type TestRegistry } from '../helpers/registry.ts';

const skip = fixturesMissing();
const sha256 = (bytes: Uint8Array) => `sha256:${createHash('sha256').update(bytes).digest('hex')}`;

async function readAll(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function manifestOf(bytes: Uint8Array): ImageManifest {
  return ImageManifest.parse(JSON.parse(Buffer.from(bytes).toString('utf8')));
}

describe('registry without auth', { skip }, () => {
  let registry: TestRegistry;
  let cacheDir: string;
  let cache: BlobCache;
  let client: RegistryClient;
  const ref = (name: string, tag = 'v1'): RegistryReference => ({
    registry: registry.host,
    repository: `fixtures/${name}`,
    tag,
  });

  before(async () => {
    registry = await startRegistry({ auth: 'none' });
    for (const name of fixtureNames) await registry.push(fixture(name).ociDir, `fixtures/${name}:v1`);
    cacheDir = await mkdtemp(join(tmpdir(), 'sgci-cache-'));
    cache = new BlobCache({ dir: cacheDir });
    client = new RegistryClient({ limits: defaultLimits, cache });
  });

  after(async () => {
    await client?.close();
    await registry?.stop();
    if (cacheDir) await rm(cacheDir, { recursive: true, force: true });
  });

  test('manifests of the five fixtures are byte-equal to skopeo inspect --raw, digests verified', async () => {
    for (const name of fixtureNames) {
      const raw = await skopeoInspectRaw(registry, `fixtures/${name}:v1`);
      const byTag = await client.getManifest(ref(name));
      assert.equal(byTag.digest, sha256(raw), name);
      assert.deepEqual(Buffer.from(byTag.bytes), raw, name);
      assert.equal(byTag.mediaType, 'application/vnd.oci.image.manifest.v1+json');
      const head = await client.headManifest(ref(name));
      assert.deepEqual(head, { digest: byTag.digest, mediaType: byTag.mediaType, size: raw.length, source: 'head' });
      const byDigest = await client.getManifest({ ...ref(name), tag: undefined, digest: byTag.digest });
      assert.equal(byDigest.digest, byTag.digest);
    }
  });

  test('every blob streams verified, equal to the OCI layout, and lands in the cache', async () => {
    for (const name of fixtureNames) {
      const manifest = manifestOf((await client.getManifest(ref(name))).bytes);
      for (const descriptor of [manifest.config, ...manifest.layers]) {
        const bytes = await readAll(await client.getBlob(ref(name), descriptor));
        const hex = descriptor.digest.slice('sha256:'.length);
        const original = await readFile(join(fixture(name).ociDir, 'blobs', 'sha256', hex));
        assert.ok(bytes.equals(original), `${name} ${descriptor.digest}`);
        assert.equal(await cache.has(descriptor.digest as Digest), true);
      }
    }
    const info = await cache.info();
    assert.ok(info.entries >= fixtureNames.length * 2, `cache holds ${info.entries} blobs`);
  });

  test('a cached blob is served without the registry', async () => {
    const manifest = manifestOf((await client.getManifest(ref('distroless-static'))).bytes);
    const gone: RegistryReference = {
      registry: `127.0.0.1:${await freePort()}`,
      repository: 'fixtures/gone',
      tag: 'v1',
    };
    const offline = new RegistryClient({ limits: defaultLimits, cache, retry: { attempts: 1 } });
    try {
      const config = await offline.getBlobBytes(gone, manifest.config, 1024 * 1024);
      assert.equal(sha256(config), manifest.config.digest);
      await assert.rejects(offline.getManifest(gone), (error) => isSgciError(error, 'REGISTRY_UNREACHABLE'));
    } finally {
      await offline.close();
    }
  });

  test('a cached blob damaged on disk fails verification, is dropped, and the next read refetches it', async () => {
    const manifest = manifestOf((await client.getManifest(ref('distroless-static'))).bytes);
    const config = manifest.config;
    const path = cache.pathOf(config.digest as Digest);
    const good = await readFile(path);
    const bad = Buffer.from(good);
    bad[0] = (bad[0] ?? 0) ^ 0xff;
    await writeFile(path, bad);
    await assert.rejects(client.getBlobBytes(ref('distroless-static'), config, 1024 * 1024), (error) => {
      assert.ok(isSgciError(error, 'DIGEST_MISMATCH'));
      assert.match(error.message, new RegExp(`\\(cached\\): content does not match digest ${config.digest}`));
      return true;
    });
    assert.equal(await cache.has(config.digest as Digest), false);
    const refetched = await client.getBlobBytes(ref('distroless-static'), config, 1024 * 1024);
    assert.ok(Buffer.from(refetched).equals(good));
    assert.ok((await readFile(path)).equals(good), 'the cache holds the good bytes again');
  });

  test('a missing tag is SOURCE_NOT_FOUND naming the reference', async () => {
    await assert.rejects(client.getManifest(ref('python-app', 'no-such-tag')), (error) => {
      assert.ok(isSgciError(error, 'SOURCE_NOT_FOUND'));
      assert.match(error.message, new RegExp(`^${registry.host}/fixtures/python-app:no-such-tag: manifest not found`));
      return true;
    });
  });

  test('getBlobBytes refuses a blob bigger than asked for before reading it', async () => {
    const manifest = manifestOf((await client.getManifest(ref('python-app'))).bytes);
    const layer = manifest.layers[0];
    assert.ok(layer);
    await assert.rejects(client.getBlobBytes(ref('python-app'), layer, 1024), (error) =>
      isSgciError(error, 'LIMIT_EXCEEDED'),
    );
    const small = new RegistryClient({ limits: withLimits({ maxManifestBytes: 100 }) });
    try {
      await assert.rejects(small.getManifest(ref('python-app')), (error) => {
        assert.ok(isSgciError(error, 'LIMIT_EXCEEDED'));
        assert.match(error.message, /limit is 100/);
        return true;
      });
    } finally {
      await small.close();
    }
  });

  test('push blob and manifest, list tags across pages, referrers fall back to undefined', async () => {
    const target: RegistryReference = { registry: registry.host, repository: 'pushed/app', tag: 'one' };
    const config = Buffer.from('{"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":[]}}');
    const pushedConfig = await client.pushBlob(target, config);
    assert.deepEqual(pushedConfig, { digest: sha256(config), size: config.length });
    assert.deepEqual(await client.pushBlob(target, config), pushedConfig, 'second push is skipped by HEAD');
    const manifest = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: 'application/vnd.oci.image.manifest.v1+json',
        config: { mediaType: 'application/vnd.oci.image.config.v1+json', ...pushedConfig },
        layers: [],
      }),
    );
    const digest = await client.pushManifest(target, manifest, 'application/vnd.oci.image.manifest.v1+json');
    assert.equal(digest, sha256(manifest));
    for (const tag of ['two', 'three', 'four', 'five']) {
      await client.pushManifest({ ...target, tag }, manifest, 'application/vnd.oci.image.manifest.v1+json');
    }
    const tags = await client.listTags(target, { pageSize: 2 });
    assert.deepEqual([...tags].sort(), ['five', 'four', 'one', 'three', 'two']);
    assert.equal((await client.getManifest({ ...target, tag: 'three' })).digest, digest);
    assert.equal(await client.referrers({ ...target, tag: undefined, digest }), undefined);
  });
});

describe('registry storage tampered with', { skip }, () => {
  let registry: TestRegistry;
  let client: RegistryClient;
  let cache: BlobCache;
  let cacheDir: string;
  const ref = (): RegistryReference => ({ registry: registry.host, repository: 'fixtures/tampered', tag: 'v1' });

  before(async () => {
    registry = await startRegistry({ auth: 'none' });
    await registry.push(fixture('distroless-static').ociDir, 'fixtures/tampered:v1');
    cacheDir = await mkdtemp(join(tmpdir(), 'sgci-cache-'));
    cache = new BlobCache({ dir: cacheDir });
    client = new RegistryClient({ limits: defaultLimits, cache });
  });

  after(async () => {
    await client?.close();
    await registry?.stop();
    if (cacheDir) await rm(cacheDir, { recursive: true, force: true });
  });

  async function flipByte(digest: string): Promise<void> {
    const file = await open(registry.blobDataPath(digest), 'r+');
    try {
      const { size } = await file.stat();
      const buffer = Buffer.alloc(1);
      await file.read(buffer, 0, 1, Math.floor(size / 2));
      buffer[0] = (buffer[0] ?? 0) ^ 0xff;
      await file.write(buffer, 0, 1, Math.floor(size / 2));
    } finally {
      await file.close();
    }
  }

  test('a layer with one flipped byte fails with DIGEST_MISMATCH naming the digest, and is not cached', async () => {
    const manifest = manifestOf((await client.getManifest(ref())).bytes);
    const layer = manifest.layers[0];
    assert.ok(layer);
    await flipByte(layer.digest);
    const stream = await client.getBlob(ref(), layer);
    await assert.rejects(readAll(stream), (error) => {
      assert.ok(isSgciError(error, 'DIGEST_MISMATCH'));
      assert.match(error.message, new RegExp(`does not match digest ${layer.digest}`));
      return true;
    });
    assert.equal(await cache.has(layer.digest as Digest), false);
    assert.equal((await cache.info()).entries, 0);
    assert.deepEqual(await readdir(join(cacheDir, 'tmp')), [], 'the partial temp file is gone');
  });

  test('a manifest that no longer matches the digest the registry reports fails with DIGEST_MISMATCH', async () => {
    const { digest } = await client.getManifest(ref());
    await flipByte(digest);
    await assert.rejects(client.getManifest(ref()), (error) => {
      assert.ok(isSgciError(error, 'DIGEST_MISMATCH'));
      assert.match(error.message, new RegExp(digest));
      return true;
    });
  });
});

describe('registry with htpasswd Basic auth', { skip }, () => {
  let registry: TestRegistry;

  before(async () => {
    registry = await startRegistry({ auth: 'basic' });
    await registry.push(fixture('distroless-static').ociDir, 'fixtures/basic:v1');
  });

  after(async () => {
    await registry?.stop();
  });

  const ref = (): RegistryReference => ({ registry: registry.host, repository: 'fixtures/basic', tag: 'v1' });

  test('the right password pulls manifest and blobs', async () => {
    assert.ok(registry.credentials);
    await using client = new RegistryClient({
      limits: defaultLimits,
      credentials: staticCredentials(registry.credentials),
    });
    const { digest, bytes } = await client.getManifest(ref());
    assert.equal(digest, sha256(await skopeoInspectRaw(registry, 'fixtures/basic:v1')));
    const manifest = manifestOf(bytes);
    const config = await client.getBlobBytes(ref(), manifest.config, 1024 * 1024);
    assert.equal(sha256(config), manifest.config.digest);
  });

  test('a wrong password is REGISTRY_UNAUTHORIZED naming registry and repository, never the password', async () => {
    const wrong = { username: 'sgci', password: 'wrong-password-4711' };
    await using client = new RegistryClient({ limits: defaultLimits, credentials: staticCredentials(wrong) });
    await assert.rejects(client.getManifest(ref()), (error) => {
      assert.ok(isSgciError(error, 'REGISTRY_UNAUTHORIZED'));
      assert.match(
        error.message,
        new RegExp(`registry ${registry.host} rejected the credentials of user "sgci" for pull on fixtures/basic`),
      );
      assert.doesNotMatch(error.message, /wrong-password-4711/);
      return true;
    });
  });

  test('no credentials is REGISTRY_UNAUTHORIZED saying how to give them', async () => {
    await using client = new RegistryClient({ limits: defaultLimits });
    await assert.rejects(client.getManifest(ref()), (error) => {
      assert.ok(isSgciError(error, 'REGISTRY_UNAUTHORIZED'));
      assert.match(error.message, /requires credentials for fixtures\/basic \(use --username/);
      return true;
    });
  });
});

describe('registry with Bearer token auth', { skip }, () => {
  let registry: TestRegistry;

  before(async () => {
    registry = await startRegistry({ auth: 'token' });
    await registry.push(fixture('distroless-static').ociDir, 'fixtures/token:v1');
  });

  after(async () => {
    await registry?.stop();
  });

  const ref = (): RegistryReference => ({ registry: registry.host, repository: 'fixtures/token', tag: 'v1' });

  test('one token per scope serves a manifest and all blobs; push fetches one pull,push token', async () => {
    assert.ok(registry.credentials && registry.tokenIssuer);
    await using client = new RegistryClient({
      limits: defaultLimits,
      credentials: staticCredentials(registry.credentials),
    });
    const expected = sha256(await skopeoInspectRaw(registry, 'fixtures/token:v1'));
    const issued = registry.tokenIssuer.requests.length;
    const { digest, bytes } = await client.getManifest(ref());
    assert.equal(digest, expected);
    const manifest = manifestOf(bytes);
    for (const descriptor of [manifest.config, ...manifest.layers]) {
      const blob = await readAll(await client.getBlob(ref(), descriptor));
      assert.equal(sha256(blob), descriptor.digest);
    }
    await client.headManifest(ref());
    const pulls = registry.tokenIssuer.requests.slice(issued);
    assert.deepEqual(pulls, [{ scopes: ['repository:fixtures/token:pull'], user: 'sgci', granted: true }]);

    const target: RegistryReference = { registry: registry.host, repository: 'fixtures/token-pushed', tag: 'sig' };
    const pushed = await client.pushBlob(target, Buffer.from('{}'));
    await client.pushBlob(target, Buffer.from('{"a":1}'));
    assert.equal(pushed.digest, sha256(Buffer.from('{}')));
    const pushes = registry.tokenIssuer.requests.slice(issued + 1).map((r) => r.scopes);
    assert.deepEqual(pushes, [['repository:fixtures/token-pushed:pull,push']]);
  });

  test('an expired token is fetched again; until then it is reused', async () => {
    assert.ok(registry.credentials && registry.tokenIssuer);
    let now = Date.now();
    await using client = new RegistryClient({
      limits: defaultLimits,
      credentials: staticCredentials(registry.credentials),
      now: () => now,
    });
    const issued = registry.tokenIssuer.requests.length;
    await client.getManifest(ref());
    now += 200_000; // the issuer grants 300 s
    await client.getManifest(ref());
    assert.equal(registry.tokenIssuer.requests.length - issued, 1);
    now += 200_000;
    await client.getManifest(ref());
    assert.equal(registry.tokenIssuer.requests.length - issued, 2);
    assert.deepEqual([...client.tokenFetches.values()], [2]);
  });

  test('an identitytoken from docker config is exchanged with the OAuth2 refresh-token grant', async () => {
    assert.ok(registry.identityToken && registry.tokenIssuer);
    const dir = await mkdtemp(join(tmpdir(), 'sgci-docker-config-'));
    try {
      const auth = Buffer.from('00000000-0000-0000-0000-000000000000:').toString('base64');
      const configPath = join(dir, 'config.json');
      await writeFile(
        configPath,
        JSON.stringify({ auths: { [registry.host]: { auth, identitytoken: registry.identityToken } } }),
      );
      await using client = new RegistryClient({
        limits: defaultLimits,
        credentials: credentialsFromDocker({ configPath }),
      });
      const issued = registry.tokenIssuer.requests.length;
      const { bytes } = await client.getManifest(ref());
      const config = manifestOf(bytes).config;
      assert.equal(sha256(await client.getBlobBytes(ref(), config, 1024 * 1024)), config.digest);
      assert.deepEqual(registry.tokenIssuer.requests.slice(issued), [
        { scopes: ['repository:fixtures/token:pull'], user: 'sgci', granted: true },
      ]);

      await writeFile(configPath, JSON.stringify({ auths: { [registry.host]: { auth, identitytoken: 'revoked' } } }));
      await using revoked = new RegistryClient({
        limits: defaultLimits,
        credentials: credentialsFromDocker({ configPath }),
      });
      await assert.rejects(revoked.getManifest(ref()), (error) => {
        assert.ok(isSgciError(error, 'REGISTRY_UNAUTHORIZED'));
        assert.match(error.message, /token service of .* rejected the credentials/);
        assert.doesNotMatch(error.message, /revoked/);
        return true;
      });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  test('a wrong password is rejected by the token service: REGISTRY_UNAUTHORIZED without the password', async () => {
    const wrong = { username: 'sgci', password: 'not-the-password-0815' };
    await using client = new RegistryClient({ limits: defaultLimits, credentials: staticCredentials(wrong) });
    await assert.rejects(client.getManifest(ref()), (error) => {
      assert.ok(isSgciError(error, 'REGISTRY_UNAUTHORIZED'));
      assert.match(error.message, /rejected the credentials of user "sgci" for fixtures\/token/);
      assert.doesNotMatch(error.message, /not-the-password-0815/);
      return true;
    });
  });

  test('an anonymous token without pull rights ends in REGISTRY_UNAUTHORIZED asking for credentials', async () => {
    await using client = new RegistryClient({ limits: defaultLimits });
    await assert.rejects(client.getManifest(ref()), (error) => {
      assert.ok(isSgciError(error, 'REGISTRY_UNAUTHORIZED'));
      assert.match(error.message, /requires credentials for fixtures\/token/);
      return true;
    });
  });
});

describe('token realms and where credentials may go', { skip }, () => {
  /** A loopback server that records every request it gets, with its credentials, and answers 404. */
  async function startRecorder(): Promise<{ host: string; seen: string[]; server: Server }> {
    const seen: string[] = [];
    const server = createServer((request, response) => {
      let body = '';
      request.setEncoding('utf8');
      request.on('data', (chunk: string) => {
        body += chunk;
      });
      request.on('end', () => {
        seen.push(`${request.method} ${request.headers.authorization ?? ''} ${body}`);
        response.writeHead(404).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    return { host: `localhost:${typeof address === 'object' && address ? address.port : 0}`, seen, server };
  }

  function recordingLogger(): { logger: Logger; debug: Record<string, unknown>[] } {
    const debug: Record<string, unknown>[] = [];
    return {
      debug,
      logger: { ...silentLogger, debug: (object, message) => debug.push({ ...object, message }) },
    };
  }

  test('a plain-HTTP realm gets the credentials only when its own host is allowed as insecure', async () => {
    // The realm is named by another host (localhost) than the registry (127.0.0.1).
    await using registry = await startRegistry({
      auth: 'token',
      realm: (issuer) => issuer.replace('127.0.0.1', 'localhost'),
    });
    await registry.push(fixture('distroless-static').ociDir, 'fixtures/realm:v1');
    assert.ok(registry.credentials && registry.tokenIssuer);
    const realmHost = new URL(registry.tokenIssuer.realm.replace('127.0.0.1', 'localhost')).host;
    const ref: RegistryReference = { registry: registry.host, repository: 'fixtures/realm', tag: 'v1' };
    const issued = registry.tokenIssuer.requests.length;

    await using refused = new RegistryClient({
      limits: defaultLimits,
      credentials: staticCredentials(registry.credentials),
      insecureRegistries: [registry.host],
      loopbackIsInsecure: false,
    });
    await assert.rejects(refused.getManifest(ref), (error) => {
      assert.ok(isSgciError(error, 'REGISTRY_ERROR'), String(error));
      assert.match(error.message, new RegExp(`token realm that is not HTTPS \\(${realmHost}\\)`));
      return true;
    });
    assert.equal(registry.tokenIssuer.requests.length, issued, 'the realm was never asked');

    const { logger, debug } = recordingLogger();
    await using allowed = new RegistryClient({
      limits: defaultLimits,
      credentials: staticCredentials(registry.credentials),
      insecureRegistries: [registry.host, realmHost],
      loopbackIsInsecure: false,
      logger,
    });
    await allowed.getManifest(ref);
    assert.deepEqual(registry.tokenIssuer.requests.slice(issued), [
      { scopes: ['repository:fixtures/realm:pull'], user: 'sgci', granted: true },
    ]);
    assert.deepEqual(
      debug.filter((entry) => entry.message === 'Token realm is on another host than the registry'),
      [{ registry: registry.host, realm: realmHost, message: 'Token realm is on another host than the registry' }],
    );
  });

  test('a realm redirecting to a plain-HTTP host not allowed as insecure gets no credentials there', async () => {
    const recorder = await startRecorder();
    const front = createServer((request, response) => {
      const query = new URL(request.url ?? '/', 'http://front').search;
      response.writeHead(307, { location: `http://${recorder.host}/token${query}` }).end();
    });
    await new Promise<void>((resolve) => front.listen(0, '127.0.0.1', resolve));
    const frontAddress = front.address();
    const frontHost = `127.0.0.1:${typeof frontAddress === 'object' && frontAddress ? frontAddress.port : 0}`;
    const dir = await mkdtemp(join(tmpdir(), 'sgci-docker-config-'));
    try {
      await using registry = await startRegistry({ auth: 'token', realm: () => `http://${frontHost}/token` });
      assert.ok(registry.credentials && registry.identityToken);
      const ref: RegistryReference = { registry: registry.host, repository: 'fixtures/redirect', tag: 'v1' };
      const configPath = join(dir, 'config.json');
      const auth = Buffer.from('00000000-0000-0000-0000-000000000000:').toString('base64');
      await writeFile(
        configPath,
        JSON.stringify({ auths: { [registry.host]: { auth, identitytoken: registry.identityToken } } }),
      );
      const options = {
        limits: defaultLimits,
        insecureRegistries: [registry.host, frontHost],
        loopbackIsInsecure: false,
      };
      for (const credentials of [staticCredentials(registry.credentials), credentialsFromDocker({ configPath })]) {
        await using client = new RegistryClient({ ...options, credentials });
        await assert.rejects(client.getManifest(ref), (error) => {
          assert.ok(isSgciError(error, 'REGISTRY_ERROR'), String(error));
          assert.match(error.message, new RegExp(`refusing redirect to plain HTTP \\(${recorder.host}\\)`));
          return true;
        });
      }
      assert.deepEqual(recorder.seen, [], 'nothing, least of all a password or refresh token, went to the other host');
    } finally {
      await new Promise((resolve) => front.close(resolve));
      await new Promise((resolve) => recorder.server.close(resolve));
      await rm(dir, { recursive: true, force: true });
    }
  });
});
