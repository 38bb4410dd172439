/**
 * OCI Distribution Spec 1.1 client on undici: manifests, blobs, tags, referrers, and pushes.
 * Every byte read is verified against its digest while it streams; every body read into memory is
 * bounded by `Limits`; blobs land in a content-addressed cache only after they verified.
 */
import { PassThrough, pipeline, Readable, Transform, type TransformCallback } from 'node:stream';
import {
  type Digest,
  DigestVerifier,
  digestAlgorithm,
  digestOf,
  isDigest,
  type Limits,
  type Logger,
  parseDigest,
  SgciError,
  silentLogger,
} from '../../core/index.ts';
import { ImageIndex, mediaTypes } from '../image/schema.ts';
import type { RegistryReference } from '../reference/types.ts';
import { RegistryAuth } from './auth.ts';
import { parseAuthChallenges } from './auth-challenge.ts';
import { type CredentialResolver, isDockerHub } from './credentials.ts';
import type { RegistryHostPolicy } from './host-policy.ts';
import { readBounded } from './read-body.ts';
import { RegistryErrorBody, TagList } from './schema.ts';
import {
  type BodySource,
  bodyError,
  defaultRetryPolicy,
  type HttpRequest,
  type HttpResponse,
  header,
  type ProxySettings,
  proxyFromEnv,
  type RetryPolicy,
  Transport,
} from './transport.ts';

/** What the client needs of a blob cache; `BlobCache` from src/cache fits (oci must not import cache). */
export interface BlobStore {
  open(digest: Digest, expectedSize?: number): Promise<Readable | undefined>;
  remove(digest: Digest): Promise<void>;
  createWriter(digest: Digest): Promise<{
    write(chunk: Uint8Array): Promise<void>;
    commit(): Promise<void>;
    abort(): Promise<void>;
  }>;
}

export interface RegistryClientOptions {
  readonly credentials?: CredentialResolver;
  readonly insecureRegistries?: readonly string[];
  readonly limits: Limits;
  readonly logger?: Logger;
  readonly cache?: BlobStore;
  readonly retry?: Partial<RetryPolicy>;
  /** Default true, as docker does: loopback registries may speak plain HTTP or self-signed TLS. */
  readonly loopbackIsInsecure?: boolean;
  /** Forward proxy; default from HTTPS_PROXY/HTTP_PROXY/NO_PROXY. `null` means no proxy. */
  readonly proxy?: ProxySettings | null;
  /** Clock for token expiry; tests move it forward instead of waiting. */
  readonly now?: () => number;
  /**
   * Refuses loopback, private, metadata … hosts for the registry, every redirect and every token realm (the
   * server pulls references from untrusted users). Absent: every host may be reached, as the CLI needs.
   */
  readonly hostPolicy?: RegistryHostPolicy;
  /**
   * Sees every final response of a registry request (after retries and redirects), before its body is read: the
   * monitor counts requests and reads the rate-limit headers there. It must not throw or touch the body.
   */
  readonly onResponse?: (response: RegistryResponseInfo) => void;
}

/** What `onResponse` sees of a response: no body, and headers as undici gives them (lower-case names). */
export interface RegistryResponseInfo {
  readonly method: string;
  readonly host: string;
  readonly status: number;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
}

export interface RequestOptions {
  /** Manifest media types to ask for; default manifestAcceptTypes. */
  readonly accept?: readonly string[];
  /** Ends the request, its body included, with the signal's reason (the image deadline). */
  readonly signal?: AbortSignal;
}

export interface ManifestResult {
  readonly digest: Digest;
  readonly mediaType: string;
  readonly bytes: Uint8Array;
}

export interface ManifestHead {
  readonly digest: Digest;
  readonly mediaType: string;
  readonly size: number;
  /** `head`: the registry's Docker-Content-Digest; `get`: it sent none, so the manifest was fetched and hashed. */
  readonly source: 'head' | 'get';
}

