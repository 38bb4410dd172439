import { type Digest, describe, digestOf, isSgciError, SgciError } from '../../core/index.ts';
import type { Descriptor } from '../../oci/image/index.ts';
import { formatRegistryReference, type RegistryReference } from '../../oci/reference/index.ts';
import { verifySignature } from '../keys/index.ts';
import { cosign, cosignSignPredicateType } from '../media-types/index.ts';
import { isNotFound, maxSignatureBlobBytes, type RegistryAccess, signatureManifestTypes } from '../registry-access.ts';
import { parseBundle } from '../sign/bundle.ts';
import { cosignTag, parseCosignManifest, parseReferrersIndex, referrersFallbackTag } from '../sign/cosign-manifest.ts';
import { openEnvelope, parseEnvelope } from '../sign/dsse.ts';
import { parseSimpleSigningPayload, type SimpleSigningPayload } from '../sign/simple-signing.ts';
import { type InTotoStatement, parseStatement, statementCovers } from '../sign/statement.ts';
import { verifyBundle } from './bundle-verify.ts';
import type { TrustedKey } from './trusted-keys.ts';

/** Where a signature was found: cosign's `.sig`/`.att` tag or an OCI 1.1 referrer holding a Sigstore bundle. */
export type SignatureSource = 'tag' | 'referrer';

export interface SignatureCheck {
  readonly source: SignatureSource;
  /** Digest of the layer (tag scheme) or of the referrer manifest that carried it. */
  readonly digest: Digest;
  readonly verified: boolean;
  /** Name of the trusted key that verified it. */
  readonly key?: string;
  /** The verified payload; absent when verification failed. */
  readonly payload?: SimpleSigningPayload | InTotoStatement;
  /** Why it did not verify. */
  readonly reason?: string;
}

export interface AttestationCheck {
  readonly source: SignatureSource;
  readonly digest: Digest;
  /** From the verified statement; before verification only the unauthenticated annotation is known. */
  readonly predicateType: string;
  readonly verified: boolean;
  readonly key?: string;
  readonly statement?: InTotoStatement;
  readonly reason?: string;
}

export interface ImageVerification {
  /** The image as the user named it, and the manifest digest everything was checked against. */
  readonly image: string;
  readonly digest: Digest;
  readonly signatures: readonly SignatureCheck[];
  readonly attestations: readonly AttestationCheck[];
}

export interface VerifyOptions {
  /** Look for signatures, attestations or both (default both). */
  readonly want?: { signatures?: boolean; attestations?: boolean };
  /** Also look at OCI 1.1 referrers (default true). */
  readonly referrers?: boolean;
  /**
   * Keyless: a trusted root the operator supplies (self-hosted Fulcio/Rekor/TSA) and the certificate
   * identity to require; certificate-signed referrer bundles are then verified against it. Never fetched.
   */
  readonly keyless?: {
    readonly trustedRoot: unknown;
    readonly identity: { subjectAlternativeName: string; issuer: string };
  };
  /** Bytes of signature, attestation and bundle blobs fetched for one image, all together (default 256 MiB). */
  readonly maxTotalBlobBytes?: number;
}

// A signature manifest with thousands of layers is an attack on our time, not a real signature set.
const maxLayers = 256;
/** Sixteen attestations of the largest size a blob may have: far more than a real image carries. */
const defaultMaxTotalBlobBytes = 16 * maxSignatureBlobBytes;

/**
 * Finds and verifies the signatures and attestations of one image manifest with the trusted keys.
 * Nothing is trusted before its signature verifies; the signed digest must equal `digest`. Each
 * signature that fails is reported with its reason, never dropped; the registry being unreachable throws.
 */
