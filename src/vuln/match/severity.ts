import type { OsvRecord } from '../osv/record.ts';
import type { AdvisoryReader, SeverityEntry } from '../ports.ts';
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
  const words = [
    record.database_specific?.severity,
    ...(record.affected ?? []).flatMap((a) => [a.ecosystem_specific?.severity, a.database_specific?.severity]),
  ];
  const scores = scoresOfEntries(
    [...(record.severity ?? []), ...(record.affected ?? []).flatMap((a) => a.severity ?? [])],
    words,
  );
  cache.set(record, scores);
  return scores;
}

/** Scores of severity entries (CVSS 3.x and 4.0 vectors scored here; CVSS 2.0 by its stated rating) and words. */
export function scoresOfEntries(entries: readonly SeverityEntry[], words: readonly unknown[] = []): SeverityScore[] {
  const scores: SeverityScore[] = [];
  for (const s of entries) {
    if (s.type === 'CVSS_V3') {
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
    } else if (s.type === 'CVSS_V4') {
      const result = cvss4Score(s.score);
      scores.push(
        result.ok
          ? { type: 'CVSS_V4', vector: s.score, score: result.score, rating: ratingOf(result.score) }
          : { type: 'CVSS_V4', vector: s.score, rating: 'UNKNOWN', note: result.reason },
      );
    } else if (s.type === 'CVSS_V2') {
      const rating = word(s.rating);
      if (rating) scores.push({ type: 'CVSS_V2', vector: s.score, rating });
    }
  }
  for (const w of words) {
    const rating = word(w);
    if (rating) scores.push({ type: 'ecosystem', rating });
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

function idsOf(record: OsvRecord): string[] {
  return [record.id, ...(record.aliases ?? []), ...(record.upstream ?? [])];
}

/**
 * Rates the findings their own advisories leave `UNKNOWN` (Go's records carry no CVSS) from the other records of
 * the same vulnerability: advisories sharing an id with the finding (GHSA, distro records) and NVD's CVSS of its
 * CVEs. Both kinds are pooled and judged as `decidingScore` judges a record's own scores; the borrowed scores are
 * added with their source. What still has no rating stays `UNKNOWN`, and SLA and gates treat it as
 * `unknownSeverity` until someone assesses it. Two queries for all findings together.
 */
export async function rateFromOtherSources<
  F extends {
    readonly vulnerability: VulnerabilityInfo;
    readonly details: readonly { readonly found: { readonly advisory: string } }[];
  },
>(
  findings: readonly F[],
  advisories: Pick<AdvisoryReader, 'findByIds' | 'cveSeverities'>,
  unknownSeverity: Severity,
): Promise<F[]> {
  const unrated = findings.filter((f) => f.vulnerability.severity === 'UNKNOWN');
  if (unrated.length === 0) return [...findings];
  const wanted = [...new Set(unrated.flatMap((f) => [f.vulnerability.id, ...f.vulnerability.aliases]))].sort();
  const [records, nvd] = await Promise.all([
    advisories.findByIds(wanted),
    advisories.cveSeverities(wanted.filter((id) => id.startsWith('CVE-'))),
  ]);
  const byId = new Map<string, OsvRecord[]>();
  for (const { raw } of [...records].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))) {
    const record = raw as unknown as OsvRecord;
    for (const id of new Set(idsOf(record))) {
      const list = byId.get(id);
      if (list) list.push(record);
      else byId.set(id, [record]);
    }
  }
  const nvdById = new Map(nvd.map((c) => [c.id, c]));
  return findings.map((finding) => {
    const v = finding.vulnerability;
    if (v.severity !== 'UNKNOWN') return finding;
    const own = new Set(finding.details.map((d) => d.found.advisory));
    const ids = [v.id, ...v.aliases];
    const borrowed: Borrowed[] = [];
    const seen = new Set<string>();
    for (const record of ids.flatMap((id) => byId.get(id) ?? [])) {
      if (own.has(record.id) || seen.has(record.id)) continue;
      seen.add(record.id);
      for (const score of scoresOf(record))
        borrowed.push({ score: { ...score, source: record.id }, kind: 'alias', id: record.id });
    }
    for (const id of ids.filter((i) => i.startsWith('CVE-')).sort()) {
      const cve = nvdById.get(id);
      if (!cve) continue;
      for (const score of scoresOfEntries(cve.severity))
        borrowed.push({ score: { ...score, source: 'NVD' }, kind: 'nvd', id });
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
