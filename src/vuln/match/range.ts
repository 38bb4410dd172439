import { semverScheme, type VersionScheme } from '../../version/index.ts';
import type { OsvAffected, OsvEvent } from '../osv/record.ts';

export type RangeVerdict =
  | { readonly affected: true; readonly fixed: readonly string[]; readonly reason: string }
  | { readonly affected: false; readonly unknown?: string; readonly gitRangesIgnored?: boolean };

function eventValue(e: OsvEvent): string {
  return e.introduced ?? e.fixed ?? e.last_affected ?? e.limit ?? '';
}

/**
 * Evaluates one OSV `affected` entry for a version, exactly as the OSV spec's algorithm: events sorted by the
 * ecosystem's order (`introduced: 0` first); introduced at or below the version opens, fixed at or below closes,
 * last_affected below closes; `limit` caps the range; `versions` lists match exactly. GIT ranges need commit
 * graphs and are ignored (the caller reports it).
 */
export function evaluateAffected(affected: OsvAffected, version: string, scheme: VersionScheme): RangeVerdict {
  if (affected.versions?.includes(version)) {
    return { affected: true, fixed: fixedOf(affected, version, scheme), reason: `version ${version} listed` };
  }
  let gitRangesIgnored = false;
  let unknown: string | undefined;
  for (const range of affected.ranges ?? []) {
    if (range.type === 'GIT') {
      gitRangesIgnored = true;
      continue;
    }
    const order = range.type === 'SEMVER' ? semverScheme : scheme;
    if (!order.valid(version)) {
      unknown = `version ${version} is not a valid ${order.name} version`;
      continue;
    }
    const cmp = (a: string, b: string) => order.compare(a, b);
    const events = [...range.events].sort((a, b) => {
      if (a.introduced === '0') return b.introduced === '0' ? 0 : -1;
      if (b.introduced === '0') return 1;
      return cmp(eventValue(a), eventValue(b));
    });
    const limits = events.filter((e) => e.limit !== undefined).map((e) => e.limit as string);
    if (limits.length > 0 && limits.every((l) => l !== '*' && cmp(version, l) >= 0)) continue;
    let inRange = false;
    let opened = '';
    let closed = '';
    for (const e of events) {
      if (e.introduced !== undefined) {
        if (e.introduced === '0' || cmp(version, e.introduced) >= 0) {
          inRange = true;
          opened = e.introduced;
        }
      } else if (e.fixed !== undefined) {
        if (cmp(version, e.fixed) >= 0) inRange = false;
        else if (inRange && !closed) closed = `fixed ${e.fixed}`;
      } else if (e.last_affected !== undefined) {
        if (cmp(version, e.last_affected) > 0) inRange = false;
        else if (inRange && !closed) closed = `last_affected ${e.last_affected}`;
      }
    }
    if (inRange) {
      return {
        affected: true,
        fixed: fixedOf(affected, version, scheme),
        reason: `${range.type} introduced ${opened}${closed ? `, ${closed}` : ', no fix'}`,
      };
    }
  }
  return { affected: false, ...(unknown ? { unknown } : {}), ...(gitRangesIgnored ? { gitRangesIgnored } : {}) };
}

/** Fixed versions above the installed one, in the ecosystem's order. */
function fixedOf(affected: OsvAffected, version: string, scheme: VersionScheme): string[] {
  const fixed = new Set<string>();
  for (const range of affected.ranges ?? []) {
    if (range.type === 'GIT') continue;
    const order = range.type === 'SEMVER' ? semverScheme : scheme;
    for (const e of range.events) {
      if (e.fixed !== undefined && (!order.valid(version) || order.compare(e.fixed, version) > 0)) fixed.add(e.fixed);
    }
  }
  return [...fixed].sort((a, b) => scheme.compare(a, b));
}
