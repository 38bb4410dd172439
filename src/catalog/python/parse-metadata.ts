import { normaliseLicense } from '../license.ts';

/** Core metadata (PEP 241/314/345/566/643) of an installed distribution: METADATA or PKG-INFO. */
export interface PythonMetadata {
  readonly name: string;
  readonly version: string;
  readonly licenses: readonly string[];
  readonly requiresDist: readonly string[];
}

/** Trove classifiers with an unambiguous SPDX id; other classifier names are kept as written. */
const classifierToSpdx: Readonly<Record<string, string>> = {
  'MIT License': 'MIT',
  'MIT No Attribution License (MIT-0)': 'MIT-0',
  'ISC License (ISCL)': 'ISC',
  'Python Software Foundation License': 'PSF-2.0',
  'Mozilla Public License 1.1 (MPL 1.1)': 'MPL-1.1',
  'Mozilla Public License 2.0 (MPL 2.0)': 'MPL-2.0',
  'GNU General Public License v2 (GPLv2)': 'GPL-2.0-only',
  'GNU General Public License v2 or later (GPLv2+)': 'GPL-2.0-or-later',
  'GNU General Public License v3 (GPLv3)': 'GPL-3.0-only',
  'GNU General Public License v3 or later (GPLv3+)': 'GPL-3.0-or-later',
  'GNU Lesser General Public License v2 (LGPLv2)': 'LGPL-2.0-only',
  'GNU Lesser General Public License v2 or later (LGPLv2+)': 'LGPL-2.0-or-later',
  'GNU Lesser General Public License v3 (LGPLv3)': 'LGPL-3.0-only',
  'GNU Lesser General Public License v3 or later (LGPLv3+)': 'LGPL-3.0-or-later',
  'GNU Affero General Public License v3': 'AGPL-3.0-only',
  'Eclipse Public License 2.0 (EPL-2.0)': 'EPL-2.0',
  'The Unlicense (Unlicense)': 'Unlicense',
  'Zope Public License': 'ZPL-2.1',
};

/**
 * Parses the RFC 822-style header block (the body after the first blank line is the description).
 * Licenses: `License-Expression` (PEP 639) first, then a one-line `License` field, then the license
 * classifiers. `UNKNOWN` (what old setuptools wrote for "not given") counts as no license.
 */
export function parsePythonMetadata(text: string): PythonMetadata | undefined {
  const fields = new Map<string, string[]>();
  let last: string | undefined;
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i] as string;
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (line === '') {
      // metadata 1.x writes the Description as an indented field that may contain blank lines;
      // the header ends at the first blank line not followed by an indented line
      // (setuptools' old PKG-INFO also puts more header fields after such a description)
      if (last !== 'description') break;
      let next = i + 1;
      while (next < lines.length && (lines[next] as string).trim() === '') next++;
      if (next === lines.length || !/^(?:[ \t]|[A-Za-z][A-Za-z0-9-]*: )/.test(lines[next] as string)) break;
      // the blank lines in between are skipped once, not looked past again from each of them
      i = next - 1;
      continue;
    }
    if ((line[0] === ' ' || line[0] === '\t') && last) {
      const values = fields.get(last);
      if (values?.length) values[values.length - 1] += `\n${line.trim()}`;
      continue;
    }
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    last = line.slice(0, colon).trim().toLowerCase();
    const list = fields.get(last) ?? [];
    list.push(line.slice(colon + 1).trim());
    fields.set(last, list);
  }
  const name = fields.get('name')?.[0];
  const version = fields.get('version')?.[0];
  if (!name || !version) return undefined;
  return { name, version, licenses: licenses(fields), requiresDist: fields.get('requires-dist') ?? [] };
}

function licenses(fields: ReadonlyMap<string, string[]>): string[] {
  const expression = fields.get('license-expression')?.[0];
  if (expression) return [normaliseLicense(expression)];
  const license = fields.get('license')?.[0];
  if (license && license !== 'UNKNOWN' && !license.includes('\n') && license.length <= 100) {
    return [normaliseLicense(license)];
  }
  const out: string[] = [];
  for (const c of fields.get('classifier') ?? []) {
    const parts = c.split('::').map((p) => p.trim());
    if (parts[0] !== 'License' || parts.length < 2) continue;
    const last = parts[parts.length - 1] ?? '';
    if (last === 'OSI Approved') continue;
    out.push(classifierToSpdx[last] ?? normaliseLicense(last));
  }
  return out;
}

/** RECORD (PEP 376): `path,hash,size` CSV, paths relative to the site-packages directory. */
export function parseRecord(text: string): { path: string; digest?: string }[] {
  const out: { path: string; digest?: string }[] = [];
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    const fields = splitCsvLine(line);
    const path = fields[0];
    if (!path) continue;
    const hash = fields[1];
    const m = hash ? /^(sha256|sha384|sha512|md5|sha1)=(.+)$/.exec(hash) : null;
    out.push(m?.[1] && m[2] ? { path, digest: `${m[1]}:${Buffer.from(m[2], 'base64url').toString('hex')}` } : { path });
  }
  return out;
}

/**
 * One line of RECORD as Python's csv module reads it (RECORD is written by csv.writer): a field
 * opening with a quote runs to the closing quote (a doubled quote is one quote) and goes on
 * unquoted to the next comma; elsewhere a quote is an ordinary character. Slices, not one string
 * per character: a RECORD line can be megabytes long.
 */
export function splitCsvLine(raw: string): string[] {
  const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
  const out: string[] = [];
  let i = 0;
  for (;;) {
    const parts: string[] = [];
    if (line[i] === '"') {
      let from = i + 1;
      for (;;) {
        const quote = line.indexOf('"', from);
        if (quote < 0) {
          parts.push(line.slice(from));
          i = line.length;
          break;
        }
        parts.push(line.slice(from, quote));
        if (line[quote + 1] !== '"') {
          i = quote + 1;
          break;
        }
        parts.push('"');
        from = quote + 2;
      }
    }
    const comma = line.indexOf(',', i);
    parts.push(line.slice(i, comma < 0 ? line.length : comma));
    out.push(parts.join(''));
    if (comma < 0) return out;
    i = comma + 1;
  }
}

/** direct_url.json (PEP 610): the VCS source of a `pip install git+…`, as purl's vcs_url. */
export function vcsUrl(text: string): string | undefined {
  const json: unknown = JSON.parse(text);
  if (typeof json !== 'object' || json === null) return undefined;
  const { url, vcs_info: info } = json as { url?: unknown; vcs_info?: { vcs?: unknown; commit_id?: unknown } };
  if (typeof url !== 'string' || typeof info?.vcs !== 'string') return undefined;
  return `${info.vcs}+${url}${typeof info.commit_id === 'string' ? `@${info.commit_id}` : ''}`;
}