export async function verifyImage(
  registry: RegistryAccess,
  ref: RegistryReference,
  digest: Digest,
  keys: readonly TrustedKey[],
  options: VerifyOptions = {},
): Promise<ImageVerification> {
  const wantSignatures = options.want?.signatures ?? true;
  const wantAttestations = options.want?.attestations ?? true;
  const signatures: SignatureCheck[] = [];
  const attestations: AttestationCheck[] = [];
  const repo = { registry: ref.registry, repository: ref.repository };
  const blobs = new BlobFetcher(registry, repo, options.maxTotalBlobBytes ?? defaultMaxTotalBlobBytes);

  // Each blob is fetched, checked and let go before the next: only one is held at a time.
  if (wantSignatures) {
    for (const layer of await cosignLayers(registry, repo, digest, 'sig')) {
      if (layer.mediaType !== cosign.simpleSigningLayer) continue;
      const { bytes, error } = await blobs.fetch(layer);
      signatures.push(bytes ? checkSimpleSigning(layer, bytes, digest, keys) : failed('tag', layer, error));
    }
  }
  if (wantAttestations) {
    for (const layer of await cosignLayers(registry, repo, digest, 'att')) {
      if (layer.mediaType !== cosign.dsseLayer) continue;
      const annotated = layer.annotations?.[cosign.predicateTypeAnnotation] ?? 'unknown';
      const { bytes, error } = await blobs.fetch(layer);
      attestations.push(
        bytes
          ? checkAttestation('tag', layer.digest as Digest, annotated, bytes, digest, keys)
          : { ...failed('tag', layer, error), predicateType: annotated },
      );
    }
  }
  if (options.referrers ?? true) {
    for await (const found of referrerBundles(registry, repo, digest, blobs)) {
      const check = found.error
        ? { source: 'referrer' as const, digest: found.digest, verified: false, reason: found.error }
        : checkBundle(found.digest, found.bytes!, digest, keys, options.keyless);
      if ('predicateType' in check && check.predicateType !== cosignSignPredicateType) {
        if (wantAttestations) attestations.push(check as AttestationCheck);
      } else if (wantSignatures) {
        const { predicateType: _, statement, ...rest } = check as AttestationCheck;
        signatures.push({ ...rest, ...(statement ? { payload: statement } : {}) });
      }
    }
  }
  return { image: formatRegistryReference(ref), digest, signatures, attestations };
}

function failed(source: SignatureSource, layer: Descriptor, reason: string): SignatureCheck {
  return { source, digest: layer.digest as Digest, verified: false, reason };
}

/** A blob's verified bytes, or why there are none. */
type FetchedBlob =
  | { readonly bytes: Uint8Array; readonly error?: never }
  | { readonly bytes?: never; readonly error: string };

/**
 * The layers under `sha256-<hex>.<kind>`, each distinct one once (a layer listed again with the same digest and
 * annotations is the same signature); none when the tag does not exist.
 */
async function cosignLayers(
  registry: RegistryAccess,
  repo: RegistryReference,
  digest: Digest,
  kind: 'sig' | 'att',
): Promise<Descriptor[]> {
  const tagRef = { ...repo, tag: cosignTag(digest, kind) };
  const input = formatRegistryReference(tagRef);
  let manifestBytes: Uint8Array;
  try {
    manifestBytes = (await registry.getManifest(tagRef, { accept: signatureManifestTypes })).bytes;
  } catch (error) {
    if (isNotFound(error)) return [];
    throw error;
  }
  const manifest = parseCosignManifest(manifestBytes, input);
  if (manifest.layers.length > maxLayers) {
    throw new SgciError(
      'LIMIT_EXCEEDED',
      input,
      `signature manifest has ${manifest.layers.length} layers (limit ${maxLayers})`,
    );
  }
  const distinct = new Map<string, Descriptor>();
  for (const layer of manifest.layers) {
    const key = JSON.stringify([layer.mediaType, layer.digest, Object.entries(layer.annotations ?? {}).sort()]);
    if (!distinct.has(key)) distinct.set(key, layer);
  }
  return [...distinct.values()];
}

/**
 * Fetches signature blobs one at a time within a byte budget for the whole image. The last blob is kept, so
 * the same payload under several signatures (two keys signing one image) is fetched once.
 */
class BlobFetcher {
  readonly #registry: RegistryAccess;
  readonly #repo: RegistryReference;
  readonly #budget: number;
  #spent = 0;
  #last: { readonly digest: string; readonly result: FetchedBlob } | undefined;

  constructor(registry: RegistryAccess, repo: RegistryReference, budget: number) {
    this.#registry = registry;
    this.#repo = repo;
    this.#budget = budget;
  }

