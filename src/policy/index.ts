export { type BaseImageCategory, classifyBaseImage } from './base-image.ts';
export { defaultPolicy } from './builtin/index.ts';
export { policyDocument } from './document.ts';
export { parseDuration } from './duration.ts';
export { type ExceptionMatch, exceptionCoversImage, exceptionExpired, findException } from './exceptions.ts';
export { type ImageName, imagePatternMatches, normalizeImageName } from './image-name.ts';
export { loadPolicy, parsePolicy } from './load.ts';
// types only: the zod schemas load with the first policy file parsed (load.ts), not with every scan
export type { CheckAction, Policy, PolicyException, PolicyFile, TrustedKey } from './schema.ts';
export {
  type SlaPolicy,
  type SlaSeverity,
  type SlaWindow,
  slaPolicyOf,
  slaSeverities,
  withSlaOverrides,
} from './sla.ts';
