export {
  cosign,
  cosignSignPredicateType,
  inTotoStatementV1,
  predicateTypes,
  sgciPackagesBuildType,
} from '../media-types/index.ts';
export { keyBundle, parseBundle } from './bundle.ts';
export {
  appendLayer,
  appendReferrerToIndex,
  cosignTag,
  referrerManifest,
  referrersFallbackTag,
} from './cosign-manifest.ts';
export { type DsseEnvelope, envelopeBytes, openEnvelope, pae, parseEnvelope, signEnvelope } from './dsse.ts';
export { checkPredicateShape, readPredicate } from './predicate.ts';
export {
  dockerReference,
  type PushPlan,
  type PushResult,
  planAttestation,
  planAttestations,
  planSignature,
  planSignedAttestation,
  pushPlan,
  type ResolvedImage,
  resolveImage,
  type SignOptions,
  signStatement,
} from './sign-image.ts';
export { parseSimpleSigningPayload, type SimpleSigningPayload, simpleSigningPayload } from './simple-signing.ts';
export {
  acceptedPredicateTypes,
  buildStatement,
  type InTotoStatement,
  parseStatement,
  resolvePredicateType,
  statementCovers,
} from './statement.ts';