export interface BlobRef {
  readonly digest: string;
  readonly size?: number;
}

/** Manifest and index types we ask for, newest first; schema 1 is deliberately absent. */
export const manifestAcceptTypes: readonly string[] = [
  mediaTypes.ociIndex,
  mediaTypes.ociManifest,
  mediaTypes.dockerManifestList,
  mediaTypes.dockerManifest,
];

const schema1Types = new Set<string>([mediaTypes.dockerManifestV1, mediaTypes.dockerManifestV1Signed]);
const maxErrorBodyBytes = 64 * 1024;
const maxTagPages = 10_000;
const maxTags = 1_000_000;

// distribution reference grammar: path components of lower-case alphanumerics joined by separators
const repositoryPattern = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$/;
const tagPattern = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;

export function formatReference(ref: RegistryReference): string {
  return `${ref.registry}/${ref.repository}${ref.tag ? `:${ref.tag}` : ''}${ref.digest ? `@${ref.digest}` : ''}`;
}

export class RegistryClient {
  readonly #limits: Limits;
  readonly #logger: Logger;
  readonly #cache: BlobStore | undefined;
  readonly #transport: Transport;
  readonly #auth: RegistryAuth;
  readonly #onResponse: RegistryClientOptions['onResponse'];

  constructor(options: RegistryClientOptions) {
    this.#limits = options.limits;
    this.#onResponse = options.onResponse;
    this.#logger = options.logger ?? silentLogger;
    this.#cache = options.cache;
    this.#transport = new Transport({
      insecureRegistries: options.insecureRegistries ?? [],
      requestTimeoutMs: options.limits.requestTimeoutMs,
      retry: { ...defaultRetryPolicy, ...options.retry },
      loopbackIsInsecure: options.loopbackIsInsecure ?? true,
      ...proxyOption(options.proxy),
      ...(options.hostPolicy ? { hostPolicy: options.hostPolicy } : {}),
    });
    this.#auth = new RegistryAuth({
      transport: this.#transport,
      credentials: options.credentials,
      logger: this.#logger,
      ...(options.now ? { now: options.now } : {}),
    });
  }

  /** Token fetches per host+scope so far (for tests and debug logs; holds no secrets). */
  get tokenFetches(): ReadonlyMap<string, number> {
    return this.#auth.tokenFetches;
  }

  async close(): Promise<void> {
    await this.#transport.close();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  /**
   * Fetches a manifest or index by tag or digest, verified against `ref.digest` when given, else
   * against the Docker-Content-Digest header when the registry sends one.
   */
  async getManifest(ref: RegistryReference, opts: RequestOptions = {}): Promise<ManifestResult> {
    const input = formatReference(ref);
    const url = await this.#endpoint(ref, `manifests/${manifestSelector(ref, input)}`);
    const response = await this.#request(
      ref,
      'pull',
      { method: 'GET', url, headers: { accept: (opts.accept ?? manifestAcceptTypes).join(', ') } },
      opts.signal,
    );
    if (response.statusCode !== 200) throw await this.#statusError(response, ref, input, 'manifest');
    const contentType = mediaTypeOf(header(response.headers, 'content-type'));
    if (contentType && schema1Types.has(contentType)) {
      await response.body.dump();
      throw schema1Error(input);
    }
    const length = Number(header(response.headers, 'content-length'));
    if (Number.isFinite(length) && length > this.#limits.maxManifestBytes) {
      await response.body.dump();
      throw new SgciError(
        'LIMIT_EXCEEDED',
        input,
        `manifest has ${length} bytes, limit is ${this.#limits.maxManifestBytes}`,
      );
    }
    const bytes = await readBounded(response.body, this.#limits.maxManifestBytes, input, 'the manifest', url);
    const digest = verifyManifestDigest(bytes, ref, header(response.headers, 'docker-content-digest'), input);
    const mediaType = manifestMediaType(bytes, contentType, input);
    return { digest, mediaType, bytes };
  }

  /** Digest, media type and size of a manifest without its body (falls back to GET if the registry omits the digest). */
  async headManifest(ref: RegistryReference, opts: RequestOptions = {}): Promise<ManifestHead> {
    const input = formatReference(ref);
    const response = await this.#request(
      ref,
      'pull',
      {
        method: 'HEAD',
        url: await this.#endpoint(ref, `manifests/${manifestSelector(ref, input)}`),
        headers: { accept: (opts.accept ?? manifestAcceptTypes).join(', ') },
      },
      opts.signal,
    );
    await response.body.dump();
    if (response.statusCode !== 200) throw await this.#statusError(response, ref, input, 'manifest');
    const contentType = mediaTypeOf(header(response.headers, 'content-type'));
    if (contentType && schema1Types.has(contentType)) throw schema1Error(input);
    const headerDigest = header(response.headers, 'docker-content-digest');
    const size = Number(header(response.headers, 'content-length'));
    if (headerDigest && isDigest(headerDigest) && contentType && Number.isFinite(size)) {
      if (ref.digest && headerDigest !== ref.digest) {
        throw new SgciError('DIGEST_MISMATCH', input, `registry reports digest ${headerDigest} for ${ref.digest}`);
      }
      return { digest: headerDigest, mediaType: contentType, size, source: 'head' };
    }
    const full = await this.getManifest(ref, opts);
    return { digest: full.digest, mediaType: full.mediaType, size: full.bytes.length, source: 'get' };
  }

  /**
   * A blob as a stream, verified while it flows: the stream errors with DIGEST_MISMATCH (naming the
   * digest) instead of ending when the bytes are wrong. Served from the cache when it has the blob;
   * otherwise fetched and written to the cache, which keeps it only once it verified.
   */
  async getBlob(ref: RegistryReference, blob: BlobRef, signal?: AbortSignal): Promise<Readable> {
    const input = formatReference(ref);
    const digest = parseDigest(blob.digest, input);
    const size = blob.size;
    if (size !== undefined && size > this.#limits.maxBlobBytes) {
      throw new SgciError(
        'LIMIT_EXCEEDED',
        input,
        `blob ${digest} has ${size} bytes, limit is ${this.#limits.maxBlobBytes}`,
      );
    }
    const cached = await this.#cache?.open(digest, size).catch((error: unknown) => {
      this.#logger.warn({ digest, error: String(error) }, 'Blob cache not readable; fetching from the registry');
      return undefined;
    });
    if (cached) return this.#verifiedFromCache(cached, digest, size, input);

    const url = await this.#endpoint(ref, `blobs/${digest}`);
    const response = await this.#request(ref, 'pull', { method: 'GET', url, streaming: true }, signal);
    if (response.statusCode !== 200) throw await this.#statusError(response, ref, input, `blob ${digest}`);
    const length = Number(header(response.headers, 'content-length'));
    if (Number.isFinite(length)) {
      if (size !== undefined && length !== size) {
        await response.body.dump();
        throw new SgciError(
          'DIGEST_MISMATCH',
          input,
          `blob ${digest} is served with ${length} bytes, descriptor says ${size}`,
        );
      }
      if (length > this.#limits.maxBlobBytes) {
        await response.body.dump();
        throw new SgciError(
          'LIMIT_EXCEEDED',
          input,
          `blob ${digest} has ${length} bytes, limit is ${this.#limits.maxBlobBytes}`,
        );
      }
    }
    let verifier: DigestVerifier = new DigestVerifier(digest, input, size);
    if (this.#cache) {
      try {
        verifier = new CachingVerifier(digest, input, size, await this.#cache.createWriter(digest), this.#logger);
      } catch (error) {
        this.#logger.warn({ digest, error: String(error) }, 'Blob cache not writable; streaming without caching');
      }
    }
    const stages: Transform[] = [new SizeLimit(this.#limits.maxBlobBytes, digest, input), verifier];
    const out = new PassThrough({ highWaterMark: 256 * 1024 });
    const body = namedBodyErrors(response.body, { input, what: `blob ${digest}`, url });
    pipeline([Readable.from(body, { objectMode: false }), ...stages, out], () => {});
    return out;
  }

  /** A whole blob in memory, for configs and signatures; fails past `maxBytes` without reading further. */
  async getBlobBytes(
    ref: RegistryReference,
    blob: BlobRef,
    maxBytes: number,
    signal?: AbortSignal,
  ): Promise<Uint8Array> {
    const input = formatReference(ref);
    if (blob.size !== undefined && blob.size > maxBytes) {
      throw new SgciError('LIMIT_EXCEEDED', input, `blob ${blob.digest} has ${blob.size} bytes, limit is ${maxBytes}`);
    }
    const stream = await this.getBlob(ref, blob, signal);
    return readBounded(stream, maxBytes, input, `blob ${blob.digest}`);
  }

  /** Uploads a blob (monolithic POST + PUT) unless the registry already has it. */
  async pushBlob(ref: RegistryReference, bytes: Uint8Array): Promise<{ digest: Digest; size: number }> {
    const input = formatReference(ref);
    const digest = digestOf(bytes);
    const result = { digest, size: bytes.length };
    const exists = await this.#request(ref, 'pull,push', { method: 'HEAD', path: `blobs/${digest}` });
    await exists.body.dump();
    if (exists.statusCode === 200) return result;

    const started = await this.#request(ref, 'pull,push', { method: 'POST', path: 'blobs/uploads/' });
    if (started.statusCode !== 202) throw await this.#statusError(started, ref, input, 'blob upload');
    await started.body.dump();
    const location = header(started.headers, 'location');
    if (!location) throw new SgciError('REGISTRY_ERROR', input, 'blob upload started without a Location');
    const base = await this.#transport.baseUrl(wireHost(ref.registry), input);
    const uploadUrl = new URL(location, `${base}/v2/${wireRepository(ref)}/blobs/uploads/`);
    uploadUrl.searchParams.set('digest', digest);
    const finished = await this.#request(ref, 'pull,push', {
      method: 'PUT',
      url: uploadUrl,
      headers: { 'content-type': 'application/octet-stream', 'content-length': String(bytes.length) },
      body: bytes,
    });
    if (finished.statusCode !== 201) throw await this.#statusError(finished, ref, input, `blob ${digest} upload`);
    await finished.body.dump();
    return result;
  }

  /** Uploads a manifest under `ref.tag`, else `ref.digest`; returns the digest of the bytes. */
  async pushManifest(ref: RegistryReference, bytes: Uint8Array, mediaType: string): Promise<Digest> {
    const input = formatReference(ref);
    const digest = ref.digest ? digestOf(bytes, digestAlgorithm(ref.digest)) : digestOf(bytes);
    if (ref.digest && digest !== ref.digest) {
      throw new SgciError('DIGEST_MISMATCH', input, `manifest to push does not match digest ${ref.digest}`);
    }
    if (bytes.length > this.#limits.maxManifestBytes) {
      throw new SgciError(
        'LIMIT_EXCEEDED',
        input,
        `manifest has ${bytes.length} bytes, limit is ${this.#limits.maxManifestBytes}`,
      );
    }
    const selector = ref.tag ? checkedTag(ref.tag, input) : digest;
    const response = await this.#request(ref, 'pull,push', {
      method: 'PUT',
      path: `manifests/${selector}`,
      headers: { 'content-type': mediaType, 'content-length': String(bytes.length) },
      body: bytes,
    });
    if (response.statusCode !== 201) throw await this.#statusError(response, ref, input, 'manifest upload');
    await response.body.dump();
    const reported = header(response.headers, 'docker-content-digest');
    if (
      reported &&
      isDigest(reported) &&
      digestAlgorithm(reported) === digestAlgorithm(digest) &&
      reported !== digest
    ) {
      throw new SgciError('DIGEST_MISMATCH', input, `registry stored the manifest as ${reported}, expected ${digest}`);
    }
    return digest;
  }

  /** All tags of the repository, following `Link: <…>; rel="next"` pagination. */
  async listTags(ref: RegistryReference, opts: { pageSize?: number } = {}): Promise<string[]> {
    const input = formatReference(ref);
    const tags: string[] = [];
    let next: string | undefined = `tags/list?n=${opts.pageSize ?? 1000}`;
    for (let page = 0; next !== undefined; page++) {
      if (page >= maxTagPages) throw new SgciError('LIMIT_EXCEEDED', input, `more than ${maxTagPages} pages of tags`);
      const url = next.startsWith('tags/')
        ? await this.#endpoint(ref, next)
        : new URL(next, await this.#transport.baseUrl(wireHost(ref.registry), input));
      const response = await this.#request(ref, 'pull', { method: 'GET', url });
      if (response.statusCode !== 200) throw await this.#statusError(response, ref, input, 'tag list');
      const body = await readBounded(response.body, this.#limits.maxManifestBytes, input, 'the tag list', url);
      const parsed = TagList.safeParse(parseJson(body));
      if (!parsed.success) throw new SgciError('REGISTRY_ERROR', input, 'tag list is not the expected JSON');
      for (const tag of parsed.data.tags ?? []) tags.push(tag);
      if (tags.length > maxTags) throw new SgciError('LIMIT_EXCEEDED', input, `more than ${maxTags} tags`);
      next = nextLink(header(response.headers, 'link'));
    }
    return tags;
  }

  /**
   * The referrers index of `ref.digest` (OCI 1.1), or undefined when the registry has no referrers
   * API, so the caller falls back to the `sha256-<hex>` tag schema.
   */
  async referrers(ref: RegistryReference, artifactType?: string): Promise<ImageIndex | undefined> {
    const input = formatReference(ref);
    if (!ref.digest) throw new SgciError('REFERENCE_INVALID', input, 'referrers need a reference with a digest');
    const query = artifactType ? `?artifactType=${encodeURIComponent(artifactType)}` : '';
    const url = await this.#endpoint(ref, `referrers/${ref.digest}${query}`);
    const response = await this.#request(ref, 'pull', {
      method: 'GET',
      url,
      headers: { accept: mediaTypes.ociIndex },
    });
    if (response.statusCode === 404) {
      await response.body.dump();
      return undefined;
    }
    if (response.statusCode !== 200) throw await this.#statusError(response, ref, input, 'referrers');
    const body = await readBounded(response.body, this.#limits.maxManifestBytes, input, 'the referrers index', url);
    const parsed = ImageIndex.safeParse(parseJson(body));
    if (!parsed.success) throw new SgciError('MANIFEST_INVALID', input, 'referrers answer is not an OCI image index');
    const filtered = header(response.headers, 'oci-filters-applied')
      ?.split(',')
      .map((s) => s.trim());
    if (artifactType && !filtered?.includes('artifactType')) {
      return { ...parsed.data, manifests: parsed.data.manifests.filter((m) => m.artifactType === artifactType) };
    }
    return parsed.data;
  }

  #verifiedFromCache(cached: Readable, digest: Digest, size: number | undefined, input: string): Readable {
    const out = new PassThrough({ highWaterMark: 256 * 1024 });
    const cache = this.#cache;
    const verifier = new CachedBlobVerifier(digest, `${input} (cached)`, size, () => cache?.remove(digest));
    pipeline(cached, verifier, out, () => {});
    return out;
  }

  /**
   * One authenticated request against `/v2/<repository>/…`: sends what we know, answers one 401
   * challenge, retries once, and turns a second 401 into REGISTRY_UNAUTHORIZED.
   */
  async #request(
    ref: RegistryReference,
    actions: string,
    request: {
      method: HttpRequest['method'];
      path?: string;
      url?: URL;
      headers?: Record<string, string>;
      body?: Uint8Array;
      streaming?: boolean;
    },
    signal?: AbortSignal,
  ): Promise<HttpResponse> {
    const input = formatReference(ref);
    const host = wireHost(ref.registry);
    const repository = wireRepository(ref);
    const url = request.url ?? (await this.#endpoint(ref, request.path ?? ''));
    const scopes = [`repository:${repository}:${actions}`];
    const send = async (authorization: string | undefined) => {
      const response = await this.#transport.send(
        {
          method: request.method,
          url,
          headers: { ...request.headers, ...(authorization ? { authorization } : {}) },
          input,
          ...(request.body ? { body: request.body } : {}),
          ...(request.streaming ? { streaming: true } : {}),
        },
        signal,
      );
      this.#onResponse?.({ method: request.method, host, status: response.statusCode, headers: response.headers });
      return response;
    };
    // A Location on another host (upload URLs, pagination links) gets no registry credentials.
    if (url.host !== host) return send(undefined);
    const first = await send(await this.#auth.header(host, scopes, input));
    if (first.statusCode !== 401) return first;
    await first.body.dump();
    const challenges = parseAuthChallenges(first.headers['www-authenticate']);
    const authorization = await this.#auth.answerChallenge(host, scopes, challenges, input, repository);
    const second = await send(authorization);
    if (second.statusCode !== 401) return second;
    await second.body.dump();
    throw await this.#auth.deniedError(host, repository, input, actions.includes('push') ? 'push' : 'pull');
  }

  /** `<base>/v2/<repository>/<path>` of the registry, its scheme found out once per host. */
  async #endpoint(ref: RegistryReference, path: string): Promise<URL> {
    const base = await this.#transport.baseUrl(wireHost(ref.registry), formatReference(ref));
    return new URL(`${base}/v2/${wireRepository(ref)}/${path}`);
  }

  async #statusError(response: HttpResponse, ref: RegistryReference, input: string, what: string): Promise<SgciError> {
    const status = response.statusCode;
    let detail = '';
    if (response.body) {
      try {
        const body = await readBounded(response.body, maxErrorBodyBytes, input, 'error body');
        const parsed = RegistryErrorBody.safeParse(parseJson(body, true));
        const first = parsed.success ? parsed.data.errors?.[0] : undefined;
        if (first) detail = oneLine(`${first.code ?? ''} ${first.message ?? ''}`);
      } catch {
        // the status alone still says enough
      }
    }
    const suffix = detail ? ` (${detail})` : '';
    if (status === 404) {
      return new SgciError(
        'SOURCE_NOT_FOUND',
        input,
        `${what} not found in ${ref.registry}/${ref.repository}${suffix}`,
      );
    }
    if (status === 403) {
      return new SgciError(
        'REGISTRY_UNAUTHORIZED',
        input,
        `registry ${ref.registry} denied access to ${ref.repository}${suffix}`,
      );
    }
    if (status === 429) {
      return new SgciError(
        'REGISTRY_ERROR',
        input,
        `registry ${ref.registry} kept rate-limiting the ${what} request (HTTP 429)`,
      );
    }
    return new SgciError(
      'REGISTRY_ERROR',
      input,
      `registry ${ref.registry} answered HTTP ${status} for the ${what}${suffix}`,
    );
  }
}

