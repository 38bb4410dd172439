import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import type { Bundle } from '@sigstore/bundle';
import type { TrustedRoot } from '@sigstore/protobuf-specs';
import type { VerificationPolicy, Verifier } from '@sigstore/verify';
import { describe, SgciError } from '../../core/index.ts';
import type { TrustedKey } from './trusted-keys.ts';

/**
 * What a Sigstore bundle is verified against. All of it is local: a trusted root the operator supplies
 * (their own Fulcio/Rekor/TSA, or a public-good snapshot they chose), or their own public keys. sgci
 * never fetches trust material.
 */
export interface BundleTrust {
  /** trusted_root.json content. Without it only key-signed bundles without log entries verify. */
  readonly trustedRoot?: unknown;
  /** Managed keys: the bundle must be signed by one of them. */
  readonly keys?: readonly TrustedKey[];
  /** For certificate-signed bundles: the identity (SAN) and OIDC issuer the certificate must carry. */
  readonly identity?: { readonly subjectAlternativeName: string; readonly issuer: string };
}

export interface VerifiedBundle {
  readonly signer: { readonly key?: string; readonly subjectAlternativeName?: string; readonly issuer?: string };
  /** The in-toto statement when the bundle holds a DSSE envelope of one. */
  readonly statement?: unknown;
}

const emptyRoot = { mediaType: '', tlogs: [], certificateAuthorities: [], ctlogs: [], timestampAuthorities: [] };

/**
 * The Sigstore libraries on first use: `scan` and `check` load this module, but verify bundles only for
 * registry images with trusted keys, and the libraries cost tens of milliseconds of every CLI start.
 */
function sigstore() {
  const load = createRequire(import.meta.url);
  return {
    ...(load('@sigstore/bundle') as Pick<typeof import('@sigstore/bundle'), 'bundleFromJSON'>),
    ...(load('@sigstore/protobuf-specs') as Pick<typeof import('@sigstore/protobuf-specs'), 'TrustedRoot'>),
    ...(load('@sigstore/verify') as Pick<
      typeof import('@sigstore/verify'),
      'toSignedEntity' | 'toTrustMaterial' | 'Verifier'
    >),
  };
}

/**
 * A trusted root as the conformance suite requires it: every transparency-log key has a validity start
 * (@sigstore/verify would accept an open start, which leaves a key valid into the unbounded past).
 */
function loadTrustedRoot(json: unknown, input: string): TrustedRoot {
  const tlogs = (json as { tlogs?: { publicKey?: { validFor?: { start?: string } } }[] } | null)?.tlogs ?? [];
  if (tlogs.some((t) => !t.publicKey?.validFor?.start)) {
    throw new SgciError('KEY_INVALID', input, 'trusted root has a transparency-log key without validFor.start');
  }
  const { TrustedRoot } = sigstore();
  try {
    return TrustedRoot.fromJSON(json);
  } catch (error) {
    throw new SgciError('KEY_INVALID', input, `not a trusted root: ${describe(error)}`, { cause: error });
  }
}

/**
 * Verifies a Sigstore bundle over `artifact` (for message signatures the artifact itself; for DSSE
 * in-toto bundles the artifact's sha256 must be one of the statement's subjects). Throws
 * SIGNATURE_INVALID with the verifier's reason.
 */
export function verifyBundle(
  bundleJson: unknown,
  artifact: Uint8Array | undefined,
  trust: BundleTrust,
  input: string,
): VerifiedBundle {
  const { bundleFromJSON, TrustedRoot, toSignedEntity, toTrustMaterial, Verifier } = sigstore();
  let bundle: Bundle;
  try {
    bundle = bundleFromJSON(bundleJson);
  } catch (error) {
    throw new SgciError('SIGNATURE_INVALID', input, `not a Sigstore bundle: ${describe(error)}`, { cause: error });
  }
  const root =
    trust.trustedRoot === undefined ? undefined : loadTrustedRoot(trust.trustedRoot, `${input} (trusted root)`);
  const material = root ?? TrustedRoot.fromJSON(emptyRoot);
  const artifactBuffer = artifact ? Buffer.from(artifact) : undefined;
  const entity = toSignedEntity(bundle, artifactBuffer);
  const managed = bundle.verificationMaterial.content.$case === 'publicKey';
  // Without a trusted root there is no log or timestamp authority to require: the operator's key is the trust.
  const thresholds = root
    ? { tlogThreshold: 1, ctlogThreshold: managed ? 0 : 1, timestampThreshold: 1 }
    : { tlogThreshold: 0, ctlogThreshold: 0, timestampThreshold: 0 };
  const attempts: { key?: TrustedKey; run: () => ReturnType<Verifier['verify']> }[] = [];
  if (managed) {
    for (const key of trust.keys ?? []) {
      const finder = () => ({ publicKey: key.key, validFor: () => true });
      attempts.push({ key, run: () => new Verifier(toTrustMaterial(material, finder), thresholds).verify(entity) });
    }
    if (attempts.length === 0)
      throw new SgciError('SIGNATURE_INVALID', input, 'bundle is signed with a key, but no public key was given');
  } else {
    if (!root) throw new SgciError('SIGNATURE_INVALID', input, 'certificate-signed bundle needs a trusted root');
    if (!trust.identity)
      throw new SgciError(
        'SIGNATURE_INVALID',
        input,
        'certificate-signed bundle needs an identity and issuer to require',
      );
    const policy: VerificationPolicy = {
      subjectAlternativeName: trust.identity.subjectAlternativeName,
      extensions: { issuer: trust.identity.issuer },
    };
    attempts.push({ run: () => new Verifier(toTrustMaterial(material), thresholds).verify(entity, policy) });
  }
  let lastError: unknown;
  for (const attempt of attempts) {
    try {
      const signer = attempt.run();
      const statement = checkSubject(bundle, artifactBuffer, input);
      return {
        signer: {
          ...(attempt.key ? { key: attempt.key.name } : {}),
          ...(signer.identity?.subjectAlternativeName
            ? { subjectAlternativeName: signer.identity.subjectAlternativeName }
            : {}),
          ...(signer.identity?.extensions?.issuer ? { issuer: signer.identity.extensions.issuer } : {}),
        },
        ...(statement !== undefined ? { statement } : {}),
      };
    } catch (error) {
      if (error instanceof SgciError) throw error;
      lastError = error;
    }
  }
  throw new SgciError('SIGNATURE_INVALID', input, `bundle does not verify: ${describe(lastError)}`, {
    cause: lastError,
  });
}

/** For DSSE in-toto bundles the verified statement must name the artifact; returns the statement. */
function checkSubject(bundle: Bundle, artifact: Buffer | undefined, input: string): unknown {
  if (bundle.content.$case !== 'dsseEnvelope') return undefined;
  const envelope = bundle.content.dsseEnvelope;
  if (envelope.payloadType !== 'application/vnd.in-toto+json') return undefined;
  let statement: { subject?: { digest?: Record<string, string> }[] };
  try {
    statement = JSON.parse(envelope.payload.toString('utf8'));
  } catch (error) {
    throw new SgciError('SIGNATURE_INVALID', input, 'in-toto payload is not JSON', { cause: error });
  }
  if (artifact) {
    const sha256 = createHash('sha256').update(artifact).digest('hex');
    if (!statement.subject?.some((s) => s.digest?.sha256 === sha256)) {
      throw new SgciError('SIGNATURE_INVALID', input, `artifact sha256:${sha256} is not a subject of the statement`);
    }
  }
  return statement;
}
