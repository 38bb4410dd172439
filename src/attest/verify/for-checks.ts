import { type Digest, describe, isSgciError } from '../../core/index.ts';
import type { ImageReference } from '../../oci/reference/index.ts';
import type { Policy } from '../../policy/index.ts';
import type { RegistryAccess } from '../registry-access.ts';
import { trustedKeyRulesFromPolicy } from './policy-keys.ts';
import { keysForRepository } from './trusted-keys.ts';
import { verifyImage } from './verify-image.ts';

/**
 * What the checks read (src/checks/check.ts takes it as `AttestationInput`; it is defined here because attest
 * sits below checks): every signature and attestation of the image with `verified`, and the reason when
 * discovery could not run at all.
 */
export interface AttestationsForChecks {
  /** Signatures over the digest, each with whether it verified with a trusted key. */
  readonly signatures: readonly { readonly digest: string; readonly keyId?: string; readonly verified: boolean }[];
  /** In-toto attestations: predicate type and the statement's predicate. */
  readonly attestations: readonly {
    readonly digest: string;
    readonly predicateType: string;
    readonly verified: boolean;
    readonly predicate: unknown;
  }[];
  /** Set when discovery ran but failed (registry unreachable …): the checks say so. */
  readonly error?: string;
}

/**
 * Verifies the image's signatures and attestations with the keys the policy trusts for its repository.
 * An unreadable key file in the policy throws (the policy is wrong); a registry that cannot be reached,
 * an image that is not in a registry, or a policy without keys becomes `error`, so the checks report it.
 */
export async function attestationsForChecks(
  registry: RegistryAccess,
  image: ImageReference,
  digest: Digest,
  policy: Pick<Policy, 'trustedKeys' | 'directory'>,
): Promise<AttestationsForChecks> {
  if (image.kind !== 'registry') {
    return {
      signatures: [],
      attestations: [],
      error: `signatures live in registries; ${image.input} is a local ${image.kind} image`,
    };
  }
  const rules = await trustedKeyRulesFromPolicy(policy.trustedKeys, policy.directory);
  const keys = keysForRepository(rules, `${image.ref.registry}/${image.ref.repository}`);
  try {
    const result = await verifyImage(registry, image.ref, digest, keys);
    return {
      signatures: result.signatures.map((s) => ({
        digest: s.digest,
        verified: s.verified,
        ...(s.key ? { keyId: s.key } : {}),
      })),
      attestations: result.attestations.map((a) => ({
        digest: a.digest,
        predicateType: a.predicateType,
        verified: a.verified,
        predicate: a.statement?.predicate,
      })),
      ...(keys.length === 0 ? { error: 'the policy trusts no key for this repository (trustedKeys)' } : {}),
    };
  } catch (error) {
    if (isSgciError(error)) return { signatures: [], attestations: [], error: describe(error) };
    throw error;
  }
}
