/**
 * Signatures and attestations in cosign's formats with keys the operator owns: keys/ (generation,
 * cosign's encrypted key format, signers), sign/ (payloads, DSSE, cosign manifests, push plans),
 * verify/ (discovery by tag scheme and OCI referrers, verification against trusted keys), vsa/ (the catalogue's
 * signed verdict: a SLSA verification summary, and how a consumer judges one).
 */
export * from './keys/index.ts';
export { isNotFound, type RegistryAccess } from './registry-access.ts';
export * from './sign/index.ts';
export * from './verify/index.ts';
export * from './vsa/index.ts';
