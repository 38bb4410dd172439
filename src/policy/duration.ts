import { SgciError } from '../core/index.ts';

/** `48h`, `7d`, `30d`, `2w`; `next-release` has no clock and returns undefined. */
export function parseDuration(value: string, input: string): number | undefined {
  if (value === 'next-release') return undefined;
  const match = /^(\d+)\s*(h|d|w)$/.exec(value.trim());
  if (!match)
    throw new SgciError('POLICY_INVALID', input, `not a duration: ${JSON.stringify(value)} (use 48h, 7d, 2w)`);
  const hours = { h: 1, d: 24, w: 24 * 7 }[match[2] as 'h' | 'd' | 'w'];
  return Number(match[1]) * hours * 3_600_000;
}
