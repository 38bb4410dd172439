import type { OsvRecord } from '../osv/record.ts';
import { type Severity, type SeverityScore, severityOrder } from '../types.ts';
import { cvss3BaseScore, isCvss4Vector, ratingOf } from './cvss.ts';

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
      if (score !== undefined) scores.push({ type: 'CVSS_V3', vector: s.score, score, rating: ratingOf(score) });
    } else if (s.type === 'CVSS_V4' && isCvss4Vector(s.score)) {
      scores.push({ type: 'CVSS_V4', vector: s.score, rating: 'UNKNOWN' });
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

/** The rating a finding is judged by: CVSS 3.x when present, else the ecosystem's word; highest wins. */
export function overallSeverity(scores: readonly SeverityScore[]): Severity {
  const rated = scores.filter((s) => s.rating !== 'UNKNOWN');
  const cvss = rated.filter((s) => s.type === 'CVSS_V3');
  const pool = cvss.length > 0 ? cvss : rated;
  let best: Severity = 'UNKNOWN';
  for (const s of pool) if (severityOrder.indexOf(s.rating) < severityOrder.indexOf(best)) best = s.rating;
  return best;
}
