/**
 * The registry host policy against the real CNCF registry on loopback: refused unless allowed, for the
 * registry itself, a blob redirect to another port, a token realm on another port, a name that resolves to
 * loopback, and a host reached through a proxy; the image-opening path takes the same policy.
 */
import assert from 'node:assert/strict';
import {
  createServer,
  request as httpRequest,
  type IncomingMessage,
  type RequestListener,
  type Server,
} from 'node:http';
import type { Duplex } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import { defaultLimits, isSgciError } from '../../src/core/index.ts';
import { ImageManifest } from '../../src/oci/image/schema.ts';
import type { RegistryReference } from '../../src/oci/reference/types.ts';
import { RegistryClient, RegistryHostPolicy, staticCredentials } from '../../src/oci/registry/index.ts';
import { openImage } from '../../src/oci/source/index.ts';
import { fixture, fixturesMissing } from '../helpers/fixtures.ts';
import { startRegistry, type TestRegistry } from '../helpers/registry.ts';

const skip = fixturesMissing();
const fast = { attempts: 1 };

const servers: Server[] = [];
after(async () => {
  await Promise.all(
    servers.map((server) => {
      const closed = new Promise((resolve) => server.close(resolve));
      server.closeAllConnections();
      return closed;
    }),
  );
});

/** A node:http server on a free loopback port; returns `127.0.0.1:PORT` and counts the connections it saw. */
async function serve(handler: RequestListener): Promise<{ host: string; server: Server; connections: () => number }> {
  let connections = 0;
  const server = createServer(handler).on('connection', () => connections++);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  return {
    host: `127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`,
    server,
    connections: () => connections,
  };
}

function refusedNaming(pattern: RegExp) {
  return (error: unknown) => {
    assert.ok(isSgciError(error, 'REGISTRY_REFUSED'), String(error));
    assert.match(error.message, pattern);
    return true;
  };
}

const escaped = (text: string) => text.replace(/[.[\]]/g, '\\$&');

