/**
 * Registry client behaviours the real registry cannot be made to show on demand (503 with
 * Retry-After, storage redirects to another origin, schema 1, bad TLS, silence, lying sizes),
 * each against a small loopback HTTP server that answers exactly that way.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import {
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type RequestListener,
  type Server,
} from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { defaultLimits, isSgciError, withLimits } from '../../src/core/index.ts';
import type { RegistryReference } from '../../src/oci/reference/types.ts';
import { RegistryClient, staticCredentials } from '../../src/oci/registry/index.ts';
import { openImage } from '../../src/oci/source/index.ts';
import { freePort } from '../helpers/registry.ts';
import { padded, rawHeader } from '../helpers/synthetic-image.ts';
import { selfSignedCertificate } from '../helpers/tls.ts';

const ociManifest = Buffer.from(
  JSON.stringify({
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: `sha256:${'0'.repeat(64)}`, size: 2 },
    layers: [],
  }),
);
const blob = Buffer.from('the blob content, served from storage');
const digestOf = (bytes: Uint8Array) => `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
const blobDigest = digestOf(blob);

const servers: Server[] = [];
after(async () => {
  await Promise.all(
    servers.map((s) => {
      const closed = new Promise((resolve) => s.close(resolve));
      // the silent server's request and proxy tunnels would otherwise hold close() open
      s.closeAllConnections();
      return closed;
    }),
  );
});

async function serve(handler: RequestListener): Promise<string> {
  const server = createServer(handler);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  return `127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
}

const fast = { attempts: 4, baseDelayMs: 5, maxDelayMs: 2000, maxTotalDelayMs: 5000 };
const ref = (registry: string, tag = 'v1'): RegistryReference => ({ registry, repository: 'test/app', tag });

test('503 with Retry-After is retried after the time the registry asked for', async () => {
  const times: number[] = [];
  const host = await serve((_req, res) => {
    times.push(Date.now());
    if (times.length === 1) {
      res.writeHead(503, { 'retry-after': '1' }).end('busy');
      return;
    }
    res.writeHead(200, { 'content-type': 'application/vnd.oci.image.manifest.v1+json' }).end(ociManifest);
  });
  await using client = new RegistryClient({ limits: defaultLimits, retry: fast });
  const { digest } = await client.getManifest(ref(host));
  assert.equal(digest, digestOf(ociManifest));
  assert.equal(times.length, 2);
  const waited = (times[1] ?? 0) - (times[0] ?? 0);
  assert.ok(waited >= 950, `waited ${waited} ms for Retry-After: 1`);
});

test('429 and 502 are retried with backoff, a lasting 503 ends in one clear REGISTRY_ERROR', async () => {
  let calls = 0;
  const flaky = await serve((_req, res) => {
    calls++;
    if (calls === 1) res.writeHead(429).end();
    else if (calls === 2) res.writeHead(502).end();
    else res.writeHead(200, { 'content-type': 'application/vnd.oci.image.manifest.v1+json' }).end(ociManifest);
  });
  await using client = new RegistryClient({ limits: defaultLimits, retry: fast });
  await client.getManifest(ref(flaky));
  assert.equal(calls, 3);

  let down = 0;
  const broken = await serve((_req, res) => {
    down++;
    res.writeHead(503, { 'retry-after': '3600' }).end();
  });
  await using bounded = new RegistryClient({
    limits: defaultLimits,
    retry: { ...fast, maxDelayMs: 20, maxTotalDelayMs: 50 },
  });
  const started = Date.now();
  await assert.rejects(bounded.getManifest(ref(broken)), (error) => {
    assert.ok(isSgciError(error, 'REGISTRY_ERROR'));
    assert.match(error.message, /answered HTTP 503 for the manifest/);
    return true;
  });
  assert.ok(Date.now() - started < 2000, 'a Retry-After of an hour is not waited for');
  assert.equal(down, 1, 'retrying before the Retry-After time would only be refused again');

  let failures = 0;
  const alwaysDown = await serve((_req, res) => {
    failures++;
    res.writeHead(502).end();
  });
  await assert.rejects(bounded.getManifest(ref(alwaysDown)), /answered HTTP 502/);
  assert.equal(failures, 4, 'four attempts in total');
});

test('a blob redirect to another origin does not carry the registry credentials', async () => {
  const seen: { where: string; authorization: string | undefined }[] = [];
  const record = (where: string, headers: IncomingHttpHeaders) =>
    seen.push({ where, authorization: headers.authorization });
  const storage = await serve((req, res) => {
    record('storage', req.headers);
    res.writeHead(200, { 'content-length': String(blob.length) }).end(blob);
  });
  const registry = await serve((req, res) => {
    record(`registry ${req.url}`, req.headers);
    if (!req.headers.authorization) {
      res.writeHead(401, { 'www-authenticate': 'Basic realm="test"' }).end();
    } else if (req.url?.includes('/blobs/')) {
      // same-origin hop first, then off to storage as S3/CDN-backed registries do
      res.writeHead(307, { location: '/v2/test/app/local-hop' }).end();
    } else {
      res.writeHead(307, { location: `http://${storage}/bucket/blob?signature=abc` }).end();
    }
  });
  await using client = new RegistryClient({
    limits: defaultLimits,
    credentials: staticCredentials({ username: 'u', password: 'p' }),
  });
  const bytes = await client.getBlobBytes(ref(registry), { digest: blobDigest, size: blob.length }, 1024);
  assert.deepEqual(Buffer.from(bytes), blob);
  const basic = `Basic ${Buffer.from('u:p').toString('base64')}`;
  assert.deepEqual(
    seen.filter((s) => !s.where.endsWith('/v2/')),
    [
      { where: `registry /v2/test/app/blobs/${blobDigest}`, authorization: undefined },
      { where: `registry /v2/test/app/blobs/${blobDigest}`, authorization: basic },
      { where: 'registry /v2/test/app/local-hop', authorization: basic },
      { where: 'storage', authorization: undefined },
    ],
  );
});

test('a registry error message is shown on one line without terminal escape sequences', async () => {
  const host = await serve((_req, res) => {
    const message = `denied\n\u001b[2J\u001b]0;pwned\u0007 by policy ${'x'.repeat(500)}`;
    res
      .writeHead(500, { 'content-type': 'application/json' })
      .end(JSON.stringify({ errors: [{ code: 'DENIED', message }] }));
  });
  await using client = new RegistryClient({ limits: defaultLimits, retry: { ...fast, attempts: 1 } });
  await assert.rejects(client.getManifest(ref(host)), (error) => {
    assert.ok(isSgciError(error, 'REGISTRY_ERROR'));
    assert.doesNotMatch(error.message, /[\u0000-\u001f]/);
    assert.match(error.message, /answered HTTP 500 for the manifest \(DENIED denied \[2J\]0;pwned by policy x+…\)$/);
    return true;
  });
});

test('schema 1 manifests are MANIFEST_UNSUPPORTED, by media type and by content', async () => {
  const host = await serve((req, res) => {
    if (req.url?.endsWith('/signed')) {
      res.writeHead(200, { 'content-type': 'application/vnd.docker.distribution.manifest.v1+prettyjws' }).end('{}');
    } else {
      res
        .writeHead(200, { 'content-type': 'application/json' })
        .end('{"schemaVersion":1,"name":"test/app","fsLayers":[]}');
    }
  });
  await using client = new RegistryClient({ limits: defaultLimits, retry: fast });
  for (const tag of ['signed', 'plain']) {
    await assert.rejects(client.getManifest(ref(host, tag)), (error) => {
      assert.ok(isSgciError(error, 'MANIFEST_UNSUPPORTED'));
      assert.match(error.message, new RegExp(`^${host}/test/app:${tag}: is a Docker schema 1 manifest`));
      return true;
    });
  }
});

test('a blob larger than its descriptor, or than maxBlobBytes without Content-Length, is refused', async () => {
  const host = await serve((req, res) => {
    if (req.url?.includes('/chunked/')) {
      res.writeHead(200, { 'transfer-encoding': 'chunked' });
      res.write(blob);
      res.end(blob);
      return;
    }
    res.writeHead(200, { 'content-length': String(blob.length) }).end(blob);
  });
  await using client = new RegistryClient({ limits: withLimits({ maxBlobBytes: blob.length + 5 }), retry: fast });
  await assert.rejects(client.getBlob(ref(host), { digest: blobDigest, size: blob.length - 1 }), (error) => {
    assert.ok(isSgciError(error, 'DIGEST_MISMATCH'));
    assert.match(
      error.message,
      new RegExp(`blob ${blobDigest} is served with ${blob.length} bytes, descriptor says ${blob.length - 1}`),
    );
    return true;
  });
  const other = `sha256:${'a'.repeat(64)}`;
  const stream = await client.getBlob({ registry: host, repository: 'test/chunked', tag: 'v1' }, { digest: other });
  await assert.rejects(stream.toArray(), (error) => {
    assert.ok(isSgciError(error, 'LIMIT_EXCEEDED'));
    assert.match(error.message, new RegExp(`blob ${other} is larger than the limit of ${blob.length + 5} bytes`));
    return true;
  });
});

test('a registry that never answers fails within requestTimeoutMs', async () => {
  const host = await serve(() => {
    // accept the request and stay silent
  });
  await using client = new RegistryClient({ limits: withLimits({ requestTimeoutMs: 300 }), retry: fast });
  const started = Date.now();
  await assert.rejects(client.getManifest(ref(host)), (error) => {
    assert.ok(isSgciError(error, 'REGISTRY_UNREACHABLE'));
    assert.match(error.message, /did not answer within 300 ms|stopped answering/);
    return true;
  });
  assert.ok(Date.now() - started < 5000);
});

test('connection refused and DNS failure are one clear REGISTRY_UNREACHABLE line each', async () => {
  await using client = new RegistryClient({ limits: defaultLimits, retry: { ...fast, attempts: 2 } });
  const closed = `127.0.0.1:${await freePort()}`;
  await assert.rejects(client.getManifest(ref(closed)), (error) => {
    assert.ok(isSgciError(error, 'REGISTRY_UNREACHABLE'));
    assert.equal(error.message, `${closed}/test/app:v1: registry ${closed} refused the connection`);
    return true;
  });
  await assert.rejects(client.getManifest(ref('no-such-host.invalid')), (error) => {
    assert.ok(isSgciError(error, 'REGISTRY_UNREACHABLE'));
    assert.equal(
      error.message,
      'no-such-host.invalid/test/app:v1: cannot resolve registry host no-such-host.invalid (DNS lookup failed)',
    );
    return true;
  });
});

let tlsDir: string;
before(async () => {
  tlsDir = await mkdtemp(join(tmpdir(), 'sgci-tls-'));
  await selfSignedCertificate('/CN=127.0.0.1', 1, join(tlsDir, 'key.pem'), join(tlsDir, 'cert.pem'));
});
after(async () => {
  if (tlsDir) await rm(tlsDir, { recursive: true, force: true });
});

test('a self-signed certificate is a clear TLS error unless the host is insecure (loopback, --insecure-registry)', async () => {
  const server = createHttpsServer(
    { key: await readFile(join(tlsDir, 'key.pem')), cert: await readFile(join(tlsDir, 'cert.pem')) },
    (_req, res) =>
      res.writeHead(200, { 'content-type': 'application/vnd.oci.image.manifest.v1+json' }).end(ociManifest),
  );
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const host = `127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;

  await using strict = new RegistryClient({ limits: defaultLimits, retry: fast, loopbackIsInsecure: false });
  await assert.rejects(strict.getManifest(ref(host)), (error) => {
    assert.ok(isSgciError(error, 'REGISTRY_UNREACHABLE'));
    assert.match(
      error.message,
      new RegExp(`TLS error talking to ${host} \\(DEPTH_ZERO_SELF_SIGNED_CERT\\); use --insecure-registry`),
    );
    return true;
  });
  await using insecure = new RegistryClient({
    limits: defaultLimits,
    retry: fast,
    loopbackIsInsecure: false,
    insecureRegistries: [host],
  });
  assert.equal((await insecure.getManifest(ref(host))).digest, digestOf(ociManifest));
  await using loopback = new RegistryClient({ limits: defaultLimits, retry: fast });
  assert.equal((await loopback.getManifest(ref(host))).digest, digestOf(ociManifest));
});

test('a connection that breaks in the middle of a blob is one REGISTRY_UNREACHABLE line', async () => {
  const host = await serve((_req, res) => {
    res.writeHead(200, { 'content-length': String(blob.length) });
    res.write(blob.subarray(0, 10), () => res.socket?.destroy());
  });
  await using client = new RegistryClient({ limits: defaultLimits, retry: fast });
  const stream = await client.getBlob(ref(host), { digest: blobDigest, size: blob.length });
  await assert.rejects(stream.toArray(), (error) => {
    assert.ok(isSgciError(error, 'REGISTRY_UNREACHABLE'), String(error));
    assert.match(error.message, new RegExp(`^${host}/test/app:v1: connection to registry ${host} was reset`));
    return true;
  });
});

test('HTTPS_PROXY-style proxies carry registry traffic; loopback registries bypass them', async () => {
  const registry = await serve((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/vnd.oci.image.manifest.v1+json' }).end(ociManifest);
  });
  const port = registry.split(':')[1];
  // A forward proxy that knows the made-up host registry.sgci.test: the client never resolves it itself.
  const tunnels: string[] = [];
  const proxy = createServer((_req, res) => res.writeHead(405).end());
  proxy.on('connect', (req: IncomingMessage, client: Socket, head: Buffer) => {
    tunnels.push(req.url ?? '');
    const [name, targetPort] = (req.url ?? '').split(':');
    if (name !== 'registry.sgci.test') {
      client.end('HTTP/1.1 502 Bad Gateway\r\n\r\n');
      return;
    }
    const upstream = connect(Number(targetPort), '127.0.0.1', () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    upstream.on('error', () => client.destroy());
    client.on('error', () => upstream.destroy());
  });
  servers.push(proxy);
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  const proxyAddress = proxy.address();
  const proxyUrl = `http://127.0.0.1:${typeof proxyAddress === 'object' && proxyAddress ? proxyAddress.port : 0}`;

  const named = `registry.sgci.test:${port}`;
  await using client = new RegistryClient({
    limits: defaultLimits,
    retry: fast,
    insecureRegistries: [named],
    proxy: { httpProxy: proxyUrl, httpsProxy: proxyUrl },
  });
  assert.equal((await client.getManifest(ref(named))).digest, digestOf(ociManifest));
  assert.ok(tunnels.includes(named), `proxy tunnels: ${tunnels.join(', ')}`);
  const before = tunnels.length;
  assert.equal((await client.getManifest(ref(registry))).digest, digestOf(ociManifest));
  assert.equal(tunnels.length, before, 'a loopback registry is reached directly');
});

test('a manifest body that stops midway is one coded line naming its URL, not an internal error', async () => {
  const host = await serve((_req, res) => {
    res.writeHead(200, {
      'content-type': 'application/vnd.oci.image.manifest.v1+json',
      'content-length': String(ociManifest.length),
    });
    res.write(ociManifest.subarray(0, 20)); // and then silence
  });
  await using client = new RegistryClient({ limits: withLimits({ requestTimeoutMs: 300 }), retry: fast });
  await assert.rejects(client.getManifest(ref(host)), (error) => {
    assert.ok(isSgciError(error, 'REGISTRY_UNREACHABLE'), String(error));
    assert.match(
      error.message,
      new RegExp(`(stopped sending|did not finish sending) the manifest \\(http://${host}/v2/test/app/manifests/v1\\)`),
    );
    assert.ok(!error.message.includes('\n'));
    return true;
  });
});

test('a blob body that stops midway is one coded line naming the blob', async () => {
  const host = await serve((_req, res) => {
    res.writeHead(200, { 'content-length': String(blob.length) });
    res.write(blob.subarray(0, 10)); // and then silence
  });
  await using client = new RegistryClient({ limits: withLimits({ requestTimeoutMs: 300 }), retry: fast });
  const stream = await client.getBlob(ref(host), { digest: blobDigest, size: blob.length });
  await assert.rejects(stream.toArray(), (error) => {
    assert.ok(isSgciError(error, 'REGISTRY_UNREACHABLE'), String(error));
    assert.match(error.message, new RegExp(`stopped sending blob ${blobDigest} \\(http://${host}/v2/test/app/blobs/`));
    return true;
  });
});

test('a layer dripping one byte at a time ends at the image deadline, beside the idle timeout', {
  timeout: 20_000,
}, async () => {
  // A real image: one gzip layer, its config and manifest. The layer trickles out far slower than it should.
  const tar = Buffer.concat([
    rawHeader({ path: 'etc/motd', typeflag: '0', size: 600 }),
    padded(Buffer.alloc(600, 0x61)),
    Buffer.alloc(1024),
  ]);
  const layer = gzipSync(tar, { level: 0 });
  const config = Buffer.from(
    JSON.stringify({ os: 'linux', architecture: 'amd64', rootfs: { type: 'layers', diff_ids: [digestOf(tar)] } }),
  );
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: digestOf(config), size: config.length },
      layers: [
        { mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: digestOf(layer), size: layer.length },
      ],
    }),
  );
  const drips: NodeJS.Timeout[] = [];
  after(() => {
    for (const drip of drips) clearInterval(drip);
  });
  const host = await serve((req, res) => {
    if (req.url?.includes('/manifests/')) {
      res.writeHead(200, { 'content-type': 'application/vnd.oci.image.manifest.v1+json' }).end(manifest);
    } else if (req.url?.endsWith(digestOf(config))) {
      res.writeHead(200).end(config);
    } else {
      res.writeHead(200, { 'content-length': String(layer.length) });
      let sent = 0;
      const drip = setInterval(() => {
        if (sent >= layer.length || res.destroyed) {
          clearInterval(drip);
          res.end();
          return;
        }
        res.write(layer.subarray(sent, sent + 1));
        sent++;
      }, 20);
      drips.push(drip);
    }
  });
  const input = `${host}/test/app:v1`;
  const image = await openImage(input, { limits: withLimits({ imageDeadlineMs: 400, requestTimeoutMs: 5000 }) });
  try {
    const started = Date.now();
    await assert.rejects(image.filesystem(), (error) => {
      assert.ok(isSgciError(error, 'LIMIT_EXCEEDED'), String(error));
      assert.ok(error.message.startsWith(`${input}: `), error.message);
      assert.match(error.message, /not read within its deadline of 0\.4 s \(imageDeadlineMs\)/);
      return true;
    });
    assert.ok(Date.now() - started < 3000, 'ends at the deadline, not when the drip ends');
  } finally {
    await image[Symbol.asyncDispose]();
  }
});
