import assert from 'node:assert/strict';
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { isSgciError } from '../../core/index.ts';
import {
  chainCredentials,
  credentialsFromDocker,
  credentialsFromEnv,
  defaultCredentials,
  staticCredentials,
} from './credentials.ts';

let dir: string;
let env: NodeJS.ProcessEnv;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sgci-creds-'));
  // A real credential helper process speaking the docker protocol: server URL on stdin, JSON on stdout.
  const helper = `#!/bin/sh
[ "$1" = get ] || exit 3
read server
case "$server" in
  helped.example.com) echo '{"ServerURL":"helped.example.com","Username":"helper-user","Secret":"helper-secret"}' ;;
  https://index.docker.io/v1/) echo '{"ServerURL":"hub","Username":"hub-user","Secret":"hub-secret"}' ;;
  token.example.com) echo '{"ServerURL":"token.example.com","Username":"<token>","Secret":"refresh-123"}' ;;
  store.example.com) echo '{"ServerURL":"store.example.com","Username":"store-user","Secret":"store-secret"}' ;;
  *) echo "credentials not found in native keychain"; exit 1 ;;
esac
`;
  await writeFile(join(dir, 'docker-credential-sgcitest'), helper);
  await chmod(join(dir, 'docker-credential-sgcitest'), 0o755);
  env = { PATH: `${dir}:${process.env.PATH ?? ''}`, HOME: dir };
});

