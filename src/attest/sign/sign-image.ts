import { type Digest, SgciError } from '../../core/index.ts';
import type { ImageIndex, ImageManifest } from '../../oci/image/index.ts';
import { formatRegistryReference, type RegistryReference } from '../../oci/reference/index.ts';
import { keyIdOf, type Signer, verifySignature } from '../keys/index.ts';
import { cosign, cosignSignPredicateType } from '../media-types/index.ts';
import { isNotFound, type RegistryAccess, signatureManifestTypes } from '../registry-access.ts';
import { keyBundle } from './bundle.ts';
import {
  appendLayer,
  appendReferrerToIndex,
  type BuiltManifest,
  cosignTag,
  type NewLayer,
  parseCosignManifest,
  parseReferrersIndex,
  referrerManifest,
  referrersFallbackTag,
} from './cosign-manifest.ts';
import { type DsseEnvelope, envelopeBytes, openEnvelope, signEnvelope } from './dsse.ts';
import { simpleSigningPayload } from './simple-signing.ts';
import { buildStatement, type InTotoStatement, parseStatement, statementCovers } from './statement.ts';

/** Every manifest type an image reference may resolve to; signing signs whatever it resolves to (index or manifest). */
const imageManifestTypes = [
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.docker.distribution.manifest.v2+json',
] as const;

export interface ResolvedImage {
  readonly ref: RegistryReference;
  readonly digest: Digest;
  readonly mediaType: string;
  readonly size: number;
}

/** The digest a reference points at now; with `@digest` the registry must still serve exactly that. */
export async function resolveImage(registry: RegistryAccess, ref: RegistryReference): Promise<ResolvedImage> {
  const { digest, mediaType, bytes } = await registry.getManifest(ref, { accept: imageManifestTypes });
  if (ref.digest && digest !== ref.digest) {
    throw new SgciError('DIGEST_MISMATCH', formatRegistryReference(ref), `registry served manifest ${digest}`);
  }
  return { ref, digest, mediaType, size: bytes.length };
}

/** The image's repository, where its signatures and attestations are written. */
function repositoryOf(image: ResolvedImage): RegistryReference {
  return { registry: image.ref.registry, repository: image.ref.repository };
}

/** cosign's docker-reference: the repository without tag or digest. */
export function dockerReference(ref: RegistryReference): string {
  return `${ref.registry}/${ref.repository}`;
}

export interface PushPlan {
  readonly image: ResolvedImage;
  /** The manifests to write, each after its blobs, in this order. */
  readonly writes: readonly { ref: RegistryReference; built: BuiltManifest }[];
}

export interface SignOptions {
  readonly annotations?: Readonly<Record<string, string>>;
  /** Also attach a Sigstore bundle as an OCI 1.1 referrer. */
  readonly referrer?: boolean;
}

