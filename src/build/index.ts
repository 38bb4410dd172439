export {
  type BuildConfig,
  BuildConfigFile,
  type BuildPlatform,
  buildConfigJsonSchema,
  buildEpoch,
  buildPlatforms,
  type DebianSourceConfig,
  loadBuildConfig,
  parseBuildConfig,
  withEpoch,
} from './config.ts';
export { type Deb, type DebControl, type DebEntry, readDeb } from './deb/read-deb.ts';
export {
  type AssembledImage,
  type AssembleOptions,
  assembleImage,
  type BuildReport,
  type DebPackage,
  type LayerReport,
  type PackageReport,
  type PlatformPackages,
  type PlatformReport,
} from './image/assemble.ts';
export { explainLayoutDifference } from './image/compare.ts';
export { type ImagePusher, pushLayout } from './image/push.ts';
export {
  assembleAgain,
  type BuildEnvironment,
  currentEnvironment,
  proveReproducible,
  type ReproducibilityProof,
  type SecondRun,
  spawnSecondRun,
} from './reproduce.ts';
export {
  type BuildOutcome,
  type BuildRequest,
  configDigest,
  lockEpoch,
  lockPathOf,
  type ResolveBuildOptions,
  runBuild,
  writeBuildLock,
} from './run-build.ts';
export { type BuildVerification, type VerifyBuildRequest, verifyBuild } from './verify-build.ts';
