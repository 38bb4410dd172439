/**
 * Where registry credentials come from, in the order a user expects: explicit flags, then the
 * SGCI_REGISTRY_USERNAME/SGCI_REGISTRY_PASSWORD environment, then ~/.docker/config.json (`auths`,
 * `credHelpers`, `credsStore`). Credentials are values handed to the client, never logged.
 */
import { type ExecFileException, execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { describe, type Logger, SgciError, silentLogger } from '../../core/index.ts';
import { DockerConfig, DockerCredentialHelperOutput } from './schema.ts';

export interface RegistryCredentials {
  readonly username: string;
  readonly password: string;
  /**
   * An OAuth2 refresh token (docker config `identitytoken`, or a credential helper answering with
   * user `<token>`, as `az acr login` sets up): exchanged at the token realm instead of the password.
   */
  readonly identityToken?: string;
}

/** The user name credential helpers give for an identity token. */
const identityTokenUser = '<token>';

/** Finds credentials for one registry host (`docker.io`, `ghcr.io`, `127.0.0.1:5000`). */
export interface CredentialResolver {
  resolve(registry: string): Promise<RegistryCredentials | undefined>;
}

/** Docker Hub's names: users write `docker.io`, config.json keys it under the old index URL. */
const dockerHubAliases = ['docker.io', 'index.docker.io', 'registry-1.docker.io', 'registry.hub.docker.com'];
const dockerHubServerUrl = 'https://index.docker.io/v1/';

export function isDockerHub(registry: string): boolean {
  return dockerHubAliases.includes(registry.toLowerCase());
}

/** One pair for every registry (or only `registry` when given), as from `--username`/`--password-stdin`. */
export function staticCredentials(credentials: RegistryCredentials, registry?: string): CredentialResolver {
  return {
    async resolve(host) {
      if (registry === undefined || sameRegistry(host, registry)) return credentials;
      return undefined;
    },
  };
}

/** SGCI_REGISTRY_USERNAME + SGCI_REGISTRY_PASSWORD, for CI jobs. */
export function credentialsFromEnv(env: NodeJS.ProcessEnv = process.env): CredentialResolver {
  return {
    async resolve() {
      const username = env.SGCI_REGISTRY_USERNAME;
      const password = env.SGCI_REGISTRY_PASSWORD;
      return username && password !== undefined ? { username, password } : undefined;
    },
  };
}

export interface DockerConfigOptions {
  /** Path of config.json; default `$DOCKER_CONFIG/config.json` or `~/.docker/config.json`. */
  readonly configPath?: string;
  /** Environment for the credential helpers (PATH) and DOCKER_CONFIG. */
  readonly env?: NodeJS.ProcessEnv;
  readonly logger?: Logger;
  /** Bound on one `docker-credential-*` run. */
  readonly helperTimeoutMs?: number;
}

/** Reads ~/.docker/config.json the way the docker CLI does. A missing file means no credentials. */
export function credentialsFromDocker(options: DockerConfigOptions = {}): CredentialResolver {
  const env = options.env ?? process.env;
  const configPath =
    options.configPath ?? join(env.DOCKER_CONFIG || join(env.HOME || homedir(), '.docker'), 'config.json');
  const logger = options.logger ?? silentLogger;
  let loaded: Promise<DockerConfig | undefined> | undefined;
  const load = () => {
    loaded ??= readDockerConfig(configPath);
    return loaded;
  };
  return {
    async resolve(registry) {
      const config = await load();
      if (!config) return undefined;
      const hub = isDockerHub(registry);
      const keys = hub ? [dockerHubServerUrl, ...dockerHubAliases] : [registry];
      for (const key of keys) {
        const helper = findByHost(config.credHelpers ?? {}, key);
        if (helper) return runCredentialHelper(helper, hub ? dockerHubServerUrl : registry, env, logger, options);
      }
      for (const key of keys) {
        const entry = findByHost(config.auths ?? {}, key);
        if (entry) {
          const credentials = decodeAuthEntry(entry, configPath, registry);
          if (credentials) return credentials;
        }
      }
      if (config.credsStore) {
        return runCredentialHelper(config.credsStore, hub ? dockerHubServerUrl : registry, env, logger, options);
      }
      return undefined;
    },
  };
}

/**
 * The auth file of podman, skopeo and buildah (same `auths` format as docker's): $REGISTRY_AUTH_FILE,
 * else $XDG_RUNTIME_DIR/containers/auth.json, else $XDG_CONFIG_HOME/containers/auth.json.
 */
export function credentialsFromContainersAuth(
  options: Omit<DockerConfigOptions, 'configPath'> = {},
): CredentialResolver {
  const env = options.env ?? process.env;
  const home = env.HOME || homedir();
  const paths = env.REGISTRY_AUTH_FILE
    ? [env.REGISTRY_AUTH_FILE]
    : [
        ...(env.XDG_RUNTIME_DIR ? [join(env.XDG_RUNTIME_DIR, 'containers', 'auth.json')] : []),
        join(env.XDG_CONFIG_HOME || join(home, '.config'), 'containers', 'auth.json'),
      ];
  return chainCredentials(...paths.map((configPath) => credentialsFromDocker({ ...options, configPath })));
}

/** The first resolver that knows the registry wins. */
export function chainCredentials(...resolvers: readonly (CredentialResolver | undefined)[]): CredentialResolver {
  return {
    async resolve(registry) {
      for (const resolver of resolvers) {
        const found = await resolver?.resolve(registry);
        if (found) return found;
      }
      return undefined;
    },
  };
}

/** Flags, then env, then docker config, then the podman/skopeo auth file: what the CLI uses. */
export function defaultCredentials(
  options: { username?: string; password?: string; env?: NodeJS.ProcessEnv; logger?: Logger } = {},
): CredentialResolver {
  const explicit =
    options.username !== undefined && options.password !== undefined
      ? staticCredentials({ username: options.username, password: options.password })
      : undefined;
  const env = options.env ?? process.env;
  const shared = { env, ...(options.logger ? { logger: options.logger } : {}) };
  return chainCredentials(
    explicit,
    credentialsFromEnv(env),
    credentialsFromDocker(shared),
    credentialsFromContainersAuth(shared),
  );
}

async function readDockerConfig(path: string): Promise<DockerConfig | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new SgciError('CREDENTIALS_INVALID', path, `cannot read docker config: ${describe(error)}`, { cause: error });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new SgciError('CREDENTIALS_INVALID', path, 'docker config is not valid JSON', { cause: error });
  }
  const parsed = DockerConfig.safeParse(json);
  if (!parsed.success) {
    throw new SgciError('CREDENTIALS_INVALID', path, 'docker config has an unexpected shape (auths/credHelpers)');
  }
  return parsed.data;
}

