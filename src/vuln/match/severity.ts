import type { OsvRecord } from '../osv/record.ts';
import type { AdvisoryReader, SeverityEntry, SeverityRow } from '../ports.ts';
import { type Severity, type SeverityScore, severityOrder, type VulnerabilityInfo } from '../types.ts';
import { cvss3BaseScore, cvss4Score, ratingOf } from './cvss.ts';

const wordRatings: Readonly<Record<string, Severity>> = {
  CRITICAL: 'CRITICAL',
  HIGH: 'HIGH',
  IMPORTANT: 'HIGH',
  MODERATE: 'MEDIUM',
  MEDIUM: 'MEDIUM',
  LOW: 'LOW',
  NEGLIGIBLE: 'LOW',
  UNIMPORTANT: 'LOW',
  NONE: 'NONE',
};

function word(value: unknown): Severity | undefined {
  return typeof value === 'string' ? wordRatings[value.toUpperCase()] : undefined;
}

/** Scores per record object: one DSA matches every binary package of its source package. */
const cache = new WeakMap<OsvRecord, SeverityScore[]>();

/** Every severity statement of a record: CVSS vectors (scored) and ecosystem/database severities. */
export function scoresOf(record: OsvRecord): SeverityScore[] {
  const cached = cache.get(record);
  if (cached) return cached;
  const scores = scoresOfEntries(severityEntriesOf(record));
  cache.set(record, scores);
  return scores;
}

const cvssTypes = new Set(['CVSS_V2', 'CVSS_V3', 'CVSS_V4']);

/**
 * A record's severity statements as it writes them: its CVSS vectors (`severity[]`, per `affected` entry too) and
 * its words (`database_specific.severity`, per `affected` entry `ecosystem_specific`/`database_specific`).
 */
export function severityEntriesOf(record: OsvRecord): SeverityEntry[] {
  const vectors = [...(record.severity ?? []), ...(record.affected ?? []).flatMap((a) => a.severity ?? [])];
  const words = [
    record.database_specific?.severity,
    ...(record.affected ?? []).flatMap((a) => [a.ecosystem_specific?.severity, a.database_specific?.severity]),
  ];
  return [
    ...vectors.flatMap((v): SeverityEntry[] =>
      cvssTypes.has(v.type) ? [{ type: v.type as SeverityEntry['type'], score: v.score }] : [],
    ),
    ...words.flatMap((w): SeverityEntry[] => (typeof w === 'string' ? [{ type: 'ecosystem', rating: w }] : [])),
  ];
}

/**
 * The severity rows an advisory gives: its statements about each id it names (its own, aliases, upstream), so that
 * a finding of the same vulnerability found through another record can be rated by it. None without statements.
 */
export function severityRowsOf(record: OsvRecord): SeverityRow[] {
  const severity = severityEntriesOf(record);
  if (severity.length === 0) return [];
  const ids = new Set([record.id, ...(record.aliases ?? []), ...(record.upstream ?? [])]);
  return [...ids].map((vulnerabilityId) => ({
    vulnerabilityId,
    source: record.id,
    severity,
    modified: record.modified,
  }));
}

/** Scores of severity entries: CVSS 3.x and 4.0 vectors scored here, CVSS 2.0 and words by their stated rating. */
export function scoresOfEntries(entries: readonly SeverityEntry[]): SeverityScore[] {
  const scores: SeverityScore[] = [];
  for (const s of entries) {
    if (s.type === 'CVSS_V3' && s.score !== undefined) {
      const score = cvss3BaseScore(s.score);
      scores.push(
        score !== undefined
          ? { type: 'CVSS_V3', vector: s.score, score, rating: ratingOf(score) }
          : {
              type: 'CVSS_V3',
              vector: s.score,
              rating: 'UNKNOWN',
              note: `malformed CVSS 3.x vector ${JSON.stringify(s.score.slice(0, 256))}`,
            },
      );
    } else if (s.type === 'CVSS_V4' && s.score !== undefined) {
      const result = cvss4Score(s.score);
      scores.push(
        result.ok
          ? { type: 'CVSS_V4', vector: s.score, score: result.score, rating: ratingOf(result.score) }
          : { type: 'CVSS_V4', vector: s.score, rating: 'UNKNOWN', note: result.reason },
      );
    } else if (s.type === 'CVSS_V2' || s.type === 'ecosystem') {
      const rating = word(s.rating);
      if (rating) scores.push({ type: s.type, ...(s.score ? { vector: s.score } : {}), rating });
    }
  }
  const unique = new Map(scores.map((s) => [`${s.type}|${s.vector ?? ''}|${s.rating}`, s]));
  return [...unique.values()];
}

