import type { FileNeeds, FileSink, FileVisitor } from '../types.ts';
import { globToRegExpSource, isLiteralGlob } from './glob.ts';
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
 * Needs compiled for the hot path: one Set lookup and at most one RegExp test per file, whatever
 * the number of globs (they share a single alternation).
 */
export function compileNeeds(needs: FileNeeds): (path: string) => boolean {
  const exact = new Set<string>();
  for (const path of needs.paths ?? []) exact.add(normalizeImagePath(path).path);
  const sources: string[] = [];
  for (const glob of needs.globs ?? []) {
    if (isLiteralGlob(glob)) exact.add(normalizeImagePath(glob).path);
    else sources.push(`(?:${globToRegExpSource(glob)})`);
  }
  if (sources.length === 0) return (path) => exact.has(path);
  const regex = new RegExp(`^(?:${sources.join('|')})$`);
  return (path) => exact.has(path) || regex.test(path);
}
