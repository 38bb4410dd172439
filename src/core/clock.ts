import { SgciError } from './errors.ts';

/** The one time source: every "now" of sgci (ages, SLA clocks, ledger times) reads a Clock, never `new Date()`. */
export type Clock = () => Date;

// RFC 3339 date-time: date, `T` (or space), time with optional fraction, and a zone (Z or ±hh:mm) — never local time
const rfc3339 = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?(?:[Zz]|[+-]\d{2}:\d{2})$/;

/** An RFC 3339 time with its zone, or a USAGE error naming `input`; a time without a zone is refused, not guessed. */
export function parseRfc3339(value: string, input: string): Date {
  const date = rfc3339.test(value.trim()) ? new Date(value.trim()) : undefined;
  if (!date || Number.isNaN(date.getTime())) {
    throw new SgciError('USAGE', input, `not an RFC 3339 time with a zone: ${JSON.stringify(value)}`);
  }
  return date;
}

/**
 * The process clock: `SGCI_NOW` (RFC 3339) fixes it, for tests and replays of a recorded run; otherwise the system
 * time. Read once per call, so a test may set the variable between two runs of a command.
 */
export function systemClock(env: NodeJS.ProcessEnv = process.env): Clock {
  const fixed = env.SGCI_NOW;
  if (fixed === undefined || fixed === '') return () => new Date();
  const date = parseRfc3339(fixed, 'SGCI_NOW');
  return () => new Date(date.getTime());
}
