import { compareDigits, defineScheme, type VersionScheme } from './scheme.ts';

/** NuGet versions: up to four numeric parts (missing = 0), SemVer 2 labels compared case-insensitively. */
const nugetPattern =
  /^v?([0-9]+)(?:\.([0-9]+))?(?:\.([0-9]+))?(?:\.([0-9]+))?(?:-([0-9A-Za-z.-]+))?(?:\+[0-9A-Za-z.-]+)?$/;

function compareParsed(x: RegExpExecArray, y: RegExpExecArray): number {
  for (let i = 1; i <= 4; i++) {
    const c = compareDigits(x[i] ?? '0', y[i] ?? '0');
    if (c !== 0) return Math.sign(c);
  }
  const p = x[5];
  const q = y[5];
  if (p === undefined || q === undefined) return p === q ? 0 : p === undefined ? 1 : -1;
  const ps = p.split('.');
  const qs = q.split('.');
  for (let i = 0; i < Math.max(ps.length, qs.length); i++) {
    const l = ps[i];
    const r = qs[i];
    if (l === undefined) return -1;
    if (r === undefined) return 1;
    const ln = /^[0-9]+$/.test(l);
    const rn = /^[0-9]+$/.test(r);
    if (ln && rn) {
      const c = compareDigits(l, r);
      if (c !== 0) return Math.sign(c);
    } else if (ln !== rn) {
      return ln ? -1 : 1;
    } else {
      // NuGet compares labels ordinal-ignore-case.
      const lo = l.toLowerCase();
      const ro = r.toLowerCase();
      if (lo !== ro) return lo < ro ? -1 : 1;
    }
  }
  return 0;
}

export const nugetScheme: VersionScheme = defineScheme(
  'nuget',
  (v) => nugetPattern.exec(v.trim()) ?? undefined,
  compareParsed,
);

export function compareNugetVersions(a: string, b: string): number {
  return nugetScheme.compare(a, b);
}
