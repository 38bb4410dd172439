/**
 * The HTTP layer under the registry client: scheme choice (HTTPS, plain HTTP only for loopback or
 * --insecure-registry hosts), retries with backoff on 429/5xx and connection errors honouring
 * Retry-After, origin-scoped redirects that drop Authorization when they leave the origin, and
 * network errors turned into one-line SgciErrors, and, given a host policy, no connection to a host it
 * refuses. It knows nothing about auth or manifests.
 */
import { isIP } from 'node:net';
import type { Dispatcher } from 'undici';
import { isSgciError, SgciError } from '../../core/index.ts';
import { Agent, EnvHttpProxyAgent, errors as undiciErrors } from '../undici/index.ts';
import { HostRefusal, type HostRole, type RegistryHostPolicy, refusalError } from './host-policy.ts';

export interface RetryPolicy {
  /** Attempts in total, the first included. */
  readonly attempts: number;
  readonly baseDelayMs: number;
  /** Cap of one wait, also for Retry-After. */
  readonly maxDelayMs: number;
  /** Cap of all waits of one request together. */
  readonly maxTotalDelayMs: number;
}

export const defaultRetryPolicy: RetryPolicy = Object.freeze({
  attempts: 4,
  baseDelayMs: 250,
  maxDelayMs: 20_000,
  maxTotalDelayMs: 45_000,
});

export interface HttpRequest {
  readonly method: 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  readonly url: URL;
  readonly headers?: Record<string, string>;
  readonly body?: Uint8Array;
  /** For error messages: the reference or registry the user gave. */
  readonly input: string;
  /** Bodies of blobs stream for a long time: the timeout then bounds silence, not the whole transfer. */
  readonly streaming?: boolean;
  /** What the first host is to the request, for a refusal; default `registry` (redirects are `redirect target`). */
  readonly role?: HostRole;
}

/** One hop of a request: what goes to one URL. */
interface Hop {
  readonly method: HttpRequest['method'];
  readonly url: URL;
  readonly headers: Record<string, string>;
  readonly body: Uint8Array | undefined;
  readonly input: string;
  readonly role: HostRole;
  readonly streaming: boolean;
}

export type HttpResponse = Dispatcher.ResponseData;

const redirectStatuses = new Set([301, 302, 303, 307, 308]);
const maxRedirects = 5;

export function isLoopbackHost(host: string): boolean {
  const name = hostnameOf(host);
  if (name === 'localhost' || name.endsWith('.localhost')) return true;
  if (isIP(name) === 4) return name.startsWith('127.');
  if (isIP(name) === 6) return name === '::1' || name === '0:0:0:0:0:0:0:1';
  return false;
}

/** `[::1]:5000` → `::1`, `host:5000` → `host`. */
function hostnameOf(host: string): string {
  const lower = host.toLowerCase();
  if (lower.startsWith('[')) return lower.slice(1, lower.indexOf(']'));
  const colon = lower.lastIndexOf(':');
  return colon >= 0 && lower.indexOf(':') === colon ? lower.slice(0, colon) : lower;
}

export interface TransportOptions {
  readonly insecureRegistries: readonly string[];
  readonly requestTimeoutMs: number;
  readonly retry: RetryPolicy;
  /** Tests set this to false to check that loopback TLS errors read clearly. */
  readonly loopbackIsInsecure: boolean;
  /** Forward proxy; default from HTTPS_PROXY/HTTP_PROXY/NO_PROXY (either case). */
  readonly proxy?: ProxySettings;
  /** Hosts refused before connecting (untrusted references); none refused when absent. */
  readonly hostPolicy?: RegistryHostPolicy;
}

export interface ProxySettings {
  readonly httpsProxy?: string;
  readonly httpProxy?: string;
  readonly noProxy?: string;
}

/** The proxy environment as curl, docker and skopeo read it: lower case wins over upper case. */
export function proxyFromEnv(env: NodeJS.ProcessEnv = process.env): ProxySettings | undefined {
  const pick = (name: string) => env[name.toLowerCase()] || env[name.toUpperCase()] || undefined;
  const httpsProxy = pick('https_proxy');
  const httpProxy = pick('http_proxy');
  const noProxy = pick('no_proxy');
  if (!httpsProxy && !httpProxy) return undefined;
  return {
    ...(httpsProxy ? { httpsProxy } : {}),
    ...(httpProxy ? { httpProxy } : {}),
    ...(noProxy ? { noProxy } : {}),
  };
}