function proxyOption(proxy: ProxySettings | null | undefined): { proxy?: ProxySettings } {
  if (proxy === null) return {};
  const settings = proxy ?? proxyFromEnv();
  return settings ? { proxy: settings } : {};
}

/** Docker Hub: `docker.io` in references, `registry-1.docker.io` on the wire. */
export function wireHost(registry: string): string {
  return isDockerHub(registry) ? 'registry-1.docker.io' : registry;
}

function wireRepository(ref: RegistryReference): string {
  const input = formatReference(ref);
  const repository =
    isDockerHub(ref.registry) && !ref.repository.includes('/') ? `library/${ref.repository}` : ref.repository;
  if (!repositoryPattern.test(repository) || repository.length > 255) {
    throw new SgciError('REFERENCE_INVALID', input, `not a valid repository name: ${JSON.stringify(repository)}`);
  }
  return repository;
}

function checkedTag(tag: string, input: string): string {
  if (!tagPattern.test(tag)) throw new SgciError('REFERENCE_INVALID', input, `not a valid tag: ${JSON.stringify(tag)}`);
  return tag;
}

function manifestSelector(ref: RegistryReference, input: string): string {
  if (ref.digest) return parseDigest(ref.digest, input);
  return checkedTag(ref.tag ?? 'latest', input);
}

