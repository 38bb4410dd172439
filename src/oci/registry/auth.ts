/**
 * Registry authentication: learns each host's challenge from its first 401 (`Basic` or `Bearer
 * realm,service,scope`), fetches bearer tokens per scope from the realm and caches them until shortly
 * before they expire. Tokens and passwords stay in memory, never in logs or error messages.
 */
import { type Logger, SgciError } from '../../core/index.ts';
import { type AuthChallenge, splitScopes } from './auth-challenge.ts';
import type { CredentialResolver, RegistryCredentials } from './credentials.ts';
import { readBounded } from './read-body.ts';
import { TokenResponse } from './schema.ts';
import { header, type Transport } from './transport.ts';

type HostScheme =
  | { readonly kind: 'basic' }
  | { readonly kind: 'bearer'; readonly realm: string; readonly service?: string };

interface CachedToken {
  readonly value: string;
  readonly expiresAt: number;
}

/** Tokens are dropped this long before they expire, so a request never starts with a dying token. */
const expiryMarginMs = 10_000;
/** The distribution token spec's default lifetime when the issuer does not say. */
const defaultTokenLifetimeS = 60;
const maxTokenResponseBytes = 1024 * 1024;

export interface AuthOptions {
  readonly transport: Transport;
  readonly credentials: CredentialResolver | undefined;
  readonly logger: Logger;
  readonly now?: () => number;
}

export class RegistryAuth {
  readonly #options: AuthOptions;
  readonly #schemes = new Map<string, HostScheme | 'anonymous'>();
  readonly #tokens = new Map<string, CachedToken>();
  readonly #pendingTokens = new Map<string, Promise<CachedToken>>();
  readonly #credentials = new Map<string, Promise<RegistryCredentials | undefined>>();
  /** How many tokens were fetched, per cache key; tests use it to see that caching works. */
  readonly tokenFetches = new Map<string, number>();

  constructor(options: AuthOptions) {
    this.#options = options;
  }

