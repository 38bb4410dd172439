export type {
  AttestationInput,
  Automation,
  Check,
  CheckContext,
  CheckId,
  CheckImage,
  CheckResult,
  ContextCheck,
  DigestLookup,
  FileDigests,
  FilesystemCheck,
  PassContext,
  PassFact,
  Reference,
  ScanContext,
  Section,
  Status,
  VulnInput,
} from './check.ts';
export { sections, statuses } from './check.ts';
export { describeEvidence, type Evidence, type LocalizedEvidence, type Text } from './evidence.ts';
export { distroEndOfLife, type EolVerdict } from './facts/eol.ts';
export { createDigestSink, type LayerReader } from './facts/file-digests.ts';
export { type DockerfileInput, parseDockerfile, readDockerfile } from './inputs/dockerfile.ts';
export { type ManifestsInput, manifestsFromTexts, parseManifests, readManifests } from './inputs/manifests.ts';
export { checkNeeds, checksPass } from './pass.ts';
export { checkById, checks } from './registry.ts';
export {
  type AppliedException,
  actionFor,
  type CheckOutcome,
  type CheckRun,
  evaluatePass,
  judgeChecks,
  type PassResults,
  runChecks,
} from './runner.ts';
