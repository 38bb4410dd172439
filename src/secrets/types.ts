/**
 * How bad a finding is. `critical`: a credential that grants access on its own (private key, cloud secret key,
 * API token). `high`: a credential shared by every container of the image or protected by something weak
 * (ssh host keys, PKCS#12 stores, encrypted private keys). `medium`: an identifier or a secret that needs more
 * to be useful (an AWS access key id alone).
 */
export type SecretSeverity = 'critical' | 'high' | 'medium';

/** What a finding says it found: one line in English and the same in German, never the value. */
export interface SecretDescription {
  readonly description: string;
  readonly descriptionDe: string;
}

/** `base` followed by `suffix` in both languages (`… in build history`, `… in package test or documentation files`). */
export function describeWith(base: SecretDescription, suffix: SecretDescription): SecretDescription {
  return {
    description: `${base.description}${suffix.description}`,
    descriptionDe: `${base.descriptionDe}${suffix.descriptionDe}`,
  };
}

/** Where in the image a secret was found. */
export type SecretLocation = 'file' | 'env' | 'label' | 'history';

/**
 * One secret found in an image. It names the place and the rule, never the value: `fingerprint` is a
 * masked prefix plus a short hash so that the same secret can be recognised across reports.
 */
export interface SecretFinding {
  /** Stable rule id, e.g. `github-token`, `private-key`, `ssh-host-private-key`. */
  readonly rule: string;
  /** One line, English, without the value. */
  readonly description: string;
  /** The same line in German (reports in `--lang de`). */
  readonly descriptionDe: string;
  readonly severity: SecretSeverity;
  readonly location: SecretLocation;
  /** Absolute file path for `file` findings. */
  readonly path?: string;
  /** Layer index that shipped the file, or the layer a history line created. */
  readonly layer?: number;
  /** 1-based line of the match in the file. */
  readonly line?: number;
  /** For config findings: `Env[1] DATABASE_URL`, `Labels[org.example.token]`, `history[2]`. */
  readonly field?: string;
  /**
   * True when a later layer removed or replaced the file: the secret is not visible in a running container
   * but is still shipped in the image. The scanner cannot know; `markHidden` sets it.
   */
  readonly deleted?: boolean;
  /** `ghp_…3f9a1c0b7d2e`: at most four leading characters of long values, then a hash prefix. Never the value. */
  readonly fingerprint: string;
}

export interface SecretScannerOptions {
  /** Largest file read whole; larger secret-prone files (by name) are read up to this many bytes. Default 1 MiB. */
  readonly maxFileBytes?: number;
}
