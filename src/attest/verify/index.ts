export { type BundleTrust, type VerifiedBundle, verifyBundle } from './bundle-verify.ts';
export { type AttestationsForChecks, attestationsForChecks } from './for-checks.ts';
export { compileRepositoryPattern } from './pattern.ts';
export { type PolicyTrustedKey, trustedKeyRulesFromPolicy } from './policy-keys.ts';
export { keysForRepository, type TrustedKey, type TrustedKeyRule } from './trusted-keys.ts';
export { type VerifyTarget, verifyImageAttestations } from './verify-attestations.ts';
export {
  type AttestationCheck,
  type ImageVerification,
  type SignatureCheck,
  type SignatureSource,
  type VerifyOptions,
  verifyImage,
} from './verify-image.ts';