function mediaTypeOf(contentType: string | undefined): string | undefined {
  const value = contentType?.split(';')[0]?.trim().toLowerCase();
  return value || undefined;
}

function schema1Error(input: string): SgciError {
  return new SgciError(
    'MANIFEST_UNSUPPORTED',
    input,
    'is a Docker schema 1 manifest, which is deprecated and not supported; re-push the image with a current tool',
  );
}

function verifyManifestDigest(
  bytes: Uint8Array,
  ref: RegistryReference,
  headerDigest: string | undefined,
  input: string,
): Digest {
  if (ref.digest) {
    const expected = parseDigest(ref.digest, input);
    const actual = digestOf(bytes, digestAlgorithm(expected));
    if (actual !== expected) {
      throw new SgciError('DIGEST_MISMATCH', input, `manifest does not match digest ${expected} (got ${actual})`);
    }
    return expected;
  }
  if (headerDigest && isDigest(headerDigest)) {
    const actual = digestOf(bytes, digestAlgorithm(headerDigest));
    if (actual !== headerDigest) {
      throw new SgciError(
        'DIGEST_MISMATCH',
        input,
        `manifest does not match digest ${headerDigest} the registry reported (got ${actual})`,
      );
    }
    return headerDigest;
  }
  return digestOf(bytes);
}