export class Transport {
  readonly #options: TransportOptions;
  readonly #secure: Dispatcher;
  readonly #insecure: Dispatcher;
  /** Through the proxy, when one is configured; loopback registries never go through it (as in Go's net/http). */
  readonly #proxiedSecure: Dispatcher | undefined;
  readonly #proxiedInsecure: Dispatcher | undefined;
  /** Insecure hosts whose scheme we found out: HTTPS tried first, plain HTTP if that fails. */
  readonly #schemes = new Map<string, Promise<'https' | 'http'>>();

  constructor(options: TransportOptions) {
    this.#options = options;
    const timeouts = {
      headersTimeout: options.requestTimeoutMs,
      bodyTimeout: options.requestTimeoutMs,
      connectTimeout: Math.min(options.requestTimeoutMs, 30_000),
    };
    const noVerify = { rejectUnauthorized: false };
    const policy = options.hostPolicy;
    // A connector function replaces undici's own, so it takes the connect timeout itself.
    const connect = (tls: { rejectUnauthorized?: boolean }) =>
      policy ? policy.connector({ ...tls, timeout: timeouts.connectTimeout }) : tls;
    this.#secure = new Agent({ ...timeouts, connect: connect({}) });
    this.#insecure = new Agent({ ...timeouts, connect: connect(noVerify) });
    const proxy = options.proxy;
    if (proxy) {
      // noProxy '' must not fall back to NO_PROXY of this process: the settings are complete as given
      const settings = {
        httpProxy: proxy.httpProxy ?? '',
        httpsProxy: proxy.httpsProxy ?? '',
        noProxy: proxy.noProxy ?? '',
      };
      this.#proxiedSecure = new EnvHttpProxyAgent({ ...timeouts, ...settings });
      this.#proxiedInsecure = new EnvHttpProxyAgent({
        ...timeouts,
        ...settings,
        connect: noVerify,
        requestTls: noVerify,
      });
    }
  }

  isInsecure(host: string): boolean {
    const lower = host.toLowerCase();
    if (this.#options.loopbackIsInsecure && isLoopbackHost(lower)) return true;
    return this.#options.insecureRegistries.some((h) => h.toLowerCase() === lower);
  }

  /** The base URL of a registry host's API, `https://host` or, found out once, `http://host`. */
  async baseUrl(host: string, input: string): Promise<string> {
    if (!this.isInsecure(host)) return `https://${host}`;
    let scheme = this.#schemes.get(host);
    if (!scheme) {
      // one probe per host, however many requests start at once
      scheme = this.#probeScheme(host, input);
      this.#schemes.set(host, scheme);
      // Only a refusal rejects; it names the request that met it, so the next request asks again.
      scheme.catch(() => this.#schemes.delete(host));
    }
    return `${await scheme}://${host}`;
  }

  async #probeScheme(host: string, input: string): Promise<'https' | 'http'> {
    const hop: Hop = {
      method: 'GET',
      url: new URL(`https://${host}/v2/`),
      headers: {},
      body: undefined,
      input,
      role: 'registry',
      streaming: false,
    };
    try {
      const response = await this.#dispatch(hop);
      await response.body.dump();
      return 'https';
    } catch (error) {
      if (isSgciError(error, 'REGISTRY_REFUSED')) throw error;
      return 'http';
    }
  }

  /**
   * Sends a request with retries and redirects. Returns any final status (the caller judges 4xx);
   * throws REGISTRY_UNREACHABLE / REGISTRY_ERROR when the registry cannot be reached or keeps failing.
   */
  async send(request: HttpRequest, signal?: AbortSignal): Promise<HttpResponse> {
    const policy = this.#options.retry;
    let waited = 0;
    for (let attempt = 1; ; attempt++) {
      let response: HttpResponse | undefined;
      let failure: unknown;
      try {
        response = await this.#follow(request, signal);
      } catch (error) {
        if (error instanceof SgciError || signal?.aborted) throw error;
        failure = error;
      }
      const retryable = response === undefined ? isRetryableError(failure) : isRetryableStatus(response.statusCode);
      if (!retryable || attempt >= policy.attempts) {
        if (response) return response;
        throw networkError(failure, request);
      }
      const retryAfter = response ? parseRetryAfter(header(response.headers, 'retry-after')) : undefined;
      const backoff = policy.baseDelayMs * 2 ** (attempt - 1);
      // Full jitter keeps many clients from retrying in lockstep. Retry-After is honoured, never cut
      // short: coming back earlier than asked only earns another 429, so a longer wait means giving up.
      const delay = retryAfter ?? Math.min(policy.maxDelayMs, Math.round(backoff / 2 + Math.random() * (backoff / 2)));
      if (delay > policy.maxDelayMs || waited + delay > policy.maxTotalDelayMs) {
        if (response) return response;
        throw networkError(failure, request);
      }
      if (response) await response.body.dump();
      waited += delay;
      await sleep(delay, signal);
    }
  }

  async #follow(request: HttpRequest, signal: AbortSignal | undefined): Promise<HttpResponse> {
    let url = request.url;
    let method = request.method;
    let headers = { ...request.headers };
    let body = request.body;
    for (let hop = 0; ; hop++) {
      const response = await this.#dispatch(
        {
          method,
          url,
          headers,
          body,
          input: request.input,
          role: hop === 0 ? (request.role ?? 'registry') : 'redirect target',
          streaming: request.streaming ?? false,
        },
        signal,
      );
      if (!redirectStatuses.has(response.statusCode)) return response;
      const location = header(response.headers, 'location');
      await response.body.dump();
      if (!location) {
        throw new SgciError('REGISTRY_ERROR', request.input, `redirect ${response.statusCode} without Location`);
      }
      if (hop >= maxRedirects) {
        throw new SgciError('REGISTRY_ERROR', request.input, `more than ${maxRedirects} redirects from ${url.host}`);
      }
      const next = new URL(location, url);
      // Plain HTTP only where the user allowed it: the same rule for the first hop and every redirect.
      if (next.protocol === 'http:' && !this.isInsecure(next.host)) {
        throw new SgciError(
          'REGISTRY_ERROR',
          request.input,
          `refusing redirect to plain HTTP (${next.host}), a host not allowed as insecure`,
        );
      }
      if (next.protocol !== 'http:' && next.protocol !== 'https:') {
        throw new SgciError('REGISTRY_ERROR', request.input, `redirect to unsupported scheme ${next.protocol}`);
      }
      if (
        response.statusCode === 303 ||
        (response.statusCode !== 307 && response.statusCode !== 308 && method === 'POST')
      ) {
        method = method === 'HEAD' ? 'HEAD' : 'GET';
        body = undefined;
      }
      // Storage redirects (S3, CDN) are other origins: our registry credentials must not travel there,
      // neither in a header nor in a body that a 307/308 would send again (an OAuth2 refresh token).
      if (next.origin !== url.origin) {
        if (body !== undefined) {
          throw new SgciError(
            'REGISTRY_ERROR',
            request.input,
            `refusing to send a request body on to another origin (${next.host}) after a ${response.statusCode} redirect`,
          );
        }
        const { authorization: _dropped, ...rest } = headers;
        headers = rest;
      }
      url = next;
    }
  }

  async #dispatch(hop: Hop, signal?: AbortSignal): Promise<HttpResponse> {
    const { method, url, headers, body, input, streaming } = hop;
    const insecure = url.protocol === 'https:' && this.isInsecure(url.host);
    const direct = isLoopbackHost(url.host) || !this.#proxiedSecure;
    // The proxy connects, not we: the policy can judge only the name, resolved here and again by the proxy.
    if (!direct) await this.#options.hostPolicy?.check(url, input, hop.role);
    const dispatcher = direct
      ? insecure
        ? this.#insecure
        : this.#secure
      : ((insecure ? this.#proxiedInsecure : this.#proxiedSecure) ?? this.#secure);
    // Non-streaming requests get a wall-clock bound; streaming ones a silence bound (bodyTimeout).
    const timeout = streaming ? undefined : AbortSignal.timeout(this.#options.requestTimeoutMs);
    // one signal is used as it is: a composite of one costs a listener, a WeakRef and a second signal per request
    const combined = signal && timeout ? AbortSignal.any([signal, timeout]) : (signal ?? timeout);
    try {
      return await dispatcher.request({
        origin: url.origin,
        path: `${url.pathname}${url.search}`,
        method,
        headers: { 'user-agent': 'sgci', ...headers },
        // undici closes the connection after every HEAD unless told otherwise (undici#258: servers that send a body
        // anyway). Registries answer HEAD by the HTTP rules, and a watch round is one HEAD per tag: reuse the
        // connection as for GET. A stray body would break only the next response on that connection, one clear error.
        ...(method === 'HEAD' ? { reset: false } : {}),
        ...(body ? { body } : {}),
        ...(combined ? { signal: combined } : {}),
      });
    } catch (error) {
      if (error instanceof HostRefusal) throw refusalError(error, hop);
      if (timeout?.aborted && !signal?.aborted) {
        throw new SgciError(
          'REGISTRY_UNREACHABLE',
          input,
          `${url.host} did not answer within ${this.#options.requestTimeoutMs} ms`,
          { cause: error },
        );
      }
      throw error;
    }
  }

  async close(): Promise<void> {
    await Promise.all(
      [this.#secure, this.#insecure, this.#proxiedSecure, this.#proxiedInsecure].map((d) => d?.close()),
    );
  }
}

export function header(headers: HttpResponse['headers'], name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function isRetryableStatus(status: number): boolean {
  return status === 429 || status === 502 || status === 503 || status === 504 || status === 500;
}

const retryableCodes = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'EPIPE',
  'ETIMEDOUT',
  'EAI_AGAIN',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_CLOSED',
]);

function isRetryableError(error: unknown): boolean {
  const code = errorCode(error);
  return code !== undefined && retryableCodes.has(code);
}

function errorCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 4 && current; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

const tlsCodes =
  /^(CERT_|DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_|ERR_TLS_|ERR_SSL_|EPROTO|HOSTNAME_MISMATCH)/;

/** One clear line per kind of network failure; the cause keeps the details for --debug. */
export function networkError(error: unknown, request: Pick<HttpRequest, 'url' | 'input'>): SgciError {
  if (error instanceof SgciError) return error;
  const host = request.url.host;
  const code = errorCode(error) ?? '';
  const options = { cause: error };
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN' || code === 'EAI_NONAME') {
    return new SgciError(
      'REGISTRY_UNREACHABLE',
      request.input,
      `cannot resolve registry host ${host} (DNS lookup failed)`,
      options,
    );
  }
  if (code === 'ECONNREFUSED') {
    return new SgciError('REGISTRY_UNREACHABLE', request.input, `registry ${host} refused the connection`, options);
  }
  if (code === 'ECONNRESET' || code === 'UND_ERR_SOCKET' || code === 'EPIPE' || code === 'UND_ERR_CLOSED') {
    return new SgciError('REGISTRY_UNREACHABLE', request.input, `connection to registry ${host} was reset`, options);
  }
  if (code === 'UND_ERR_CONNECT_TIMEOUT' || code === 'ETIMEDOUT') {
    return new SgciError('REGISTRY_UNREACHABLE', request.input, `connecting to registry ${host} timed out`, options);
  }
  if (
    code === 'UND_ERR_HEADERS_TIMEOUT' ||
    code === 'UND_ERR_BODY_TIMEOUT' ||
    error instanceof undiciErrors.BodyTimeoutError
  ) {
    return new SgciError('REGISTRY_UNREACHABLE', request.input, `registry ${host} stopped answering`, options);
  }
  if (tlsCodes.test(code)) {
    return new SgciError(
      'REGISTRY_UNREACHABLE',
      request.input,
      `TLS error talking to ${host} (${code}); use --insecure-registry ${host} only for a registry you trust`,
      options,
    );
  }
  const message = error instanceof Error ? error.message : String(error);
  return new SgciError(
    'REGISTRY_UNREACHABLE',
    request.input,
    `cannot reach registry ${host}: ${message}${code ? ` (${code})` : ''}`,
    options,
  );
}

