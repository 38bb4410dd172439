export type { CatalogContext, Cataloger, CatalogerNeeds, CatalogerOutput } from './cataloger.ts';
export { catalogerFailure, compareStrings, isCatalogerFailure, makePackage, packageId, purl } from './cataloger.ts';
export { distroQualifier, parseOsRelease } from './distro/os-release.ts';
export { isSpdxExpression, normaliseLicense, toSpdxId } from './license.ts';
export type * from './package.ts';
export { catalogers } from './registry.ts';
export { readRpmDatabase, rpmDatabases } from './rpm/cataloger.ts';
export type { RpmFileDigest, RpmHeader } from './rpm/parse-header.ts';
export { type CatalogNeeds, catalogerNeeds, catalogFilesystem, catalogTree } from './run.ts';
