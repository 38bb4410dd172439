/** Exit codes of every sgci command: CI jobs branch on these. */
export const exitCodes = {
  ok: 0,
  /** A check, gate or verification failed. */
  gateFailed: 1,
  /** Bad usage or bad input (reference, file, registry, password). */
  usage: 2,
} as const;
