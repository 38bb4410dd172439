export {
  AssembledImage,
  type AssembledImageParts,
  assembleImage,
  configPlatform,
  imageEntries,
  joinLayers,
  type ParsedDocument,
  parseManifestDocument,
  type ResolvedManifest,
  type ResolveOptions,
  readConfig,
  resolveManifest,
  toContentDescriptor,
} from './assemble.ts';
export {
  type ContentDescriptor,
  checkDeclaredSize,
  type ImageContent,
  type ManifestDocument,
} from './content.ts';
export { describeImage, type ImageDescription } from './description.ts';
export {
  availablePlatforms,
  defaultPlatform,
  formatPlatform,
  normalizePlatform,
  parsePlatform,
  platformMatches,
  selectPlatform,
} from './platform.ts';
export * from './schema.ts';