/**
 * The score a finding is judged by, in this order of precedence (the first kind present decides; within it the
 * highest rating wins):
 * 1. CVSS 3.x vectors, scored by the specification's formula: most advisories carry one, and judging by it keeps
 *    results stable and comparable with other scanners that rank by 3.x;
 * 2. CVSS 4.0 vectors, scored per FIRST's calculator: a computed, checkable number beats a database's word;
 * 3. the ecosystem's or database's word (`database_specific.severity`, Debian urgency …), and a CVSS 2.0 rating.
 * Vectors that could not be scored (`UNKNOWN`, with a note) never decide. Undefined when nothing rates.
 */
export function decidingScore(scores: readonly SeverityScore[]): SeverityScore | undefined {
  const rated = scores.filter((s) => s.rating !== 'UNKNOWN');
  const cvss3 = rated.filter((s) => s.type === 'CVSS_V3');
  const cvss4 = rated.filter((s) => s.type === 'CVSS_V4');
  const pool = cvss3.length > 0 ? cvss3 : cvss4.length > 0 ? cvss4 : rated;
  let best: SeverityScore | undefined;
  for (const s of pool) if (!best || severityOrder.indexOf(s.rating) < severityOrder.indexOf(best.rating)) best = s;
  return best;
}

/** The rating of `decidingScore`, or `UNKNOWN`. */
export function overallSeverity(scores: readonly SeverityScore[]): Severity {
  return decidingScore(scores)?.rating ?? 'UNKNOWN';
}

/** A score from a record other than the finding's own advisories, with the source it is reported under. */
interface Borrowed {
  readonly score: SeverityScore;
  readonly kind: 'alias' | 'nvd';
  /** Advisory id, or the CVE id NVD rates. */
  readonly id: string;
}

/**
 * Rates the findings their own advisories leave `UNKNOWN` (Go's records carry no CVSS) from the other records of
 * the same vulnerability: advisories that name one of the finding's ids (GHSA, distro records) and NVD's CVSS of
 * its CVEs. All are pooled and judged as `decidingScore` judges a record's own scores; the borrowed scores are
 * added with their source. What still has no rating stays `UNKNOWN`, and SLA and gates treat it as
 * `unknownSeverity` until someone assesses it. One query for all findings together.
 */
export async function rateFromOtherSources<
  F extends {
    readonly vulnerability: VulnerabilityInfo;
    readonly details: readonly { readonly found: { readonly advisory: string } }[];
  },
>(findings: readonly F[], advisories: Pick<AdvisoryReader, 'severities'>, unknownSeverity: Severity): Promise<F[]> {
  const unrated = findings.filter((f) => f.vulnerability.severity === 'UNKNOWN');
  if (unrated.length === 0) return [...findings];
  const wanted = [...new Set(unrated.flatMap((f) => [f.vulnerability.id, ...f.vulnerability.aliases]))].sort();
  const byId = new Map<string, SeverityRow[]>();
  for (const row of await advisories.severities(wanted)) {
    const list = byId.get(row.vulnerabilityId);
    if (list) list.push(row);
    else byId.set(row.vulnerabilityId, [row]);
  }
  return findings.map((finding) => {
    const v = finding.vulnerability;
    if (v.severity !== 'UNKNOWN') return finding;
    const own = new Set(finding.details.map((d) => d.found.advisory));
    const rows = [v.id, ...v.aliases]
      .flatMap((id) => byId.get(id) ?? [])
      .filter((row) => !own.has(row.source))
      // Advisories first, by id, then NVD: the order ties are decided in.
      .sort(
        (a, b) => rank(a) - rank(b) || compare(a.source, b.source) || compare(a.vulnerabilityId, b.vulnerabilityId),
      );
    const borrowed: Borrowed[] = [];
    const seen = new Set<string>();
    for (const row of rows) {
      // An advisory names several ids of the vulnerability: its statements count once.
      const key = row.source === nvdSource ? `${row.source}|${row.vulnerabilityId}` : row.source;
      if (seen.has(key)) continue;
      seen.add(key);
      const nvd = row.source === nvdSource;
      for (const score of scoresOfEntries(row.severity))
        borrowed.push({
          score: { ...score, source: row.source },
          kind: nvd ? 'nvd' : 'alias',
          id: nvd ? row.vulnerabilityId : row.source,
        });
    }
    const decided = decidingScore(borrowed.map((b) => b.score));
    const from = decided ? borrowed.find((b) => b.score === decided) : undefined;
    const vulnerability: VulnerabilityInfo = {
      ...v,
      severity: decided?.rating ?? 'UNKNOWN',
      severitySource: from ? { kind: from.kind, id: from.id } : { kind: 'policy', treatedAs: unknownSeverity },
      scores: [...v.scores, ...borrowed.map((b) => b.score)],
    };
    return { ...finding, vulnerability };
  });
}

/** The source NVD's rows are stored under. */
export const nvdSource = 'NVD';

function rank(row: SeverityRow): number {
  return row.source === nvdSource ? 1 : 0;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
