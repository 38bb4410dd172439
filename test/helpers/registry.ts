/**
 * Starts the real CNCF distribution registry (Debian `docker-registry`, 2.8) on a free loopback port
 * in a temp dir, in one of three auth modes, so registry tests talk to the real thing:
 * - `none`: anonymous pull and push;
 * - `basic`: htpasswd (bcrypt via `htpasswd -Bbn`);
 * - `token`: the registry verifies ES256 JWTs from a small token issuer that runs in this process
 *   (node:http on loopback); its self-signed certificate is the registry's `rootcertbundle` and is sent
 *   in the JWT `x5c` header, which is what distribution 2.8 verifies against the bundle.
 *
 * `push()` copies an OCI layout into the registry with skopeo, the reference tool, so the manifest
 * digests in the registry are the ones `skopeo inspect --raw | sha256sum` reports.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { createPrivateKey, type KeyObject, randomBytes, sign } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server, type ServerResponse } from 'node:http';
import { createServer as createNetServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { selfSignedCertificate } from './tls.ts';

const run = promisify(execFile);

export type RegistryAuthMode = 'none' | 'basic' | 'token';

export interface RegistryCredentials {
  readonly username: string;
  readonly password: string;
}

/** One request the token issuer answered: which scopes were asked for, by whom, what was granted. */
export interface TokenRequest {
  readonly scopes: readonly string[];
  readonly user: string | undefined;
  readonly granted: boolean;
}

export interface TokenIssuer {
  readonly realm: string;
  readonly service: string;
  readonly requests: TokenRequest[];
}

export interface TestRegistry extends AsyncDisposable {
  /** `127.0.0.1:PORT`, the registry part of a reference. */
  readonly host: string;
  readonly url: string;
  readonly auth: RegistryAuthMode;
  /** The one user the registry (or the token issuer) accepts; undefined for `none`. */
  readonly credentials: RegistryCredentials | undefined;
  /** Set in `token` mode. */
  readonly tokenIssuer: TokenIssuer | undefined;
  /** Token mode: an OAuth2 refresh token the issuer accepts for the user (docker's `identitytoken`). */
  readonly identityToken: string | undefined;
  /** The registry's filesystem storage root, to corrupt blobs on purpose. */
  readonly storageDir: string;
  /** Copies an OCI layout (its only image) to `host/repoTag` with skopeo; returns the pushed reference. */
  push(ociLayoutDir: string, repoTag: string): Promise<string>;
  /** Path of a blob's bytes in the registry's storage. */
  blobDataPath(digest: string): string;
  stop(): Promise<void>;
}

export interface StartRegistryOptions {
  readonly auth?: RegistryAuthMode;
  /** Token mode: lifetime of issued tokens (default 300 s). */
  readonly tokenLifetimeSeconds?: number;
  /** Token mode: grant `pull` to anonymous requests (default false). */
  readonly anonymousPull?: boolean;
  /** Token mode: the realm the registry's challenges name, from the issuer's own (default: that one). */
  readonly realm?: (issuerRealm: string) => string;
}