  #now(): number {
    return this.#options.now?.() ?? Date.now();
  }

  credentialsFor(host: string): Promise<RegistryCredentials | undefined> {
    let found = this.#credentials.get(host);
    if (!found) {
      found = this.#options.credentials?.resolve(host) ?? Promise.resolve(undefined);
      this.#credentials.set(host, found);
    }
    return found;
  }

  /** The Authorization header for a request, from what we know of the host; undefined before its first 401. */
  async header(host: string, scopes: readonly string[], input: string): Promise<string | undefined> {
    const scheme = this.#schemes.get(host);
    if (scheme === undefined || scheme === 'anonymous') return undefined;
    if (scheme.kind === 'basic') {
      const credentials = await this.credentialsFor(host);
      return credentials ? basicHeader(credentials) : undefined;
    }
    const token = await this.#token(host, scheme, scopes, input);
    return `Bearer ${token.value}`;
  }

  /**
   * Handles a 401: records the host's challenge, drops a token that no longer works and returns the
   * header to retry with. Throws REGISTRY_UNAUTHORIZED when retrying cannot help.
   */
  async answerChallenge(
    host: string,
    scopes: readonly string[],
    challenges: readonly AuthChallenge[],
    input: string,
    repository: string,
  ): Promise<string> {
    const bearer = challenges.find((c) => c.scheme === 'bearer' && c.params.realm);
    const basic = challenges.find((c) => c.scheme === 'basic');
    if (bearer?.params.realm) {
      const scheme: HostScheme = {
        kind: 'bearer',
        realm: bearer.params.realm,
        ...(bearer.params.service !== undefined ? { service: bearer.params.service } : {}),
      };
      this.#schemes.set(host, scheme);
      const wanted = mergeScopes(scopes, splitScopes(bearer.params.scope));
      this.#tokens.delete(tokenKey(host, wanted));
      const token = await this.#token(host, scheme, wanted, input);
      return `Bearer ${token.value}`;
    }
    if (basic) {
      this.#schemes.set(host, { kind: 'basic' });
      const credentials = await this.credentialsFor(host);
      if (!credentials) throw needsCredentials(input, host, repository);
      return basicHeader(credentials);
    }
    throw new SgciError(
      'REGISTRY_UNAUTHORIZED',
      input,
      `registry ${host} refused access to ${repository} without a usable Basic or Bearer challenge`,
    );
  }

  /** The error for a second 401 on the same request: the credentials (or their lack) are the reason. */
  async deniedError(host: string, repository: string, input: string, action: string): Promise<SgciError> {
    const credentials = await this.credentialsFor(host);
    if (!credentials) return needsCredentials(input, host, repository);
    return new SgciError(
      'REGISTRY_UNAUTHORIZED',
      input,
      `registry ${host} rejected the credentials of user ${JSON.stringify(credentials.username)} for ${action} on ${repository}`,
    );
  }

  async #token(
    host: string,
    scheme: Extract<HostScheme, { kind: 'bearer' }>,
    scopes: readonly string[],
    input: string,
  ) {
    const key = tokenKey(host, scopes);
    const cached = this.#tokens.get(key);
    if (cached && cached.expiresAt > this.#now()) return cached;
    let pending = this.#pendingTokens.get(key);
    if (!pending) {
      pending = this.#fetchToken(host, scheme, scopes, input).finally(() => this.#pendingTokens.delete(key));
      this.#pendingTokens.set(key, pending);
    }
    const token = await pending;
    this.#tokens.set(key, token);
    return token;
  }

  async #fetchToken(
    host: string,
    scheme: Extract<HostScheme, { kind: 'bearer' }>,
    scopes: readonly string[],
    input: string,
  ): Promise<CachedToken> {
    let url: URL;
    try {
      url = new URL(scheme.realm);
    } catch {
      throw new SgciError('REGISTRY_ERROR', input, `registry ${host} names an invalid token realm`);
    }
    // The credentials below are the registry's: over plain HTTP only to a realm host itself allowed as
    // insecure (loopback, --insecure-registry), never because the registry is.
    if (url.protocol !== 'https:' && !(url.protocol === 'http:' && this.#options.transport.isInsecure(url.host))) {
      throw new SgciError(
        'REGISTRY_ERROR',
        input,
        `registry ${host} names a token realm that is not HTTPS (${url.host})`,
      );
    }
    if (url.host.toLowerCase() !== host.toLowerCase()) {
      this.#options.logger.debug(
        { registry: host, realm: url.host },
        'Token realm is on another host than the registry',
      );
    }
    if (scheme.service !== undefined) url.searchParams.set('service', scheme.service);
    for (const scope of scopes) url.searchParams.append('scope', scope);
    const credentials = await this.credentialsFor(host);
    const headers: Record<string, string> = { accept: 'application/json' };
    const started = this.#now();
    const key = tokenKey(host, scopes);
    this.tokenFetches.set(key, (this.tokenFetches.get(key) ?? 0) + 1);
    let response: Awaited<ReturnType<Transport['send']>>;
    if (credentials?.identityToken) {
      // OAuth2 refresh-token grant (distribution token spec, "OAuth2 Token Authentication"): POST a form.
      const form = new URLSearchParams({ grant_type: 'refresh_token', client_id: 'sgci' });
      if (scheme.service !== undefined) form.set('service', scheme.service);
      form.set('scope', scopes.join(' '));
      form.set('refresh_token', credentials.identityToken);
      const postUrl = new URL(scheme.realm);
      response = await this.#options.transport.send({
        method: 'POST',
        url: postUrl,
        headers: { ...headers, 'content-type': 'application/x-www-form-urlencoded' },
        body: Buffer.from(form.toString()),
        input,
        role: 'token realm',
      });
    } else {
      if (credentials) headers.authorization = basicHeader(credentials);
      response = await this.#options.transport.send({ method: 'GET', url, headers, input, role: 'token realm' });
    }
    const body = await readBounded(response.body, maxTokenResponseBytes, input, 'the token response', url);
    // OAuth2 answers a bad refresh token with 400 invalid_grant
    const refused =
      response.statusCode === 401 ||
      response.statusCode === 403 ||
      (credentials?.identityToken !== undefined && response.statusCode === 400);
    if (refused) {
      const repository = scopes[0]?.split(':')[1] ?? host;
      if (!credentials) throw needsCredentials(input, host, repository);
      throw new SgciError(
        'REGISTRY_UNAUTHORIZED',
        input,
        `token service of ${host} rejected the credentials of user ${JSON.stringify(credentials.username)} for ${repository}`,
      );
    }
    if (response.statusCode !== 200) {
      throw new SgciError('REGISTRY_ERROR', input, `token service of ${host} answered HTTP ${response.statusCode}`);
    }
    let json: unknown;
    try {
      json = JSON.parse(Buffer.from(body).toString('utf8'));
    } catch {
      throw new SgciError('REGISTRY_ERROR', input, `token service of ${host} answered no JSON`);
    }
    const parsed = TokenResponse.safeParse(json);
    const value = parsed.success ? (parsed.data.token ?? parsed.data.access_token) : undefined;
    if (!parsed.success || !value) {
      throw new SgciError('REGISTRY_ERROR', input, `token service of ${host} answered without a token`);
    }
    const lifetimeS = Math.max(parsed.data.expires_in ?? defaultTokenLifetimeS, defaultTokenLifetimeS);
    const issuedAt = parsed.data.issued_at ? Date.parse(parsed.data.issued_at) : Number.NaN;
    // A skewed issuer clock must not make us trust a token longer than we have actually held it.
    const base = Number.isNaN(issuedAt) ? started : Math.min(issuedAt, started);
    this.#options.logger.debug(
      { host, scopes, lifetimeS, contentType: header(response.headers, 'content-type') },
      'Fetched registry token',
    );
    return { value, expiresAt: base + lifetimeS * 1000 - expiryMarginMs };
  }
}

function basicHeader(credentials: RegistryCredentials): string {
  return `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64')}`;
}

function tokenKey(host: string, scopes: readonly string[]): string {
  return `${host} ${[...scopes].sort().join(' ')}`;
}

/** Our scopes plus what the challenge asked for, each once, in a stable order. */
function mergeScopes(ours: readonly string[], challenged: readonly string[]): string[] {
  return [...new Set([...ours, ...challenged])].sort();
}

function needsCredentials(input: string, host: string, repository: string): SgciError {
  return new SgciError(
    'REGISTRY_UNAUTHORIZED',
    input,
    `registry ${host} requires credentials for ${repository} (use --username with --password-stdin, ` +
      'SGCI_REGISTRY_USERNAME/SGCI_REGISTRY_PASSWORD or docker login)',
  );
}