  async fetch(layer: Descriptor): Promise<FetchedBlob> {
    if (this.#last?.digest !== layer.digest) this.#last = { digest: layer.digest, result: await this.#get(layer) };
    return this.#last.result;
  }

  /** A blob's bytes, checked against its digest here too: a failed check becomes the signature's reason. */
  async #get(layer: Descriptor): Promise<FetchedBlob> {
    if (layer.size > maxSignatureBlobBytes)
      return { error: `layer is ${layer.size} bytes, more than the ${maxSignatureBlobBytes} allowed for signatures` };
    if (this.#spent + layer.size > this.#budget)
      return { error: `not fetched: the image's signature blobs exceed ${this.#budget} bytes in total` };
    this.#spent += layer.size;
    try {
      const bytes = await this.#registry.getBlobBytes(
        this.#repo,
        { digest: layer.digest as Digest, size: layer.size },
        maxSignatureBlobBytes,
      );
      const actual = digestOf(bytes, layer.digest.startsWith('sha512:') ? 'sha512' : 'sha256');
      if (actual !== layer.digest)
        return { error: `registry returned bytes with digest ${actual} for blob ${layer.digest}` };
      return { bytes };
    } catch (error) {
      if (isSgciError(error, 'DIGEST_MISMATCH') || isSgciError(error, 'LIMIT_EXCEEDED'))
        return { error: describe(error) };
      throw error;
    }
  }
}

function checkSimpleSigning(
  layer: Descriptor,
  payload: Uint8Array,
  digest: Digest,
  keys: readonly TrustedKey[],
): SignatureCheck {
  const base = { source: 'tag' as const, digest: layer.digest as Digest };
  const encoded = layer.annotations?.[cosign.signatureAnnotation];
  if (!encoded) return { ...base, verified: false, reason: `layer has no ${cosign.signatureAnnotation} annotation` };
  const signature = Buffer.from(encoded, 'base64');
  const key = keys.find((k) => verifySignature(k.key, payload, signature));
  if (!key) return { ...base, verified: false, reason: noKeyReason(keys) };
  let parsed: SimpleSigningPayload;
  try {
    parsed = parseSimpleSigningPayload(payload, layer.digest);
  } catch (error) {
    return { ...base, verified: false, key: key.name, reason: describe(error) };
  }
  const signed = parsed.critical.image['docker-manifest-digest'];
  if (signed !== digest) {
    return {
      ...base,
      verified: false,
      key: key.name,
      reason: `signature is for ${signed}, not for the image ${digest}`,
    };
  }
  return { ...base, verified: true, key: key.name, payload: parsed };
}

function noKeyReason(keys: readonly TrustedKey[]): string {
  if (keys.length === 0) return 'no trusted key configured for this repository';
  return `signature does not verify with the trusted key${keys.length > 1 ? 's' : ''} ${keys.map((k) => k.name).join(', ')}`;
}

function checkAttestation(
  source: SignatureSource,
  layerDigest: Digest,
  annotatedType: string,
  bytes: Uint8Array,
  digest: Digest,
  keys: readonly TrustedKey[],
): AttestationCheck {
  const base = { source, digest: layerDigest, predicateType: annotatedType };
  try {
    const envelope = parseEnvelope(bytes, layerDigest);
    return checkEnvelope(base, envelope, digest, keys);
  } catch (error) {
    return { ...base, verified: false, reason: describe(error) };
  }
}

function checkEnvelope(
  base: { source: SignatureSource; digest: Digest; predicateType: string },
  envelope: ReturnType<typeof parseEnvelope>,
  digest: Digest,
  keys: readonly TrustedKey[],
): AttestationCheck {
  if (envelope.payloadType !== cosign.inTotoPayloadType) {
    return { ...base, verified: false, reason: `unexpected DSSE payload type ${envelope.payloadType}` };
  }
  let payload: Uint8Array | undefined;
  let keyName: string | undefined;
  for (const key of keys) {
    payload = openEnvelope(envelope, key.key);
    if (payload) {
      keyName = key.name;
      break;
    }
  }
  if (!payload || !keyName) return { ...base, verified: false, reason: noKeyReason(keys) };
  let statement: InTotoStatement;
  try {
    statement = parseStatement(payload, base.digest);
  } catch (error) {
    return { ...base, verified: false, key: keyName, reason: describe(error) };
  }
  const typed = { ...base, predicateType: statement.predicateType, key: keyName };
  if (!statementCovers(statement, digest)) {
    const subjects = statement.subject
      .map((s) =>
        Object.entries(s.digest)
          .map(([a, h]) => `${a}:${h}`)
          .join(','),
      )
      .join(' ');
    return { ...typed, verified: false, reason: `attestation subject ${subjects} is not the image ${digest}` };
  }
  return { ...typed, verified: true, statement };
}