describe('registry host policy', { skip }, () => {
  let registry: TestRegistry;
  const ref = (registryHost = registry.host): RegistryReference => ({
    registry: registryHost,
    repository: 'fixtures/policy',
    tag: 'v1',
  });

  before(async () => {
    registry = await startRegistry({ auth: 'none' });
    await registry.push(fixture('distroless-static').ociDir, 'fixtures/policy:v1');
  });
  after(async () => {
    await registry?.stop();
  });

  test('without a policy every host may be reached, as the CLI needs', async () => {
    await using client = new RegistryClient({ limits: defaultLimits });
    assert.match((await client.getManifest(ref())).digest, /^sha256:/);
  });

  test('a loopback registry is refused unless its host:port is allowed', async () => {
    await using refused = new RegistryClient({ limits: defaultLimits, hostPolicy: new RegistryHostPolicy() });
    await assert.rejects(
      refused.getManifest(ref()),
      refusedNaming(
        new RegExp(
          `^${escaped(registry.host)}/fixtures/policy:v1: not connecting to registry ${escaped(registry.host)}, ` +
            `a loopback address; allow it with --allow-registry ${escaped(registry.host)}$`,
        ),
      ),
    );
    await using allowed = new RegistryClient({
      limits: defaultLimits,
      hostPolicy: new RegistryHostPolicy({ allow: [registry.host] }),
    });
    assert.match((await allowed.getManifest(ref())).digest, /^sha256:/);
  });

  test('a name that resolves to loopback is refused at connect time unless allowed', async () => {
    const byName = registry.host.replace('127.0.0.1', 'localhost');
    await using refused = new RegistryClient({ limits: defaultLimits, hostPolicy: new RegistryHostPolicy() });
    await assert.rejects(
      refused.getManifest(ref(byName)),
      refusedNaming(new RegExp(`registry ${byName}, which resolves to (127\\.0\\.0\\.1|::1), a loopback address;`)),
    );
    await using allowed = new RegistryClient({
      limits: defaultLimits,
      hostPolicy: new RegistryHostPolicy({ allow: [byName] }),
    });
    assert.match((await allowed.getManifest(ref(byName))).digest, /^sha256:/);
  });

  test('a blob redirect to a loopback port not allowed is refused; the allowed front still serves', async () => {
    // A registry in front of the real one, as S3/CDN-backed registries are: manifests it proxies, blobs it
    // sends on with a 307 to another origin (the real registry's port).
    const front = await serve((request, response) => {
      const path = request.url ?? '/';
      if (path.includes('/blobs/')) {
        response.writeHead(307, { location: `http://${registry.host}${path}` }).end();
        return;
      }
      const upstream = httpRequest(`http://${registry.host}${path}`, {
        method: request.method,
        headers: request.headers,
      });
      upstream.on('response', (answer) => {
        response.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(response);
      });
      upstream.on('error', () => response.writeHead(502).end());
      request.pipe(upstream);
    });
    await using client = new RegistryClient({
      limits: defaultLimits,
      retry: fast,
      hostPolicy: new RegistryHostPolicy({ allow: [front.host] }),
    });
    const manifest = ImageManifest.parse(
      JSON.parse(Buffer.from((await client.getManifest(ref(front.host))).bytes).toString()),
    );
    const layer = manifest.layers[0];
    assert.ok(layer);
    await assert.rejects(
      client.getBlobBytes(ref(front.host), { digest: layer.digest, size: layer.size }, layer.size),
      refusedNaming(new RegExp(`not connecting to redirect target ${escaped(registry.host)}, a loopback address;`)),
    );
    await using both = new RegistryClient({
      limits: defaultLimits,
      hostPolicy: new RegistryHostPolicy({ allow: [front.host, registry.host] }),
    });
    const bytes = await both.getBlobBytes(ref(front.host), { digest: layer.digest, size: layer.size }, layer.size);
    assert.equal(bytes.length, layer.size);
  });

  test('the image-opening path of the scan pipeline takes the policy', async () => {
    const input = `${registry.host}/fixtures/policy:v1`;
    await assert.rejects(
      openImage(input, { hostPolicy: new RegistryHostPolicy() }),
      refusedNaming(/not connecting to registry/),
    );
    await using image = await openImage(input, { hostPolicy: new RegistryHostPolicy({ allow: [registry.host] }) });
    assert.match(image.digest ?? '', /^sha256:/);
  });

  test('a host reached through a proxy is judged by its name before anything goes to the proxy', async () => {
    // The proxy refuses every tunnel and records which host was asked for.
    const tunnels: string[] = [];
    const proxy = await serve((_request, response) => response.writeHead(502).end());
    proxy.server.on('connect', (request: IncomingMessage, socket: Duplex) => {
      tunnels.push(request.url ?? '');
      socket.end('HTTP/1.1 403 Forbidden\r\ncontent-length: 0\r\n\r\n');
    });
    const settings = { httpsProxy: `http://${proxy.host}`, httpProxy: `http://${proxy.host}` };
    await using refused = new RegistryClient({
      limits: defaultLimits,
      retry: fast,
      proxy: settings,
      hostPolicy: new RegistryHostPolicy(),
    });
    await assert.rejects(
      refused.getManifest(ref('10.0.0.5:5000')),
      refusedNaming(
        /not connecting to registry 10\.0\.0\.5:5000, a private address; allow it with --allow-registry 10\.0\.0\.5:5000$/,
      ),
    );
    assert.equal(proxy.connections(), 0, 'the proxy was never asked');
    await using allowed = new RegistryClient({
      limits: defaultLimits,
      retry: fast,
      proxy: settings,
      hostPolicy: new RegistryHostPolicy({ allow: ['10.0.0.5:5000'] }),
    });
    await assert.rejects(allowed.getManifest(ref('10.0.0.5:5000')), /Proxy response \(403\)/);
    assert.deepEqual(tunnels, ['10.0.0.5:5000'], 'the allowed host went to the proxy');
  });
});

describe('registry host policy and token realms', { skip }, () => {
  test('a token realm on a host not allowed is refused before any credential is sent', async () => {
    await using registry = await startRegistry({ auth: 'token' });
    await registry.push(fixture('distroless-static').ociDir, 'fixtures/policy:v1');
    assert.ok(registry.credentials && registry.tokenIssuer);
    const realmHost = new URL(registry.tokenIssuer.realm).host;
    const ref: RegistryReference = { registry: registry.host, repository: 'fixtures/policy', tag: 'v1' };
    const issued = registry.tokenIssuer.requests.length;
    await using refused = new RegistryClient({
      limits: defaultLimits,
      credentials: staticCredentials(registry.credentials),
      hostPolicy: new RegistryHostPolicy({ allow: [registry.host] }),
    });
    await assert.rejects(
      refused.getManifest(ref),
      refusedNaming(
        new RegExp(
          `not connecting to token realm ${escaped(realmHost)}, a loopback address; allow it with --allow-registry ${escaped(realmHost)}$`,
        ),
      ),
    );
    assert.equal(registry.tokenIssuer.requests.length, issued, 'the realm never saw a request, nor the password');

    await using allowed = new RegistryClient({
      limits: defaultLimits,
      credentials: staticCredentials(registry.credentials),
      hostPolicy: new RegistryHostPolicy({ allow: [registry.host, realmHost] }),
    });
    assert.match((await allowed.getManifest(ref)).digest, /^sha256:/);
    assert.equal(registry.tokenIssuer.requests.length, issued + 1);
  });
});