const service = 'sgci-test-registry';
const issuerName = 'sgci-test-issuer';

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createNetServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export async function startRegistry(options: StartRegistryOptions = {}): Promise<TestRegistry> {
  const auth = options.auth ?? 'none';
  const dir = await mkdtemp(join(tmpdir(), 'sgci-registry-'));
  const storageDir = join(dir, 'storage');
  const credentials: RegistryCredentials | undefined =
    auth === 'none' ? undefined : { username: 'sgci', password: `pw-${randomBytes(6).toString('hex')}` };

  let issuer: { issuer: TokenIssuer; server: Server } | undefined;
  const identityToken = auth === 'token' ? `refresh-${randomBytes(12).toString('hex')}` : undefined;
  let authConfig = '';
  if (auth === 'basic' && credentials) {
    const { stdout } = await run('htpasswd', ['-Bbn', credentials.username, credentials.password]);
    await writeFile(join(dir, 'htpasswd'), stdout);
    authConfig = `auth:\n  htpasswd:\n    realm: sgci-test\n    path: ${join(dir, 'htpasswd')}\n`;
  } else if (auth === 'token' && credentials) {
    await selfSignedCertificate(
      '/CN=sgci test token issuer',
      2,
      join(dir, 'token-key.pem'),
      join(dir, 'token-cert.pem'),
    );
    const key = createPrivateKey(await readFile(join(dir, 'token-key.pem')));
    const certPem = await readFile(join(dir, 'token-cert.pem'), 'utf8');
    const certDer = certPem.replace(/-----(BEGIN|END) CERTIFICATE-----|\s/g, '');
    issuer = await startTokenIssuer({
      key,
      certDer,
      credentials,
      identityToken: identityToken ?? '',
      lifetimeSeconds: options.tokenLifetimeSeconds ?? 300,
      anonymousPull: options.anonymousPull ?? false,
    });
    authConfig =
      `auth:\n  token:\n    realm: ${options.realm?.(issuer.issuer.realm) ?? issuer.issuer.realm}\n    service: ${service}\n` +
      `    issuer: ${issuerName}\n    rootcertbundle: ${join(dir, 'token-cert.pem')}\n`;
  }

  const port = await freePort();
  const host = `127.0.0.1:${port}`;
  const config =
    'version: 0.1\n' +
    'log:\n  level: error\n  accesslog:\n    disabled: true\n' +
    `storage:\n  filesystem:\n    rootdirectory: ${storageDir}\n  delete:\n    enabled: true\n` +
    `http:\n  addr: ${host}\n  secret: ${randomBytes(16).toString('hex')}\n` +
    authConfig;
  await writeFile(join(dir, 'config.yml'), config);

  const child = spawn('docker-registry', ['serve', join(dir, 'config.yml')], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (text: string) => {
    stderr = (stderr + text).slice(-4000);
  });

  const stop = async (): Promise<void> => {
    await stopChild(child);
    if (issuer) await new Promise<void>((resolve) => issuer?.server.close(() => resolve()));
    await rm(dir, { recursive: true, force: true });
  };

  try {
    await waitUntilServing(`http://${host}/v2/`, child, () => stderr);
  } catch (error) {
    await stop();
    throw error;
  }

  return {
    host,
    url: `http://${host}`,
    auth,
    credentials,
    tokenIssuer: issuer?.issuer,
    identityToken,
    storageDir,
    async push(ociLayoutDir: string, repoTag: string): Promise<string> {
      const target = `${host}/${repoTag}`;
      const args = ['--insecure-policy', 'copy', '--quiet', '--dest-tls-verify=false'];
      if (credentials) args.push('--dest-creds', `${credentials.username}:${credentials.password}`);
      args.push(`oci:${ociLayoutDir}`, `docker://${target}`);
      await run('skopeo', args, { maxBuffer: 16 * 1024 * 1024 });
      return target;
    },
    blobDataPath(digest: string): string {
      const [algorithm, hex = ''] = digest.split(':');
      return join(storageDir, 'docker', 'registry', 'v2', 'blobs', algorithm ?? '', hex.slice(0, 2), hex, 'data');
    },
    stop,
    [Symbol.asyncDispose]: stop,
  };
}

/** `skopeo inspect --raw` of a reference in a test registry: the manifest bytes as the registry serves them. */
export async function skopeoInspectRaw(registry: TestRegistry, repoRef: string): Promise<Buffer> {
  const args = ['inspect', '--raw', '--tls-verify=false'];
  if (registry.credentials) args.push('--creds', `${registry.credentials.username}:${registry.credentials.password}`);
  args.push(`docker://${registry.host}/${repoRef}`);
  const { stdout } = await run('skopeo', args, { encoding: 'buffer', maxBuffer: 16 * 1024 * 1024 });
  return stdout;
}

