import { semverScheme, type VersionScheme } from '../../version/index.ts';
import type { OsvAffected, OsvEvent, OsvRange } from '../osv/record.ts';

/** Why (part of) an `affected` entry could not be decided: the installed version, or a range bound, is not a version. */
export interface RangeUnknown {
  readonly subject: 'version' | 'range';
  readonly reason: string;
}

/**
 * The outcome for one `affected` entry; the caller reports `unknown`. An affected verdict from one range stands even
 * when another range was undecidable; "not affected" with `unknown` means nothing could be shown either way.
 */
export type RangeVerdict =
  | {
      readonly affected: true;
      readonly fixed: readonly string[];
      readonly reason: string;
      readonly unknown?: RangeUnknown;
    }
  | { readonly affected: false; readonly unknown?: RangeUnknown; readonly gitRangesIgnored?: boolean };

const bounds = ['introduced', 'fixed', 'last_affected', 'limit'] as const;

/** `introduced: "0"` and `limit: "*"` are the spec's unbounded markers, not versions. */
function isUnbounded(kind: (typeof bounds)[number], value: string): boolean {
  return (kind === 'introduced' && value === '0') || (kind === 'limit' && value === '*');
}

/** Why a range cannot be evaluated for this version with its ordering, or undefined when it can. */
function undecidable(range: OsvRange, version: string, order: VersionScheme): RangeUnknown | undefined {
  if (!order.valid(version)) {
    return { subject: 'version', reason: `version ${version} is not a valid ${order.name} version` };
  }
  for (const e of range.events) {
    for (const kind of bounds) {
      const value = e[kind];
      if (value !== undefined && !isUnbounded(kind, value) && !order.valid(value)) {
        const reason = `its ${range.type} range has ${kind} ${JSON.stringify(value)}, not a valid ${order.name} version`;
        return { subject: 'range', reason };
      }
    }
  }
  return undefined;
}

function orderOf(range: OsvRange, scheme: VersionScheme): VersionScheme {
  return range.type === 'SEMVER' ? semverScheme : scheme;
}

function eventValue(e: OsvEvent): string {
  return e.introduced ?? e.fixed ?? e.last_affected ?? '';
}

/**
 * Evaluates one OSV `affected` entry for a version, exactly as the OSV spec's algorithm: events sorted by the
 * ecosystem's order (`introduced: 0` first); introduced at or below the version opens, fixed at or below closes,
 * last_affected below closes; `limit` caps the range; `versions` lists match exactly. A range with a bound the
 * ordering rejects is not evaluated at all (comparing it would guess): the verdict says so in `unknown`. GIT ranges
 * need commit graphs and are ignored (the caller reports it).
 */
export function evaluateAffected(affected: OsvAffected, version: string, scheme: VersionScheme): RangeVerdict {
  const ranges = (affected.ranges ?? []).filter((r) => r.type !== 'GIT');
  const gitRangesIgnored = ranges.length < (affected.ranges ?? []).length;
  const problems = ranges.map((r) => undecidable(r, version, orderOf(r, scheme)));
  const unknown = problems.find((p) => p !== undefined);
  if (affected.versions?.includes(version)) {
    return {
      affected: true,
      fixed: fixedOf(affected, version, scheme),
      reason: `version ${version} listed`,
      ...(unknown ? { unknown } : {}),
    };
  }
  for (const [i, range] of ranges.entries()) {
    if (problems[i] !== undefined) continue;
    const order = orderOf(range, scheme);
    const cmp = (a: string, b: string) => order.compare(a, b);
    const events = range.events
      .filter((e) => e.limit === undefined)
      .sort((a, b) => {
        if (a.introduced === '0') return b.introduced === '0' ? 0 : -1;
        if (b.introduced === '0') return 1;
        return cmp(eventValue(a), eventValue(b));
      });
    const limits = range.events.flatMap((e) => (e.limit === undefined ? [] : [e.limit]));
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
        ...(unknown ? { unknown } : {}),
      };
    }
  }
  return { affected: false, ...(unknown ? { unknown } : {}), ...(gitRangesIgnored ? { gitRangesIgnored } : {}) };
}

/**
 * Fixed versions above the installed one, in the ecosystem's order. A fix the ordering does not understand cannot
 * be placed above or below the installed version and is left out; the verdict's `unknown` names it.
 */
function fixedOf(affected: OsvAffected, version: string, scheme: VersionScheme): string[] {
  const fixed = new Set<string>();
  for (const range of affected.ranges ?? []) {
    if (range.type === 'GIT') continue;
    const order = orderOf(range, scheme);
    for (const e of range.events) {
      if (e.fixed === undefined || !order.valid(e.fixed)) continue;
      if (!order.valid(version) || order.compare(e.fixed, version) > 0) fixed.add(e.fixed);
    }
  }
  return [...fixed].sort((a, b) => scheme.compare(a, b));
}
