import type { OsvRecord } from '../osv/record.ts';
import { type Severity, type SeverityScore, severityOrder } from '../types.ts';
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
  const scores = computeScores(record);
  cache.set(record, scores);
  return scores;
}

function computeScores(record: OsvRecord): SeverityScore[] {
  const scores: SeverityScore[] = [];
  const vectors = [...(record.severity ?? []), ...(record.affected ?? []).flatMap((a) => a.severity ?? [])];
  for (const s of vectors) {
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
    }
  }
  const words = [
    word(record.database_specific?.severity),
    ...(record.affected ?? []).flatMap((a) => [
      word(a.ecosystem_specific?.severity),
      word(a.database_specific?.severity),
    ]),
  ];
  for (const rating of words) if (rating) scores.push({ type: 'ecosystem', rating });
  const unique = new Map(scores.map((s) => [`${s.type}|${s.vector ?? ''}|${s.rating}`, s]));
  return [...unique.values()];
}

/**
 * The rating a finding is judged by, in this order of precedence (the first kind present decides; within it the
 * highest rating wins):
 * 1. CVSS 3.x vectors, scored by the specification's formula: most advisories carry one, and judging by it keeps
 *    results stable and comparable with other scanners that rank by 3.x;
 * 2. CVSS 4.0 vectors, scored per FIRST's calculator: a computed, checkable number beats a database's word;
 * 3. the ecosystem's or database's word (`database_specific.severity`, Debian urgency …).
 * Vectors that could not be scored (`UNKNOWN`, with a note) never decide.
 */
export function overallSeverity(scores: readonly SeverityScore[]): Severity {
  const rated = scores.filter((s) => s.rating !== 'UNKNOWN');
  const cvss3 = rated.filter((s) => s.type === 'CVSS_V3');
  const cvss4 = rated.filter((s) => s.type === 'CVSS_V4');
  const pool = cvss3.length > 0 ? cvss3 : cvss4.length > 0 ? cvss4 : rated;
  let best: Severity = 'UNKNOWN';
  for (const s of pool) if (severityOrder.indexOf(s.rating) < severityOrder.indexOf(best)) best = s.rating;
  return best;
}