async function waitUntilServing(url: string, child: ChildProcess, stderr: () => string): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      throw new Error(`docker-registry exited with ${child.exitCode}: ${stderr().trim()}`);
    }
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(1000) });
      await response.body?.cancel();
      if (response.status === 200 || response.status === 401) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`docker-registry did not answer on ${url} within 15 s: ${stderr().trim()}`);
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  await new Promise<void>((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

interface IssuerOptions {
  readonly key: KeyObject;
  readonly certDer: string;
  readonly credentials: RegistryCredentials;
  readonly identityToken: string;
  readonly lifetimeSeconds: number;
  readonly anonymousPull: boolean;
}

/** A token service as in the distribution token spec: GET realm?service=&scope=… with optional Basic auth. */
async function startTokenIssuer(options: IssuerOptions): Promise<{ issuer: TokenIssuer; server: Server }> {
  const requests: TokenRequest[] = [];
  const server = createServer((request, response) => {
    if (request.method === 'POST') {
      // OAuth2 refresh-token grant, as `docker login` with an identity token uses it
      let text = '';
      request.setEncoding('utf8');
      request.on('data', (chunk: string) => {
        text += chunk;
      });
      request.on('end', () => {
        const form = new URLSearchParams(text);
        const scopes = (form.get('scope') ?? '').split(' ').filter(Boolean);
        const valid = form.get('grant_type') === 'refresh_token' && form.get('refresh_token') === options.identityToken;
        if (!valid) {
          requests.push({ scopes, user: undefined, granted: false });
          response.writeHead(400, { 'content-type': 'application/json' });
          response.end(JSON.stringify({ error: 'invalid_grant' }));
          return;
        }
        grant(response, scopes, options.credentials.username, form.get('service'));
      });
      return;
    }
    const url = new URL(request.url ?? '/', 'http://localhost');
    const scopes = url.searchParams.getAll('scope').flatMap((s) => s.split(' ').filter(Boolean));
    const header = request.headers.authorization ?? '';
    let user: string | undefined;
    if (header.startsWith('Basic ')) {
      const decoded = Buffer.from(header.slice(6), 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      const name = decoded.slice(0, colon);
      const password = decoded.slice(colon + 1);
      if (name !== options.credentials.username || password !== options.credentials.password) {
        requests.push({ scopes, user: name, granted: false });
        response.writeHead(401, { 'content-type': 'application/json' });
        response.end(JSON.stringify({ errors: [{ code: 'UNAUTHORIZED', message: 'bad credentials' }] }));
        return;
      }
      user = name;
    }
    grant(response, scopes, user, url.searchParams.get('service'));
  });
  const grant = (response: ServerResponse, scopes: string[], user: string | undefined, audience: string | null) => {
    const access = scopes.flatMap((scope) => {
      const first = scope.indexOf(':');
      const last = scope.lastIndexOf(':');
      if (first < 0 || last <= first) return [];
      const wanted = scope.slice(last + 1).split(',');
      const actions = user ? wanted : options.anonymousPull ? wanted.filter((a) => a === 'pull') : [];
      return [{ type: scope.slice(0, first), name: scope.slice(first + 1, last), actions }];
    });
    requests.push({ scopes, user, granted: true });
    const now = Math.floor(Date.now() / 1000);
    const token = signJwt(options, {
      iss: issuerName,
      sub: user ?? '',
      aud: audience ?? service,
      exp: now + options.lifetimeSeconds,
      nbf: now - 10,
      iat: now,
      jti: randomBytes(8).toString('hex'),
      access,
    });
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(
      JSON.stringify({
        token,
        access_token: token,
        expires_in: options.lifetimeSeconds,
        issued_at: new Date().toISOString(),
      }),
    );
  };
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return { issuer: { realm: `http://127.0.0.1:${port}/token`, service, requests }, server };
}

function signJwt(options: IssuerOptions, claims: Record<string, unknown>): string {
  const header = { typ: 'JWT', alg: 'ES256', x5c: [options.certDer] };
  const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const input = `${encode(header)}.${encode(claims)}`;
  // JWS wants the raw r||s signature, not DER.
  const signature = sign('sha256', Buffer.from(input), { key: options.key, dsaEncoding: 'ieee-p1363' });
  return `${input}.${signature.toString('base64url')}`;
}
