import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/**
 * The SPDX license list as the CycloneDX library ships it (res/schema/spdx.SNAPSHOT.schema.json):
 * read as data instead of importing the library, which would cost every cataloger run its load time.
 */
const spdxIds: ReadonlyMap<string, string> = (() => {
  const require = createRequire(import.meta.url);
  const dir = dirname(require.resolve('@cyclonedx/cyclonedx-library/package.json'));
  const schema: unknown = JSON.parse(readFileSync(join(dir, 'res', 'schema', 'spdx.SNAPSHOT.schema.json'), 'utf8'));
  const ids = (schema as { enum?: unknown }).enum;
  const map = new Map<string, string>();
  if (Array.isArray(ids)) for (const id of ids) if (typeof id === 'string') map.set(id.toLowerCase(), id);
  return map;
})();

const SPDX = {
  isSupportedSpdxId: (value: string): boolean => spdxIds.get(value.toLowerCase()) === value,
  fixupSpdxId: (value: string): string | undefined => spdxIds.get(value.toLowerCase()),
};

/**
 * Debian copyright-format short names that are not SPDX ids, mapped to their SPDX ids. The `+`
 * suffix means "or any later version" in both worlds.
 */
const debianToSpdx: Readonly<Record<string, string>> = {
  'GPL-1': 'GPL-1.0-only',
  'GPL-1+': 'GPL-1.0-or-later',
  'GPL-2': 'GPL-2.0-only',
  'GPL-2+': 'GPL-2.0-or-later',
  'GPL-3': 'GPL-3.0-only',
  'GPL-3+': 'GPL-3.0-or-later',
  'LGPL-2': 'LGPL-2.0-only',
  'LGPL-2+': 'LGPL-2.0-or-later',
  'LGPL-2.1': 'LGPL-2.1-only',
  'LGPL-2.1+': 'LGPL-2.1-or-later',
  'LGPL-3': 'LGPL-3.0-only',
  'LGPL-3+': 'LGPL-3.0-or-later',
  'AGPL-3': 'AGPL-3.0-only',
  'AGPL-3+': 'AGPL-3.0-or-later',
  'GFDL-1.2': 'GFDL-1.2-only',
  'GFDL-1.2+': 'GFDL-1.2-or-later',
  'GFDL-1.3': 'GFDL-1.3-only',
  'GFDL-1.3+': 'GFDL-1.3-or-later',
  'BSD-2-clause': 'BSD-2-Clause',
  'BSD-3-clause': 'BSD-3-Clause',
  'BSD-4-clause': 'BSD-4-Clause',
  Expat: 'MIT',
  Artistic: 'Artistic-1.0',
  'Apache-2': 'Apache-2.0',
  'MPL-2': 'MPL-2.0',
  CC0: 'CC0-1.0',
};

function spdxIdCaseInsensitive(name: string): string | undefined {
  return SPDX.isSupportedSpdxId(name) ? name : SPDX.fixupSpdxId(name);
}

/** Whether `value` is an SPDX license id, spelled exactly as the list spells it. */
export function isSpdxId(value: string): boolean {
  return SPDX.isSupportedSpdxId(value);
}

/** The SPDX id for a license name as found in package metadata, or undefined when there is none. */
export function toSpdxId(name: string): string | undefined {
  const trimmed = name.trim();
  return debianToSpdx[trimmed] ?? spdxIdCaseInsensitive(trimmed) ?? gnuShortName(trimmed);
}

/** `GPL2`, `GPL-2+`, `LGPL2.1`, `AGPLv3` (Alpine, Arch, RPM spellings) to `GPL-2.0-only` style ids. */
function gnuShortName(name: string): string | undefined {
  const m = /^(A|L)?GPL[-]?v?(\d)(?:\.(\d))?(\+|-or-later|-only)?$/i.exec(name);
  if (!m) return undefined;
  const id = `${(m[1] ?? '').toUpperCase()}GPL-${m[2]}.${m[3] ?? '0'}-${m[4] === '+' || m[4] === '-or-later' ? 'or-later' : 'only'}`;
  return SPDX.isSupportedSpdxId(id) ? id : undefined;
}

/** Whether `value` is an SPDX id or an SPDX expression of ids joined by AND/OR/WITH and parentheses. */
export function isSpdxExpression(value: string): boolean {
  const tokens = value.replace(/[()]/g, ' ').split(/\s+/).filter(Boolean);
  if (tokens.length === 0) return false;
  let expectId = true;
  for (const token of tokens) {
    if (expectId) {
      const base = token.endsWith('+') ? token.slice(0, -1) : token;
      if (!SPDX.isSupportedSpdxId(base) && !/^LicenseRef-[A-Za-z0-9.-]+$/.test(token)) return false;
    } else if (!['AND', 'OR', 'WITH'].includes(token)) {
      return false;
    }
    expectId = !expectId;
  }
  return !expectId;
}

/**
 * Normalises one license statement: an SPDX id or expression stays, a known Debian/short name maps
 * to its id, a Debian `A or B` expression maps part by part; anything else is kept as written.
 */
export function normaliseLicense(value: string): string {
  const v = value.trim().replace(/\s+/g, ' ');
  if (!v) return v;
  const direct = toSpdxId(v);
  if (direct) return direct;
  if (isSpdxExpression(v)) return v;
  const parts = v.split(/\s+(and|or|AND|OR)\s+/);
  if (parts.length > 1) {
    const mapped = parts.map((p, i) => (i % 2 === 1 ? p.toUpperCase() : (toSpdxId(p.replace(/[(),]/g, '')) ?? '')));
    if (mapped.every(Boolean)) return mapped.join(' ');
  }
  return v;
}
