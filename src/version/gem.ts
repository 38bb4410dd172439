import { compareDigits, defineScheme, type VersionScheme } from './scheme.ts';

/**
 * RubyGems' Gem::Version: segments are digit or letter runs; a letter segment makes a pre-release
 * (`1.0.a < 1.0`); trailing zeros of the release part and of the pre-release part are dropped
 * (canonical_segments), so `1.0 == 1`.
 */
type Segment = string | bigint;

function canonicalSegments(version: string): Segment[] {
  const segments: Segment[] = (version.trim().match(/[0-9]+|[a-z]+/gi) ?? []).map((s) =>
    /^[0-9]/.test(s) ? BigInt(s) : s,
  );
  const firstString = segments.findIndex((s) => typeof s === 'string');
  const release = firstString === -1 ? segments : segments.slice(0, firstString);
  const pre = firstString === -1 ? [] : segments.slice(firstString);
  const dropZeros = (list: Segment[]) => {
    const out = [...list];
    while (out.length > 0 && out[out.length - 1] === 0n) out.pop();
    return out;
  };
  return [...dropZeros(release), ...dropZeros(pre)];
}

function compareSegments(x: Segment[], y: Segment[]): number {
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    const l = x[i] ?? 0n;
    const r = y[i] ?? 0n;
    if (l === r) continue;
    if (typeof l === 'string' && typeof r !== 'string') return -1;
    if (typeof l !== 'string' && typeof r === 'string') return 1;
    if (typeof l === 'bigint' && typeof r === 'bigint') return Math.sign(compareDigits(String(l), String(r)));
    return l < r ? -1 : 1;
  }
  return 0;
}

const gemPattern = /^\s*[0-9]+(\.[0-9a-zA-Z]+)*(-[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?\s*$/;

export const gemScheme: VersionScheme = defineScheme(
  'gem',
  (v) => (gemPattern.test(v) ? canonicalSegments(v) : undefined),
  compareSegments,
);

export function compareGemVersions(a: string, b: string): number {
  return gemScheme.compare(a, b);
}
