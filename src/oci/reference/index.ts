export {
  defaultTag,
  dockerHubRegistry,
  formatImageReference,
  formatRegistryReference,
  parseImageReference,
  parseRegistryReference,
  type ReferenceScheme,
  referenceSchemes,
} from './parse.ts';
export type { ImageReference, RegistryReference } from './types.ts';
