/**
 * Signatures and attestations in cosign's formats with keys the operator owns: keys/ (generation,
 * cosign's encrypted key format, signers), sign/ (payloads, DSSE, cosign manifests, push plans),
 * verify/ (discovery by tag scheme and OCI referrers, verification against trusted keys).
 */
export * from './keys/index.ts';
export { isNotFound, type RegistryAccess } from './registry-access.ts';
export * from './sign/index.ts';
export * from './verify/index.ts';
