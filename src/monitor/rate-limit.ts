import { parseRetryAfter, type RegistryResponseInfo } from '../oci/registry/index.ts';

/** What a response says about the registry's budget: requests left, and when to come back. */
export interface RateLimitSignal {
  /** Requests left in the window (`RateLimit-Remaining: 76;w=21600`, `X-RateLimit-Remaining: 4999`). */
  readonly remaining?: number;
  /** Milliseconds until the window resets, when the registry says. */
  readonly resetMs?: number;
  /** Milliseconds the registry asked to wait (`Retry-After` of a 429 or 503). */
  readonly retryAfterMs?: number;
}

function headerValue(headers: RegistryResponseInfo['headers'], name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** The leading integer of a structured header (`76;w=21600` → 76), or undefined. */
function leadingInteger(value: string | undefined): number | undefined {
  const match = value === undefined ? null : /^\s*(\d{1,12})\b/.exec(value);
  return match ? Number(match[1]) : undefined;
}

/**
 * Reads the rate-limit headers registries send: Docker Hub's `ratelimit-remaining` (IETF draft), GitHub-style
 * `x-ratelimit-remaining` with `x-ratelimit-reset` (epoch seconds), draft `ratelimit-reset` (seconds from now),
 * and `retry-after`. Garbage in a header is ignored, never trusted.
 */
export function rateLimitOf(info: RegistryResponseInfo, now: Date): RateLimitSignal {
  const remaining =
    leadingInteger(headerValue(info.headers, 'ratelimit-remaining')) ??
    leadingInteger(headerValue(info.headers, 'x-ratelimit-remaining'));
  const deltaReset = leadingInteger(headerValue(info.headers, 'ratelimit-reset'));
  const epochReset = leadingInteger(headerValue(info.headers, 'x-ratelimit-reset'));
  const resetMs =
    deltaReset !== undefined
      ? deltaReset * 1000
      : epochReset !== undefined
        ? Math.max(0, epochReset * 1000 - now.getTime())
        : undefined;
  const retryAfterMs =
    info.status === 429 || info.status === 503
      ? parseRetryAfter(headerValue(info.headers, 'retry-after'), now.getTime())
      : undefined;
  return {
    ...(remaining !== undefined ? { remaining } : {}),
    ...(resetMs !== undefined ? { resetMs } : {}),
    ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
  };
}