function manifestMediaType(bytes: Uint8Array, contentType: string | undefined, input: string): string {
  const json = parseJson(bytes) as {
    mediaType?: unknown;
    schemaVersion?: unknown;
    manifests?: unknown;
    config?: unknown;
  } | null;
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new SgciError('MANIFEST_INVALID', input, 'manifest is not a JSON object');
  }
  if (json.schemaVersion === 1) throw schema1Error(input);
  if (typeof json.mediaType === 'string' && json.mediaType) return json.mediaType;
  if (contentType && contentType !== 'application/json' && contentType !== 'application/octet-stream')
    return contentType;
  // OCI allows manifests without mediaType; the shape tells an index from a manifest.
  if (Array.isArray(json.manifests)) return mediaTypes.ociIndex;
  if (json.config !== undefined) return mediaTypes.ociManifest;
  throw new SgciError(
    'MANIFEST_INVALID',
    input,
    'manifest has no mediaType and is neither an index nor an image manifest',
  );
}

function parseJson(bytes: Uint8Array, lenient = false): unknown {
  try {
    return JSON.parse(Buffer.from(bytes).toString('utf8'));
  } catch (error) {
    if (lenient) return undefined;
    throw new SgciError('MANIFEST_INVALID', '', 'registry answer is not valid JSON', { cause: error });
  }
}

