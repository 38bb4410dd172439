import { type Digest, describe, digestOf, isSgciError, SgciError } from '../../core/index.ts';
import type { Descriptor } from '../../oci/image/index.ts';
import { formatRegistryReference, type RegistryReference } from '../../oci/reference/index.ts';
import { verifySignature } from '../keys/index.ts';
import { isNotFound, maxSignatureBlobBytes, type RegistryAccess, signatureManifestTypes } from '../registry-access.ts';
import { parseBundle } from '../sign/bundle.ts';
import { cosignTag, parseCosignManifest, parseReferrersIndex, referrersFallbackTag } from '../sign/cosign-manifest.ts';
import { openEnvelope, parseEnvelope } from '../sign/dsse.ts';
import { cosign, cosignSignPredicateType } from '../sign/media-types.ts';
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
}

// A signature manifest with thousands of layers is an attack on our time, not a real signature set.
const maxLayers = 256;

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

  if (wantSignatures) {
    for (const { layer, bytes, error } of await cosignLayers(registry, repo, digest, 'sig')) {
      if (layer.mediaType !== cosign.simpleSigningLayer) continue;
      signatures.push(error ? failed('tag', layer, error) : checkSimpleSigning(layer, bytes!, digest, keys));
    }
  }
  if (wantAttestations) {
    for (const { layer, bytes, error } of await cosignLayers(registry, repo, digest, 'att')) {
      if (layer.mediaType !== cosign.dsseLayer) continue;
      const annotated = layer.annotations?.[cosign.predicateTypeAnnotation] ?? 'unknown';
      attestations.push(
        error
          ? { ...failed('tag', layer, error), predicateType: annotated }
          : checkAttestation('tag', layer.digest as Digest, annotated, bytes!, digest, keys),
      );
    }
  }
  if (options.referrers ?? true) {
    for (const found of await referrerBundles(registry, repo, digest)) {
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

interface FetchedLayer {
  readonly layer: Descriptor;
  readonly bytes?: Uint8Array;
  readonly error?: string;
}

/** The layers under `sha256-<hex>.<kind>` with their verified bytes; none when the tag does not exist. */
async function cosignLayers(
  registry: RegistryAccess,
  repo: RegistryReference,
  digest: Digest,
  kind: 'sig' | 'att',
): Promise<FetchedLayer[]> {
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
  const out: FetchedLayer[] = [];
  for (const layer of manifest.layers) out.push(await fetchBlob(registry, repo, layer));
  return out;
}

/** A blob's bytes, checked against its digest here too: a failed check becomes the signature's reason. */
async function fetchBlob(registry: RegistryAccess, repo: RegistryReference, layer: Descriptor): Promise<FetchedLayer> {
  if (layer.size > maxSignatureBlobBytes) {
    return {
      layer,
      error: `layer is ${layer.size} bytes, more than the ${maxSignatureBlobBytes} allowed for signatures`,
    };
  }
  try {
    const bytes = await registry.getBlobBytes(
      repo,
      { digest: layer.digest as Digest, size: layer.size },
      maxSignatureBlobBytes,
    );
    const actual = digestOf(bytes, layer.digest.startsWith('sha512:') ? 'sha512' : 'sha256');
    if (actual !== layer.digest) {
      return { layer, error: `registry returned bytes with digest ${actual} for blob ${layer.digest}` };
    }
    return { layer, bytes };
  } catch (error) {
    if (isSgciError(error, 'DIGEST_MISMATCH') || isSgciError(error, 'LIMIT_EXCEEDED')) {
      return { layer, error: describe(error) };
    }
    throw error;
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

/** Sigstore bundles attached as OCI 1.1 referrers; none when the registry has no referrers API. */
async function referrerBundles(
  registry: RegistryAccess,
  repo: RegistryReference,
  digest: Digest,
): Promise<FoundBundle[]> {
  let index: Awaited<ReturnType<RegistryAccess['referrers']>>;
  index = await registry.referrers({ ...repo, digest }, cosign.bundleArtifactType);
  if (index === undefined) {
    // No referrers API: the OCI 1.1 fallback tag lists them, if anyone wrote one.
    const tagRef = { ...repo, tag: referrersFallbackTag(digest) };
    try {
      const { bytes } = await registry.getManifest(tagRef, { accept: ['application/vnd.oci.image.index.v1+json'] });
      index = parseReferrersIndex(bytes, formatRegistryReference(tagRef));
    } catch (error) {
      if (isNotFound(error)) return [];
      throw error;
    }
  }
  const found: FoundBundle[] = [];
  for (const descriptor of (index?.manifests ?? []).slice(0, maxLayers)) {
    if (descriptor.artifactType && descriptor.artifactType !== cosign.bundleArtifactType) continue;
    const manifestRef = { ...repo, digest: descriptor.digest as Digest };
    try {
      const { bytes } = await registry.getManifest(manifestRef, { accept: signatureManifestTypes });
      const manifest = parseCosignManifest(bytes, formatRegistryReference(manifestRef));
      if (manifest.subject?.digest !== digest) {
        found.push({
          digest: descriptor.digest as Digest,
          error: `referrer's subject is ${manifest.subject?.digest ?? 'missing'}, not ${digest}`,
        });
        continue;
      }
      const layer = manifest.layers[0];
      if (!layer) continue;
      const blob = await fetchBlob(registry, repo, layer);
      found.push({
        digest: descriptor.digest as Digest,
        ...(blob.error ? { error: blob.error } : { bytes: blob.bytes! }),
      });
    } catch (error) {
      if (!isSgciError(error) || error.code === 'REGISTRY_UNREACHABLE' || error.code === 'REGISTRY_UNAUTHORIZED')
        throw error;
      found.push({ digest: descriptor.digest as Digest, error: describe(error) });
    }
  }
  return found;
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
