export type { CatalogContext, Cataloger, CatalogerNeeds, CatalogerOutput } from './cataloger.ts';
export { compareStrings, makePackage, packageId, purl } from './cataloger.ts';
export { distroQualifier, parseOsRelease } from './distro/os-release.ts';
export { isSpdxExpression, normaliseLicense, toSpdxId } from './license.ts';
export type * from './package.ts';
export { catalogers } from './registry.ts';
export { type CatalogNeeds, catalogerNeeds, catalogFilesystem, catalogPass, catalogTree } from './run.ts';
export { type Sbom, type SbomSubject, sbomSubjectOf } from './sbom.ts';
