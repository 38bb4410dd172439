export {
  ociProductPurl,
  publishScanAttestations,
  type ScanAttestation,
  scanAttestations,
  scanVexStatements,
} from './attestations.ts';
export { type CachedScan, type ScanCache, scanCacheKey, storeScanCache } from './cache.ts';
export type {
  ChecksOutcome,
  MatchRequest,
  ScanDeps,
  ScanNeeds,
  ScanOutcome,
  ScanRequest,
  ScanSubject,
  ScanTimings,
  VulnMatcher,
  VulnOutcome,
} from './request.ts';
export { runScan } from './run-scan.ts';
export { storeMatcher } from './store-match.ts';
export { startStoreMatcher } from './store-matcher.ts';
