import type { FileNeeds, FileSink, FileVisitor } from '../types.ts';
import { globToRegExpSource, isLiteralGlob, literalSuffix } from './glob.ts';
import { normalizeImagePath } from './paths.ts';

/** The union of what several consumers declared, so one pass serves all of them. */
export function mergeNeeds(...needs: FileNeeds[]): FileNeeds {
  const paths = new Set<string>();
  const globs = new Set<string>();
  const visitors = new Set<FileVisitor>();
  const sinks = new Set<FileSink>();
  for (const need of needs) {
    for (const path of need.paths ?? []) paths.add(normalizeImagePath(path).path);
    for (const glob of need.globs ?? []) globs.add(glob);
    for (const visitor of need.visitors ?? []) visitors.add(visitor);
    for (const sink of need.sinks ?? []) sinks.add(sink);
  }
  return {
    paths: [...paths].sort(),
    globs: [...globs].sort(),
    visitors: [...visitors],
    ...(sinks.size > 0 ? { sinks: [...sinks] } : {}),
  };
}

/**
 * Needs compiled for the hot path: a Set lookup, then only the globs whose literal suffix the path ends with
 * (those sharing one suffix share one RegExp alternation). Testing every path against one alternation of all
 * globs cost microseconds a file: each alternative opening with `**` backtracks over every position of the path.
 */
export function compileNeeds(needs: FileNeeds): (path: string) => boolean {
  const exact = new Set<string>();
  for (const path of needs.paths ?? []) exact.add(normalizeImagePath(path).path);
  const bySuffix = new Map<string, string[]>();
  for (const glob of needs.globs ?? []) {
    if (isLiteralGlob(glob)) {
      exact.add(normalizeImagePath(glob).path);
      continue;
    }
    const suffix = literalSuffix(glob);
    const sources = bySuffix.get(suffix) ?? [];
    sources.push(`(?:${globToRegExpSource(glob)})`);
    bySuffix.set(suffix, sources);
  }
  // by the suffix's last character, so a path meets only the few suffixes it could end with
  const byLastChar = new Map<number, { suffix: string; regex: RegExp }[]>();
  const anyEnd: RegExp[] = [];
  for (const [suffix, sources] of bySuffix) {
    const regex = new RegExp(`^(?:${sources.join('|')})$`);
    if (suffix === '') {
      anyEnd.push(regex);
      continue;
    }
    const last = suffix.charCodeAt(suffix.length - 1);
    const groups = byLastChar.get(last) ?? [];
    groups.push({ suffix, regex });
    byLastChar.set(last, groups);
  }
  if (bySuffix.size === 0) return (path) => exact.has(path);
  // indexed loops: this runs for every file of every layer, mostly before V8 compiles it, and an interpreted
  // for-of allocates an iterator and a result object per step
  return (path) => {
    if (exact.has(path)) return true;
    const groups = byLastChar.get(path.charCodeAt(path.length - 1));
    if (groups !== undefined) {
      for (let i = 0; i < groups.length; i++) {
        const { suffix, regex } = groups[i] as { suffix: string; regex: RegExp };
        if (path.endsWith(suffix) && regex.test(path)) return true;
      }
    }
    for (let i = 0; i < anyEnd.length; i++) if ((anyEnd[i] as RegExp).test(path)) return true;
    return false;
  };
}
