/**
 * The Debian side of `sgci build`: sources verified link by link (InRelease signature, Release, indices,
 * `.deb` digests), the closure of the requested packages, and the lock that records both.
 */
export type { Paragraph } from './deb822.ts';
export { paragraphs } from './deb822.ts';
export { type ExpectedFile, RepositoryFiles, type RepositoryFilesOptions } from './files.ts';
export { debianArchitecture, debPackageOf, resolveRequestOf } from './from-config.ts';
export {
  diffLock,
  formatWhy,
  type Lock,
  type LockedPackage,
  type LockedSuite,
  lockedPackages,
  lockOf,
  lockPins,
  parseLock,
  serializeLock,
} from './lock.ts';
export { type BinaryPackage, type MultiArch, type PackageOrigin, parsePackages } from './packages.ts';
export { PackageList, type PackageListing, PackagesIndex } from './packages-index.ts';
export type { Alternatives, Relation, VersionOperator } from './relations.ts';
export { formatAlternatives, parseRelations, versionSatisfies } from './relations.ts';
export {
  type Closure,
  type ClosurePackage,
  type ClosureRequest,
  type Cut,
  type DependencyField,
  type ExcludedPackage,
  resolveClosure,
  type Why,
} from './resolve.ts';
export {
  type DebFile,
  type Fetched,
  fetchPackages,
  type LockedDownloads,
  prefetchPackages,
  type Resolution,
  type ResolvedPackage,
  type ResolveOptions,
  type ResolveRequest,
  resolveDebian,
  startLockedDownloads,
  verifyLockedPackages,
} from './resolve-debian.ts';
export {
  loadPinnedKeys,
  normalizeFingerprint,
  type PinnedKey,
  type VerifiedInRelease,
  verifyInRelease,
} from './signature.ts';
export { type DebianSource, type LoadedSuite, loadSuite, type VerifiedIndex, type VerifiedSuite } from './source.ts';
export { PackageUniverse } from './universe.ts';