/** `https://registry.example.com/v2/` and `registry.example.com` name the same registry. */
function hostOfKey(key: string): string {
  return key
    .replace(/^[a-z]+:\/\//i, '')
    .replace(/\/.*$/, '')
    .toLowerCase();
}

function sameRegistry(a: string, b: string): boolean {
  const x = hostOfKey(a);
  const y = hostOfKey(b);
  return x === y || (isDockerHub(x) && isDockerHub(y));
}

function findByHost<T>(map: Readonly<Record<string, T>>, registry: string): T | undefined {
  if (registry in map) return map[registry];
  const host = hostOfKey(registry);
  for (const [key, value] of Object.entries(map)) if (hostOfKey(key) === host) return value;
  return undefined;
}

function decodeAuthEntry(
  entry: {
    auth?: string | undefined;
    username?: string | undefined;
    password?: string | undefined;
    identitytoken?: string | undefined;
  },
  configPath: string,
  registry: string,
): RegistryCredentials | undefined {
  if (entry.identitytoken) {
    const user = entry.auth ? Buffer.from(entry.auth, 'base64').toString('utf8').split(':')[0] : entry.username;
    return { username: user || identityTokenUser, password: '', identityToken: entry.identitytoken };
  }
  if (entry.auth) {
    const decoded = Buffer.from(entry.auth, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon <= 0) {
      throw new SgciError('CREDENTIALS_INVALID', configPath, `auths entry for ${registry} is not base64 user:password`);
    }
    return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
  }
  if (entry.username && entry.password !== undefined) return { username: entry.username, password: entry.password };
  return undefined;
}

/**
 * Runs `docker-credential-<name> get` with the server URL on stdin (the docker credential helper
 * protocol). "Not found" answers mean no credentials; a missing helper is a warning, not an error,
 * because a leftover `credsStore` must not block anonymous pulls.
 */
async function runCredentialHelper(
  name: string,
  serverUrl: string,
  env: NodeJS.ProcessEnv,
  logger: Logger,
  options: DockerConfigOptions,
): Promise<RegistryCredentials | undefined> {
  if (!/^[A-Za-z0-9._-]+$/.test(name)) {
    throw new SgciError('CREDENTIALS_INVALID', `docker-credential-${name}`, 'credential helper name is not valid');
  }
  const program = `docker-credential-${name}`;
  const result = await new Promise<{ stdout: string; error?: ExecFileException }>((resolve) => {
    const child = execFile(
      program,
      ['get'],
      { env, timeout: options.helperTimeoutMs ?? 15_000, maxBuffer: 1024 * 1024 },
      (error, stdout) => resolve({ stdout: String(stdout), ...(error ? { error } : {}) }),
    );
    child.stdin?.on('error', () => {});
    child.stdin?.end(serverUrl);
  });
  if (result.error) {
    if (result.error.code === 'ENOENT') {
      logger.warn(
        { helper: program, registry: serverUrl },
        'Credential helper not found; continuing without credentials',
      );
      return undefined;
    }
    if (/not found|no credentials/i.test(result.stdout)) return undefined;
    if (result.error.killed) {
      throw new SgciError('CREDENTIALS_INVALID', program, `credential helper did not answer for ${serverUrl}`);
    }
    logger.warn({ helper: program, registry: serverUrl }, 'Credential helper failed; continuing without credentials');
    return undefined;
  }
  let json: unknown;
  try {
    json = JSON.parse(result.stdout);
  } catch {
    throw new SgciError('CREDENTIALS_INVALID', program, `credential helper answered no JSON for ${serverUrl}`);
  }
  const parsed = DockerCredentialHelperOutput.safeParse(json);
  if (!parsed.success) {
    throw new SgciError(
      'CREDENTIALS_INVALID',
      program,
      `credential helper answer for ${serverUrl} lacks Username/Secret`,
    );
  }
  if (parsed.data.Username === identityTokenUser) {
    return { username: identityTokenUser, password: '', identityToken: parsed.data.Secret };
  }
  return { username: parsed.data.Username, password: parsed.data.Secret };
}
