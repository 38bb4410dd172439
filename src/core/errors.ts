/**
 * Errors as values that name the input. Every boundary throws `SgciError` with a stable code;
 * the CLI prints `message` as one line and maps the code to an exit status.
 */
export const errorCodes = [
  'USAGE',
  'REFERENCE_INVALID',
  'PLATFORM_NOT_FOUND',
  'SOURCE_NOT_FOUND',
  'REGISTRY_UNREACHABLE',
  'REGISTRY_UNAUTHORIZED',
  'REGISTRY_ERROR',
  'REGISTRY_REFUSED',
  'MANIFEST_INVALID',
  'MANIFEST_UNSUPPORTED',
  'DIGEST_MISMATCH',
  'DIGEST_INVALID',
  'LIMIT_EXCEEDED',
  'LAYER_CORRUPT',
  'CREDENTIALS_INVALID',
  'CACHE_ERROR',
  'SBOM_INVALID',
  'ADVISORY_INVALID',
  'DATABASE_ERROR',
  'VEX_INVALID',
  'POLICY_INVALID',
  'DOCKERFILE_INVALID',
  'MANIFESTS_INVALID',
  'KEY_INVALID',
  'PASSWORD_INVALID',
  'SIGNATURE_INVALID',
  'SIGNATURE_NOT_FOUND',
  'IO_ERROR',
  /** A zip/jar archive that is malformed, encrypted or uses an unsupported method. */
  'ARCHIVE_INVALID',
  'CONFIG_INVALID',
  'NOT_FOUND',
  'CONFLICT',
  'FORBIDDEN',
  'RATE_LIMITED',
  /** `sgci build` refused an image its build-time policy forbids (root user, shell, package manager, setuid). */
  'BUILD_REFUSED',
  /** A Debian repository's InRelease, Release or index that breaks the chain of trust (dates, suite, a missing index). */
  'REPOSITORY_INVALID',
  /** A Debian package whose Depends/Pre-Depends no package of the sources satisfies. */
  'DEPENDENCY_UNMET',
] as const;
export type ErrorCode = (typeof errorCodes)[number];

export class SgciError extends Error {
  readonly code: ErrorCode;
  /** The reference, path or URL the user gave; named first in the one-line message. */
  readonly input: string;

  constructor(code: ErrorCode, input: string, message: string, options?: { cause?: unknown }) {
    super(input ? `${input}: ${message}` : message, options);
    this.name = 'SgciError';
    this.code = code;
    this.input = input;
  }
}

export function isSgciError(error: unknown, code?: ErrorCode): error is SgciError {
  return error instanceof SgciError && (code === undefined || error.code === code);
}

/** A problem at one place in the image that does not stop the run (Syft's "unknowns"). */
export interface Unknown {
  readonly path: string;
  readonly layer?: number;
  readonly reason: string;
}

/** The message of any thrown value, for wrapping foreign errors into an SgciError. */
export function describe(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as NodeJS.ErrnoException).code;
    return code && !error.message.includes(code) ? `${error.message} (${code})` : error.message;
  }
  return String(error);
}