/** Registry-supplied text for an error line: one line, no terminal control sequences, bounded. */
function oneLine(text: string): string {
  const flat = text
    .replace(/\s+/g, ' ')
    .replace(/[\u0000-\u001f\u007f-\u009f]/g, '')
    .trim();
  return flat.length > 200 ? `${flat.slice(0, 200)}…` : flat;
}

/** `<https://r/v2/x/tags/list?last=a&n=100>; rel="next"` → the URL. */
export function nextLink(link: string | undefined): string | undefined {
  if (!link) return undefined;
  for (const part of link.split(/,(?=\s*<)/)) {
    const match = /^\s*<([^>]*)>\s*;(.*)$/.exec(part);
    if (match && /\brel="?next"?/i.test(match[2] ?? '')) return match[1];
  }
  return undefined;
}

/** A blob body that breaks off or goes silent becomes one coded line naming the blob and its URL. */
async function* namedBodyErrors(body: AsyncIterable<Uint8Array>, source: BodySource): AsyncGenerator<Uint8Array> {
  try {
    for await (const chunk of body) yield chunk;
  } catch (error) {
    throw bodyError(error, source);
  }
}

/**
 * Verifies a blob read from the cache. A cached blob that does not verify is damaged on disk: it is
 * removed before the error reaches the reader, so the reader's next attempt refetches it.
 */
