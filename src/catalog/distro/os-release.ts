import type { Distro } from '../package.ts';

/** Paths in the order systemd's os-release(5) says to look them up. */
export const osReleasePaths = ['/etc/os-release', '/usr/lib/os-release'] as const;

/** Parses os-release(5): shell-style `KEY=value` lines, values optionally quoted. */
export function parseOsRelease(text: string): Distro | undefined {
  const fields = new Map<string, string>();
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const eq = line.indexOf('=');
    if (eq <= 0) continue;
    fields.set(line.slice(0, eq).trim(), unquote(line.slice(eq + 1).trim()));
  }
  const id = fields.get('ID');
  if (!id) return undefined;
  const idLike = fields.get('ID_LIKE')?.split(/\s+/).filter(Boolean);
  return {
    id: id.toLowerCase(),
    ...(fields.get('VERSION_ID') ? { versionId: fields.get('VERSION_ID') } : {}),
    ...(fields.get('VERSION_CODENAME') ? { versionCodename: fields.get('VERSION_CODENAME') } : {}),
    ...(fields.get('PRETTY_NAME') ? { prettyName: fields.get('PRETTY_NAME') } : {}),
    ...(idLike?.length ? { idLike } : {}),
  };
}

function unquote(value: string): string {
  const q = value[0];
  if ((q === '"' || q === "'") && value.endsWith(q) && value.length >= 2) {
    return value.slice(1, -1).replace(/\\(["'$`\\])/g, '$1');
  }
  return value;
}

/**
 * The purl `distro` qualifier: `debian-12`, `alpine-3.20.1`, `ubuntu-22.04`. Debian testing/sid
 * has no VERSION_ID, so the codename stands in.
 */
export function distroQualifier(distro: Distro | undefined): string | undefined {
  if (!distro) return undefined;
  const version = distro.versionId ?? distro.versionCodename;
  return version ? `${distro.id}-${version}` : distro.id;
}

/** The purl namespace for OS packages: the distro id, or a fallback when there is no os-release. */
export function osNamespace(distro: Distro | undefined, fallback: string): string {
  return distro?.id ?? fallback;
}
