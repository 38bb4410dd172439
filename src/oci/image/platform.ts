import { SgciError } from '../../core/index.ts';
import type { Platform } from './schema.ts';

/** What sgci picks from an index when the user names no platform. */
export const defaultPlatform: Platform = Object.freeze({ os: 'linux', architecture: 'amd64' });

// Architecture aliases as containerd's platforms.Normalize maps them (uname and Debian names).
const architectureAliases: Readonly<Record<string, { architecture: string; variant?: string }>> = {
  i386: { architecture: '386' },
  i686: { architecture: '386' },
  x86_64: { architecture: 'amd64' },
  'x86-64': { architecture: 'amd64' },
  aarch64: { architecture: 'arm64' },
  armhf: { architecture: 'arm', variant: 'v7' },
  armel: { architecture: 'arm', variant: 'v6' },
};

/**
 * The canonical form used for comparison, following containerd: arm64 `v8` is the implied default
 * variant (dropped), arm without a variant means `v7`, amd64 `v1` is the baseline (dropped), and
 * numeric variants get their `v`.
 */
export function normalizePlatform(platform: Platform): Platform {
  const os = platform.os.toLowerCase();
  let architecture = platform.architecture.toLowerCase();
  let variant = platform.variant?.toLowerCase();
  const alias = architectureAliases[architecture];
  if (alias) {
    architecture = alias.architecture;
    variant = variant || alias.variant;
  }
  if (variant && /^[0-9]+$/.test(variant)) variant = `v${variant}`;
  if (architecture === 'arm64' && variant === 'v8') variant = undefined;
  if (architecture === 'amd64' && variant === 'v1') variant = undefined;
  if (architecture === 'arm' && !variant) variant = 'v7';
  return { os, architecture, ...(variant ? { variant } : {}) };
}

/** `os/arch[/variant]`, as `--platform` takes it and as the error messages list the available ones. */
export function formatPlatform(platform: Platform): string {
  return `${platform.os}/${platform.architecture}${platform.variant ? `/${platform.variant}` : ''}`;
}

/** Parses `--platform os/arch[/variant]`; anything else is a usage error naming the flag value. */
export function parsePlatform(value: string): Platform {
  const parts = value.split('/');
  if (parts.length < 2 || parts.length > 3 || parts.some((p) => !/^[A-Za-z0-9._-]+$/.test(p))) {
    throw new SgciError('USAGE', `--platform ${value}`, 'platform must be os/arch[/variant], e.g. linux/arm64/v8');
  }
  const [os = '', architecture = '', variant] = parts;
  return { os, architecture, ...(variant ? { variant } : {}) };
}

/** Whether an image for `candidate` is what the user asked for with `wanted`. */
export function platformMatches(wanted: Platform, candidate: Platform): boolean {
  const a = normalizePlatform(wanted);
  const b = normalizePlatform(candidate);
  if (a.os !== b.os || a.architecture !== b.architecture) return false;
  // An unspecified variant on an architecture without a default accepts any variant of it.
  if (a.variant === undefined && b.variant !== undefined && a.architecture !== 'arm64' && a.architecture !== 'arm') {
    return true;
  }
  return a.variant === b.variant;
}

/**
 * Picks the entry for `wanted` among index entries, or fails with PLATFORM_NOT_FOUND listing what the
 * index offers. Entries without a platform (attestation manifests, unknown/unknown) never match.
 */
export function selectPlatform<T extends { readonly platform?: Platform | undefined }>(
  entries: readonly T[],
  wanted: Platform,
  input: string,
): T {
  const match = entries.find((entry) => entry.platform !== undefined && platformMatches(wanted, entry.platform));
  if (match) return match;
  throw new SgciError(
    'PLATFORM_NOT_FOUND',
    input,
    `no image for platform ${formatPlatform(wanted)}; available: ${availablePlatforms(entries).join(', ') || 'none'}`,
  );
}

/** Distinct `os/arch[/variant]` of the index entries, in index order, without unknown/unknown. */
export function availablePlatforms(entries: readonly { readonly platform?: Platform | undefined }[]): string[] {
  const seen = new Set<string>();
  for (const entry of entries) {
    if (!entry.platform || entry.platform.os === 'unknown') continue;
    seen.add(formatPlatform(entry.platform));
  }
  return [...seen];
}