async function currentCosignManifest(
  registry: RegistryAccess,
  tagRef: RegistryReference,
): Promise<ImageManifest | undefined> {
  try {
    const { bytes } = await registry.getManifest(tagRef, { accept: signatureManifestTypes });
    return parseCosignManifest(bytes, formatRegistryReference(tagRef));
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}

/** A signature must verify with the signer's own public key before anything leaves this process. */
function selfCheck(ok: boolean, signer: Signer): void {
  if (!ok)
    throw new SgciError(
      'SIGNATURE_INVALID',
      keyIdOf(signer.publicKey),
      'signer produced a signature its public key rejects',
    );
}

/** Builds (but does not push) the signature of an image: payload, signature, the new `.sig` manifest. */
export async function planSignature(
  registry: RegistryAccess,
  image: ResolvedImage,
  signer: Signer,
  options: SignOptions = {},
): Promise<PushPlan> {
  const repo = repositoryOf(image);
  const payload = simpleSigningPayload(dockerReference(image.ref), image.digest, options.annotations);
  const signature = await signer.sign(payload);
  selfCheck(verifySignature(signer.publicKey, payload, signature), signer);
  const tagRef = { ...repo, tag: cosignTag(image.digest, 'sig') };
  const built = appendLayer(await currentCosignManifest(registry, tagRef), {
    mediaType: cosign.simpleSigningLayer,
    bytes: payload,
    annotations: { [cosign.signatureAnnotation]: Buffer.from(signature).toString('base64') },
  });
  const writes: { ref: RegistryReference; built: BuiltManifest }[] = [{ ref: tagRef, built }];
  if (options.referrer) {
    const statement = buildStatement(dockerReference(image.ref), image.digest, cosignSignPredicateType, {});
    writes.push(...(await bundleReferrer(registry, image, await signStatement(signer, statement), statement)));
  }
  return { image, writes };
}

/** Signs an in-toto statement into the DSSE envelope cosign writes, after checking it with the signer's own key. */
export async function signStatement(signer: Signer, statement: InTotoStatement): Promise<DsseEnvelope> {
  const payload = new TextEncoder().encode(JSON.stringify(statement));
  const envelope = await signEnvelope(signer, cosign.inTotoPayloadType, payload);
  selfCheck(openEnvelope(envelope, signer.publicKey) !== undefined, signer);
  return envelope;
}

/** The `.att` layer of one envelope: cosign's media type and annotations. */
function attestationLayer(envelope: DsseEnvelope, predicateType: string): NewLayer {
  return {
    mediaType: cosign.dsseLayer,
    bytes: envelopeBytes(envelope),
    annotations: { [cosign.signatureAnnotation]: '', [cosign.predicateTypeAnnotation]: predicateType },
  };
}

/** Builds (but does not push) an attestation: in-toto statement, DSSE envelope, the new `.att` manifest. */
export async function planAttestation(
  registry: RegistryAccess,
  image: ResolvedImage,
  signer: Signer,
  predicateType: string,
  predicate: unknown,
  options: { referrer?: boolean } = {},
): Promise<PushPlan> {
  const statement = buildStatement(dockerReference(image.ref), image.digest, predicateType, predicate);
  return planEnvelope(registry, image, await signStatement(signer, statement), statement, options);
}

/**
 * Builds (but does not push) the `.att` manifest for an envelope signed before, such as a catalogue verdict that is
 * also stored and served: the pushed layer is exactly `envelopeBytes(envelope)`. The statement must be in-toto and
 * name the image's digest.
 */
export async function planSignedAttestation(
  registry: RegistryAccess,
  image: ResolvedImage,
  envelope: DsseEnvelope,
  options: { referrer?: boolean } = {},
): Promise<PushPlan> {
  return planEnvelope(registry, image, envelope, statementFor(envelope, image), options);
}

/** The `.att` manifest (and optionally the referrer) for an envelope whose statement is known to be about the image. */
async function planEnvelope(
  registry: RegistryAccess,
  image: ResolvedImage,
  envelope: DsseEnvelope,
  statement: InTotoStatement,
  options: { referrer?: boolean },
): Promise<PushPlan> {
  const repo = repositoryOf(image);
  const tagRef = { ...repo, tag: cosignTag(image.digest, 'att') };
  const built = appendLayer(
    await currentCosignManifest(registry, tagRef),
    attestationLayer(envelope, statement.predicateType),
  );
  const writes: { ref: RegistryReference; built: BuiltManifest }[] = [{ ref: tagRef, built }];
  if (options.referrer) writes.push(...(await bundleReferrer(registry, image, envelope, statement)));
  return { image, writes };
}

/** The statement inside an envelope about to be attached, refused when it is not about this image. */
function statementFor(envelope: DsseEnvelope, image: ResolvedImage): InTotoStatement {
  const input = formatRegistryReference({ ...image.ref, digest: image.digest });
  if (envelope.payloadType !== cosign.inTotoPayloadType) {
    throw new SgciError('SIGNATURE_INVALID', input, `envelope payload type is ${envelope.payloadType}, not in-toto`);
  }
  const statement = parseStatement(Buffer.from(envelope.payload, 'base64'), input);
  if (!statementCovers(statement, image.digest)) {
    throw new SgciError('DIGEST_MISMATCH', input, 'the statement to attach is about another digest');
  }
  return statement;
}

/**
 * Several attestations (e.g. the SBOM and the VEX of one scan) in one `.att` manifest and one push,
 * so either all of them are attached or none is.
 */
export async function planAttestations(
  registry: RegistryAccess,
  image: ResolvedImage,
  signer: Signer,
  items: readonly { predicateType: string; predicate: unknown }[],
): Promise<PushPlan> {
  const repo = repositoryOf(image);
  const tagRef = { ...repo, tag: cosignTag(image.digest, 'att') };
  const input = formatRegistryReference(tagRef);
  let manifest = await currentCosignManifest(registry, tagRef);
  let built: BuiltManifest | undefined;
  const layerBlobs: BuiltManifest['blobs'][number][] = [];
  for (const { predicateType, predicate } of items) {
    const statement = buildStatement(dockerReference(image.ref), image.digest, predicateType, predicate);
    built = appendLayer(manifest, attestationLayer(await signStatement(signer, statement), predicateType));
    layerBlobs.push(built.blobs[1]!);
    manifest = parseCosignManifest(built.manifest, input);
  }
  if (!built) throw new SgciError('USAGE', input, 'no attestations to attach');
  const combined = { ...built, blobs: [built.blobs[0]!, ...layerBlobs], changed: true };
  return { image, writes: [{ ref: tagRef, built: combined }] };
}

/** The same envelope as a Sigstore bundle in an OCI 1.1 referrer; the bundle names the key by the envelope's keyid. */
async function bundleReferrer(
  registry: RegistryAccess,
  image: ResolvedImage,
  envelope: DsseEnvelope,
  statement: InTotoStatement,
): Promise<{ ref: RegistryReference; built: BuiltManifest }[]> {
  const repo = repositoryOf(image);
  const bundle = keyBundle(envelope, envelope.signatures[0]?.keyid ?? '');
  // Registries without the referrers API (distribution 2.x) get the OCI 1.1 fallback: an index under
  // the tag `sha256-<hex>` that lists the referrers; it is read now so the push stays all-or-nothing.
  const built = referrerManifest(
    { digest: image.digest, size: image.size, mediaType: image.mediaType },
    cosign.bundleArtifactType,
    { mediaType: cosign.bundleArtifactType, bytes: bundle },
    { 'dev.sigstore.bundle.predicateType': statement.predicateType },
  );
  const writes: { ref: RegistryReference; built: BuiltManifest }[] = [
    { ref: { ...repo, digest: built.digest }, built },
  ];
  if ((await registry.referrers({ ...repo, digest: image.digest })) === undefined) {
    const tagRef = { ...repo, tag: referrersFallbackTag(image.digest) };
    let existing: ImageIndex | undefined;
    try {
      const { bytes } = await registry.getManifest(tagRef, { accept: ['application/vnd.oci.image.index.v1+json'] });
      existing = parseReferrersIndex(bytes, formatRegistryReference(tagRef));
    } catch (error) {
      if (!isNotFound(error)) throw error;
    }
    const descriptor = {
      mediaType: built.mediaType,
      digest: built.digest,
      size: built.manifest.length,
      artifactType: cosign.bundleArtifactType,
      annotations: { 'dev.sigstore.bundle.predicateType': statement.predicateType },
    };
    writes.push({ ref: tagRef, built: appendReferrerToIndex(existing, descriptor) });
  }
  return writes;
}

export interface PushResult {
  readonly ref: string;
  readonly digest: Digest;
  readonly changed: boolean;
}

/** Pushes a plan: for each manifest its blobs first, then the manifest. */
export async function pushPlan(registry: RegistryAccess, plan: PushPlan): Promise<PushResult[]> {
  const results: PushResult[] = [];
  for (const { ref, built } of plan.writes) {
    if (built.changed) {
      for (const blob of built.blobs) await registry.pushBlob(ref, blob.bytes);
      const pushed = await registry.pushManifest(ref, built.manifest, built.mediaType);
      if (pushed !== built.digest) {
        throw new SgciError(
          'DIGEST_MISMATCH',
          formatRegistryReference(ref),
          `registry stored manifest as ${pushed}, expected ${built.digest}`,
        );
      }
    }
    results.push({ ref: formatRegistryReference(ref), digest: built.digest, changed: built.changed });
  }
  return results;
}