after(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function configWith(name: string, config: unknown): Promise<string> {
  const path = join(dir, `${name}.json`);
  await writeFile(path, JSON.stringify(config));
  return path;
}

const b64 = (text: string) => Buffer.from(text).toString('base64');

test('auths entries are found by host whatever scheme or path the key carries', async () => {
  const configPath = await configWith('auths', {
    auths: {
      'https://registry.example.com/v2/': { auth: b64('alice:pa:ss') },
      'plain.example.com:5000': { username: 'bob', password: 'secret' },
    },
  });
  const resolver = credentialsFromDocker({ configPath, env });
  assert.deepEqual(await resolver.resolve('registry.example.com'), { username: 'alice', password: 'pa:ss' });
  assert.deepEqual(await resolver.resolve('plain.example.com:5000'), { username: 'bob', password: 'secret' });
  assert.equal(await resolver.resolve('other.example.com'), undefined);
});

test('Docker Hub credentials are looked up under the index.docker.io key', async () => {
  const configPath = await configWith('hub', { auths: { 'https://index.docker.io/v1/': { auth: b64('hubber:pw') } } });
  const resolver = credentialsFromDocker({ configPath, env });
  assert.deepEqual(await resolver.resolve('docker.io'), { username: 'hubber', password: 'pw' });
  assert.deepEqual(await resolver.resolve('registry-1.docker.io'), { username: 'hubber', password: 'pw' });
});

test('credHelpers run docker-credential-<name> get; Docker Hub asks with the index URL', async () => {
  const configPath = await configWith('helpers', {
    credHelpers: { 'helped.example.com': 'sgcitest', 'docker.io': 'sgcitest' },
    auths: { 'helped.example.com': { auth: b64('ignored:ignored') } },
  });
  const resolver = credentialsFromDocker({ configPath, env });
  assert.deepEqual(await resolver.resolve('helped.example.com'), {
    username: 'helper-user',
    password: 'helper-secret',
  });
  assert.deepEqual(await resolver.resolve('docker.io'), { username: 'hub-user', password: 'hub-secret' });
});

test('a helper answering user <token> gives an identity token, not a password', async () => {
  const configPath = await configWith('identity', { credHelpers: { 'token.example.com': 'sgcitest' } });
  assert.deepEqual(await credentialsFromDocker({ configPath, env }).resolve('token.example.com'), {
    username: '<token>',
    password: '',
    identityToken: 'refresh-123',
  });
});

test('credsStore serves hosts without an auths entry; "not found" means anonymous', async () => {
  const configPath = await configWith('store', {
    credsStore: 'sgcitest',
    auths: { 'listed.example.com': { auth: b64('listed:pw') } },
  });
  const resolver = credentialsFromDocker({ configPath, env });
  assert.deepEqual(await resolver.resolve('listed.example.com'), { username: 'listed', password: 'pw' });
  assert.deepEqual(await resolver.resolve('store.example.com'), { username: 'store-user', password: 'store-secret' });
  assert.equal(await resolver.resolve('unknown.example.com'), undefined);
});

test('a credsStore whose helper is not installed does not block anonymous pulls', async () => {
  const configPath = await configWith('missing-helper', { credsStore: 'desktop-not-installed' });
  assert.equal(await credentialsFromDocker({ configPath, env }).resolve('r.example.com'), undefined);
});

test('a missing config means no credentials; a broken one is a clear CREDENTIALS_INVALID', async () => {
  assert.equal(await credentialsFromDocker({ configPath: join(dir, 'nope.json'), env }).resolve('x'), undefined);
  const broken = join(dir, 'broken.json');
  await writeFile(broken, '{"auths": ');
  await assert.rejects(credentialsFromDocker({ configPath: broken, env }).resolve('x'), (error) => {
    assert.ok(isSgciError(error, 'CREDENTIALS_INVALID'));
    assert.match(error.message, /broken\.json: docker config is not valid JSON/);
    return true;
  });
  const badAuth = await configWith('bad-auth', { auths: { 'r.example.com': { auth: b64('no-colon') } } });
  await assert.rejects(
    credentialsFromDocker({ configPath: badAuth, env }).resolve('r.example.com'),
    /not base64 user:password/,
  );
});

test('flags win over env, env over docker config ($DOCKER_CONFIG)', async () => {
  const configDir = join(dir, 'docker-config-dir');
  await mkdir(configDir, { recursive: true });
  await writeFile(
    join(configDir, 'config.json'),
    JSON.stringify({ auths: { 'r.example.com': { auth: b64('cfg:cfgpw') } } }),
  );
  const base = { ...env, DOCKER_CONFIG: configDir };
  assert.deepEqual(await defaultCredentials({ env: base }).resolve('r.example.com'), {
    username: 'cfg',
    password: 'cfgpw',
  });
  const withEnv = { ...base, SGCI_REGISTRY_USERNAME: 'envuser', SGCI_REGISTRY_PASSWORD: 'envpw' };
  assert.deepEqual(await defaultCredentials({ env: withEnv }).resolve('r.example.com'), {
    username: 'envuser',
    password: 'envpw',
  });
  assert.deepEqual(
    await defaultCredentials({ env: withEnv, username: 'flag', password: 'flagpw' }).resolve('r.example.com'),
    {
      username: 'flag',
      password: 'flagpw',
    },
  );
  assert.equal(await credentialsFromEnv({ SGCI_REGISTRY_USERNAME: 'only-user' }).resolve('x'), undefined);
});

test('the podman/skopeo auth file is read after the docker config', async () => {
  const authFile = await configWith('containers-auth', {
    auths: { 'quay.example.com/team/app': { auth: b64('podman-user:podman-pw') } },
  });
  const dockerDir = join(dir, 'empty-docker');
  await mkdir(dockerDir, { recursive: true });
  const base = { ...env, DOCKER_CONFIG: dockerDir, REGISTRY_AUTH_FILE: authFile };
  assert.deepEqual(await defaultCredentials({ env: base }).resolve('quay.example.com'), {
    username: 'podman-user',
    password: 'podman-pw',
  });
  await writeFile(
    join(dockerDir, 'config.json'),
    JSON.stringify({ auths: { 'quay.example.com': { auth: b64('d:dpw') } } }),
  );
  assert.deepEqual(await defaultCredentials({ env: base }).resolve('quay.example.com'), {
    username: 'd',
    password: 'dpw',
  });
});

test('static credentials bound to a registry are not sent to another one', async () => {
  const resolver = chainCredentials(staticCredentials({ username: 'u', password: 'p' }, 'https://ghcr.io'));
  assert.deepEqual(await resolver.resolve('ghcr.io'), { username: 'u', password: 'p' });
  assert.equal(await resolver.resolve('evil.example.com'), undefined);
});