class CachedBlobVerifier extends DigestVerifier {
  readonly #drop: () => Promise<void> | undefined;

  constructor(digest: Digest, input: string, size: number | undefined, drop: () => Promise<void> | undefined) {
    super(digest, input, size);
    this.#drop = drop;
  }

  override _flush(callback: TransformCallback): void {
    super._flush((error, data) => {
      if (!error) {
        callback(null, data);
        return;
      }
      Promise.resolve(this.#drop()).then(
        () => callback(error),
        () => callback(error),
      );
    });
  }
}

/** Fails a blob stream that goes past `maxBytes`, for registries that send no Content-Length. */
class SizeLimit extends Transform {
  readonly #max: number;
  readonly #digest: Digest;
  readonly #input: string;
  #seen = 0;

  constructor(max: number, digest: Digest, input: string) {
    super();
    this.#max = max;
    this.#digest = digest;
    this.#input = input;
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.#seen += chunk.length;
    if (this.#seen > this.#max) {
      callback(
        new SgciError(
          'LIMIT_EXCEEDED',
          this.#input,
          `blob ${this.#digest} is larger than the limit of ${this.#max} bytes`,
        ),
      );
      return;
    }
    callback(null, chunk);
  }
}

/**
 * Verifies a blob from the registry and writes it into a cache temp file as it passes. The commit
 * (the rename into the cache) runs only once the whole blob verified; a mismatch removes the temp
 * file before the error reaches the reader, and an early stop by the reader removes it too. Cache
 * write errors only log: the cache is an optimisation and a full disk must not fail the read.
 */
