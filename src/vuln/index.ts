/**
 * Vulnerabilities: the offline OSV database import, exact matching per ecosystem, VEX and SLA.
 * Pipeline: `importAdvisories` (once) → `matchSbom(sbom, store.advisories, {vex})` → VulnReport (rendered by report/).
 */

export { distroEcosystems, isMatchable } from './coverage/index.ts';
export { type CvssResult, cvss3BaseScore, cvss4Score, ratingOf } from './match/cvss.ts';
export { findVulnerabilities } from './match/match.ts';
export { evaluateAffected } from './match/range.ts';
export { decidingScore, overallSeverity, rateFromOtherSources, scoresOf, severityRowsOf } from './match/severity.ts';
export { defaultEcosystems, defaultOsvMirror, type FeedUpdate, feedUrl, updateFeeds } from './osv/feed.ts';
export {
  type AdvisorySource,
  type ImportOptions,
  type ImportProblem,
  type ImportResult,
  importAdvisories,
  parseAdvisorySource,
} from './osv/import.ts';
export {
  defaultIndexLimits,
  type IndexLimits,
  type IndexUpdate,
  signatureLocation,
  signIndex,
  updateFromIndex,
  verifyIndexSignature,
} from './osv/prebuilt-index.ts';
export type { OsvRecord } from './osv/record.ts';
export { validateOsv } from './osv/validate.ts';
export type * from './ports.ts';
export { type MatchOptions, matchSbom, reachesSeverity } from './report.ts';
export { unmatchedReport } from './results/index.ts';
export { gateSeverity, slaOf } from './sla.ts';
export type * from './types.ts';
export { severityOrder } from './types.ts';
export { applyVex, purlMatches } from './vex/apply.ts';
export { parseVex, readVexFile } from './vex/read.ts';
export { isOpenVexJustification, toCycloneDxVex, toOpenVex } from './vex/write.ts';
