import { field, parseStanzas } from './parse-control.ts';

/** One installed package from the dpkg database (status file or a distroless status.d file). */
export interface DpkgEntry {
  readonly package: string;
  readonly version: string;
  readonly architecture?: string;
  /** Source package name; the binary name when the stanza has no Source field. */
  readonly sourceName: string;
  /** Source version; the binary version when Source gives none (binNMUs give one in parentheses). */
  readonly sourceVersion: string;
  readonly maintainer?: string;
  readonly installedSize?: number;
  readonly description?: string;
  /** Raw `Depends` + `Pre-Depends` groups as written: `a (>= 1) | b`. */
  readonly depends: readonly string[];
  readonly provides: readonly string[];
  readonly conffiles: readonly { path: string; digest?: string }[];
}

/**
 * Parses a dpkg status file into installed packages. Stanzas whose Status is not `… installed`
 * (deinstall, config-files, half-installed) are not on disk as packages and are skipped; status.d
 * files written by distroless tooling have no Status field and count as installed.
 */
export function parseDpkgStatus(text: string, problems?: string[]): DpkgEntry[] {
  const result: DpkgEntry[] = [];
  for (const stanza of parseStanzas(text)) {
    const name = field(stanza, 'Package');
    const version = field(stanza, 'Version');
    if (!name) continue; // an empty stanza or a stray `Package:` line: nothing to report
    if (!version) {
      problems?.push(`package ${name} has no Version`);
      continue;
    }
    const status = field(stanza, 'Status');
    if (status !== undefined && !isInstalled(status)) continue;
    if (!isDebianVersion(version)) {
      problems?.push(`package ${name}: invalid version ${JSON.stringify(version)}`);
      continue;
    }
    const sourceField = field(stanza, 'Source');
    let sourceName = name;
    let sourceVersion = version;
    if (sourceField) {
      const m = /^(\S+)(?:\s+\(([^)]+)\))?/.exec(sourceField);
      if (m?.[1]) sourceName = m[1];
      if (m?.[2]) sourceVersion = m[2].trim();
    }
    const size = field(stanza, 'Installed-Size');
    result.push({
      package: name,
      version,
      ...(field(stanza, 'Architecture') ? { architecture: field(stanza, 'Architecture') } : {}),
      sourceName,
      sourceVersion,
      ...(field(stanza, 'Maintainer') ? { maintainer: field(stanza, 'Maintainer') } : {}),
      ...(size && /^\d+$/.test(size) ? { installedSize: Number(size) } : {}),
      ...(field(stanza, 'Description') ? { description: field(stanza, 'Description') } : {}),
      depends: [...splitList(field(stanza, 'Pre-Depends')), ...splitList(field(stanza, 'Depends'))],
      provides: splitList(field(stanza, 'Provides')).map((p) => p.split(/[\s(]/)[0] ?? p),
      conffiles: parseConffiles(field(stanza, 'Conffiles')),
    });
  }
  return result;
}

/** deb-version(7): [epoch:]upstream[-revision], upstream starting with a digit. */
export function isDebianVersion(version: string): boolean {
  return /^(?:\d+:)?\d[A-Za-z0-9.+~:-]*$/.test(version) && !/-$/.test(version);
}

function isInstalled(status: string): boolean {
  const parts = status.split(/\s+/);
  return parts[2] === 'installed' || (parts.length === 1 && parts[0] === 'installed');
}

function splitList(value: string | undefined): string[] {
  if (!value) return [];
  return value
    .replace(/\n/g, ' ')
    .split(',')
    .map((s) => s.trim().replace(/\s+/g, ' '))
    .filter(Boolean);
}

function parseConffiles(value: string | undefined): { path: string; digest?: string }[] {
  if (!value) return [];
  const out: { path: string; digest?: string }[] = [];
  for (const line of value.split('\n')) {
    const [path, digest] = line.trim().split(/\s+/);
    if (path?.startsWith('/')) out.push(digest ? { path, digest: `md5:${digest}` } : { path });
  }
  return out;
}

/** `*.md5sums`: `<md5>  <path without leading slash>` per line. */
export function parseMd5sums(text: string): { path: string; digest: string }[] {
  const out: { path: string; digest: string }[] = [];
  for (const line of text.split('\n')) {
    const m = /^([0-9a-fA-F]{32})\s+(.+)$/.exec(line.trim());
    if (m?.[1] && m[2]) out.push({ path: normaliseOwnedPath(m[2]), digest: `md5:${m[1].toLowerCase()}` });
  }
  return out;
}

/** `*.list`: one path per line, directories included. */
export function parseList(text: string): string[] {
  const out: string[] = [];
  for (const line of text.split('\n')) {
    const p = line.trim();
    if (p && p !== '/.') out.push(normaliseOwnedPath(p));
  }
  return out;
}

function normaliseOwnedPath(p: string): string {
  const abs = p.startsWith('/') ? p : `/${p}`;
  // nearly every line is already in shape: no RegExp for it (a package lists thousands)
  if (!abs.startsWith('/./') && !abs.endsWith('/')) return abs;
  return abs.replace(/^\/\.\//, '/').replace(/\/+$/, '') || '/';
}
