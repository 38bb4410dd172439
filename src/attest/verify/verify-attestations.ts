import type { Digest } from '../../core/index.ts';
import type { RegistryReference } from '../../oci/reference/index.ts';
import type { RegistryAccess } from '../registry-access.ts';
import { resolveImage } from '../sign/sign-image.ts';
import { keysForRepository, type TrustedKey, type TrustedKeyRule } from './trusted-keys.ts';
import { type ImageVerification, verifyImage } from './verify-image.ts';

export interface VerifyTarget {
  readonly ref: RegistryReference;
  /** The manifest digest already known (e.g. from an opened Image); resolved from the registry otherwise. */
  readonly digest?: Digest;
}

/**
 * For the checks (BASE-002, BUILD-003/004, VULN-001/003): every signature and attestation of the
 * image, verified with the keys the policy trusts for its repository. Failed ones carry a reason.
 */
export async function verifyImageAttestations(
  registry: RegistryAccess,
  target: VerifyTarget,
  trusted: readonly TrustedKeyRule[] | readonly TrustedKey[],
): Promise<ImageVerification & { readonly keys: readonly string[] }> {
  const digest = target.digest ?? (await resolveImage(registry, target.ref)).digest;
  const keys = isRuleList(trusted)
    ? keysForRepository(trusted, `${target.ref.registry}/${target.ref.repository}`)
    : [...trusted];
  const result = await verifyImage(registry, target.ref, digest, keys);
  return { ...result, keys: keys.map((k) => k.name) };
}

function isRuleList(value: readonly TrustedKeyRule[] | readonly TrustedKey[]): value is readonly TrustedKeyRule[] {
  return value.length > 0 && 'pattern' in value[0]!;
}