/** What was being read when a response body failed, for the one-line error. */
export interface BodySource {
  readonly input: string;
  /** `the manifest`, `blob sha256:…`, `token response` … */
  readonly what: string;
  readonly url?: URL;
}

/**
 * A response body that broke off or went silent (undici's body timeout, the request's wall-clock
 * bound, a reset): one coded line naming what was being read and from where, never a bare undici error.
 */
export function bodyError(error: unknown, source: BodySource): SgciError {
  if (error instanceof SgciError) return error;
  const where = source.url ? `${source.what} (${source.url.href})` : source.what;
  const registry = source.url ? `registry ${source.url.host}` : 'the registry';
  const code = errorCode(error) ?? '';
  const options = { cause: error };
  if (code === 'UND_ERR_BODY_TIMEOUT' || error instanceof undiciErrors.BodyTimeoutError) {
    return new SgciError('REGISTRY_UNREACHABLE', source.input, `${registry} stopped sending ${where}`, options);
  }
  if ((error as { name?: unknown } | undefined)?.name === 'TimeoutError') {
    return new SgciError(
      'REGISTRY_UNREACHABLE',
      source.input,
      `${registry} did not finish sending ${where} within the request timeout`,
      options,
    );
  }
  if (code === 'ECONNRESET' || code === 'UND_ERR_SOCKET' || code === 'EPIPE' || code === 'UND_ERR_CLOSED') {
    return new SgciError(
      'REGISTRY_UNREACHABLE',
      source.input,
      `connection to ${registry} was reset while it sent ${where}`,
      options,
    );
  }
  return new SgciError(
    'REGISTRY_UNREACHABLE',
    source.input,
    `reading ${where} from ${registry} failed: ${error instanceof Error ? error.message : String(error)}${code ? ` (${code})` : ''}`,
    options,
  );
}

/** Retry-After is seconds or an HTTP date; undefined if absent or nonsense. */
export function parseRetryAfter(value: string | undefined, now = Date.now()): number | undefined {
  if (!value) return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
