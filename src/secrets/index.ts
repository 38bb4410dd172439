/**
 * Secret scanning (SGCI-SEC-001): content rules over every file of every layer (as a `FileVisitor` in the
 * single layer pass), over the image config (Env, Labels, history), and masking for display.
 * A secret value never leaves this module: findings carry a masked fingerprint only.
 */
export { scanImageConfig } from './config.ts';
export { fingerprint } from './fingerprint.ts';
export { markHidden } from './hidden.ts';
export { mask, maskEnvValue, maskText } from './mask.ts';
export { isSecretName } from './names.ts';
export { type SecretScan, secretsPass } from './pass.ts';
export { compareFindings, createSecretScanner, type SecretScanner, scanFile } from './scanner.ts';
export type { SecretFinding, SecretLocation, SecretScannerOptions, SecretSeverity } from './types.ts';