interface FoundBundle {
  readonly digest: Digest;
  readonly bytes?: Uint8Array;
  readonly error?: string;
}

/** Sigstore bundles attached as OCI 1.1 referrers, one at a time; none when the registry has no referrers API. */
async function* referrerBundles(
  registry: RegistryAccess,
  repo: RegistryReference,
  digest: Digest,
  blobs: BlobFetcher,
): AsyncGenerator<FoundBundle> {
  let index: Awaited<ReturnType<RegistryAccess['referrers']>>;
  index = await registry.referrers({ ...repo, digest }, cosign.bundleArtifactType);
  if (index === undefined) {
    // No referrers API: the OCI 1.1 fallback tag lists them, if anyone wrote one.
    const tagRef = { ...repo, tag: referrersFallbackTag(digest) };
    try {
      const { bytes } = await registry.getManifest(tagRef, { accept: ['application/vnd.oci.image.index.v1+json'] });
      index = parseReferrersIndex(bytes, formatRegistryReference(tagRef));
    } catch (error) {
      if (isNotFound(error)) return;
      throw error;
    }
  }
  const seen = new Set<string>();
  for (const descriptor of (index?.manifests ?? []).slice(0, maxLayers)) {
    if (descriptor.artifactType && descriptor.artifactType !== cosign.bundleArtifactType) continue;
    if (seen.has(descriptor.digest)) continue;
    seen.add(descriptor.digest);
    const manifestRef = { ...repo, digest: descriptor.digest as Digest };
    try {
      const { bytes } = await registry.getManifest(manifestRef, { accept: signatureManifestTypes });
      const manifest = parseCosignManifest(bytes, formatRegistryReference(manifestRef));
      if (manifest.subject?.digest !== digest) {
        yield {
          digest: descriptor.digest as Digest,
          error: `referrer's subject is ${manifest.subject?.digest ?? 'missing'}, not ${digest}`,
        };
        continue;
      }
      const layer = manifest.layers[0];
      if (!layer) continue;
      const blob = await blobs.fetch(layer);
      yield { digest: descriptor.digest as Digest, ...blob };
    } catch (error) {
      if (!isSgciError(error) || error.code === 'REGISTRY_UNREACHABLE' || error.code === 'REGISTRY_UNAUTHORIZED')
        throw error;
      yield { digest: descriptor.digest as Digest, error: describe(error) };
    }
  }
}

function checkBundle(
  manifestDigest: Digest,
  bytes: Uint8Array,
  digest: Digest,
  keys: readonly TrustedKey[],
  keyless: VerifyOptions['keyless'],
): AttestationCheck {
  const base = { source: 'referrer' as const, digest: manifestDigest, predicateType: 'unknown' };
  try {
    const bundle = parseBundle(bytes, manifestDigest);
    if (!bundle.dsseEnvelope) return { ...base, verified: false, reason: 'bundle has no DSSE envelope' };
    if (!bundle.certificate) return checkEnvelope(base, bundle.dsseEnvelope, digest, keys);
    if (!keyless) {
      return { ...base, verified: false, reason: 'bundle is certificate-signed (keyless); no trusted root was given' };
    }
    // Certificate chain, log entries and timestamps by @sigstore/verify against the operator's root.
    const verified = verifyBundle(JSON.parse(Buffer.from(bytes).toString('utf8')), undefined, keyless, manifestDigest);
    const statement = parseStatement(Buffer.from(bundle.dsseEnvelope.payload, 'base64'), manifestDigest);
    const signer = `${verified.signer.subjectAlternativeName ?? '?'} (${verified.signer.issuer ?? '?'})`;
    const typed = { ...base, predicateType: statement.predicateType, key: signer };
    if (!statementCovers(statement, digest)) {
      return { ...typed, verified: false, reason: `attestation subject is not the image ${digest}` };
    }
    return { ...typed, verified: true, statement };
  } catch (error) {
    return { ...base, verified: false, reason: describe(error) };
  }
}