class CachingVerifier extends DigestVerifier {
  readonly #writer: Awaited<ReturnType<BlobStore['createWriter']>>;
  readonly #logger: Logger;
  #failed = false;

  constructor(
    digest: Digest,
    input: string,
    size: number | undefined,
    writer: Awaited<ReturnType<BlobStore['createWriter']>>,
    logger: Logger,
  ) {
    super(digest, input, size);
    this.#writer = writer;
    this.#logger = logger;
  }

  #fail(error: unknown): void {
    if (this.#failed) return;
    this.#failed = true;
    this.#logger.warn({ error: String(error) }, 'Could not write blob to the cache; continuing without it');
    void this.#writer.abort();
  }

  override _transform(chunk: Buffer, encoding: BufferEncoding, callback: TransformCallback): void {
    super._transform(chunk, encoding, (error, data) => {
      if (error || this.#failed) {
        callback(error, data);
        return;
      }
      this.#writer.write(chunk).then(
        () => callback(null, data),
        (writeError: unknown) => {
          this.#fail(writeError);
          callback(null, data);
        },
      );
    });
  }

  override _flush(callback: TransformCallback): void {
    super._flush((error, data) => {
      if (error) {
        this.#writer.abort().then(
          () => callback(error),
          () => callback(error),
        );
        return;
      }
      if (this.#failed) {
        callback(null, data);
        return;
      }
      this.#writer.commit().then(
        () => callback(null, data),
        (commitError: unknown) => {
          this.#fail(commitError);
          callback(null, data);
        },
      );
    });
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.#writer.abort().then(
      () => callback(error),
      () => callback(error),
    );
  }
}
