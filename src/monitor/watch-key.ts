import { SgciError } from '../core/index.ts';
import { defaultPlatform, formatPlatform, parsePlatform } from '../oci/image/index.ts';
import { parseImageReference } from '../oci/reference/index.ts';
import type { WatchKey } from '../store/index.ts';

/**
 * The watch a reference names: a registry tag (a digest never moves, so there is nothing to watch) and the platform
 * looked at in an index, `linux/amd64` unless given.
 */
export function watchKeyOf(input: string, platform?: string): WatchKey {
  const parsed = parseImageReference(input);
  if (parsed.kind !== 'registry') {
    throw new SgciError('USAGE', input, 'the monitor watches registry tags: give a registry reference');
  }
  if (parsed.ref.digest !== undefined) {
    throw new SgciError('USAGE', input, 'a digest never moves: watch a tag (REPOSITORY:TAG)');
  }
  return {
    registry: parsed.ref.registry,
    repository: parsed.ref.repository,
    tag: parsed.ref.tag ?? 'latest',
    platform: formatPlatform(platform === undefined ? defaultPlatform : parsePlatform(platform)),
  };
}

/** `registry/repository:tag`: how the monitor names a watched tag in its output. */
export function formatWatch(key: Omit<WatchKey, 'platform'>): string {
  return `${key.registry}/${key.repository}:${key.tag}`;
}

/** `registry/repository@digest`: the reference a pin prints and a scan opens. */
export function pinnedReference(key: Omit<WatchKey, 'platform' | 'tag'>, digest: string): string {
  return `${key.registry}/${key.repository}@${digest}`;
}

/**
 * A span flag in seconds: `30m`, `6h`, `7d`, `2w`, between `minSeconds` and a year (`--every` asks at least a
 * minute apart; `--min-age 0h` is allowed: the newest digest).
 */
export function parseSpan(value: string, input: string, minSeconds: number): number {
  const match = /^(\d+)\s*(m|h|d|w)$/.exec(value.trim());
  const unit = match ? { m: 60, h: 3600, d: 86_400, w: 604_800 }[match[2] as 'm' | 'h' | 'd' | 'w'] : undefined;
  const seconds = match && unit ? Number(match[1]) * unit : Number.NaN;
  if (!(seconds >= minSeconds && seconds <= 366 * 86_400)) {
    throw new SgciError(
      'USAGE',
      input,
      `not a span between ${minSeconds / 60}m and 366d: ${JSON.stringify(value)} (use 30m, 6h, 7d)`,
    );
  }
  return seconds;
}
