export { ociProductPurl, type ScanAttestation, scanAttestations, scanVexStatements } from './attestations.ts';
export { checkImageOf } from './image-facts.ts';
export { type ScanOptions, type ScanResult, scanImage, type VulnMatcher } from './scan.ts';
export { startStoreMatcher } from './store-matcher.ts';
