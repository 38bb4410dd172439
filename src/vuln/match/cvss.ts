import cvssCalculator from 'ae-cvss-calculator';
import type { Severity } from '../types.ts';

/** CVSS qualitative rating of a base score (same bands for 3.x and 4.0). */
export function ratingOf(score: number): Severity {
  if (score === 0) return 'NONE';
  if (score < 4) return 'LOW';
  if (score < 7) return 'MEDIUM';
  if (score < 9) return 'HIGH';
  return 'CRITICAL';
}

function metrics(vector: string, prefix: RegExp): Map<string, string> | undefined {
  if (!prefix.test(vector)) return undefined;
  const map = new Map<string, string>();
  for (const part of vector.split('/').slice(1)) {
    const [k, v] = part.split(':');
    if (!k || !v || map.has(k)) return undefined;
    map.set(k, v);
  }
  return map;
}

/** CVSS 3.1 Roundup: the smallest number with one decimal ≥ x, immune to float error (spec Appendix A). */
function roundup31(x: number): number {
  const i = Math.round(x * 100000);
  return i % 10000 === 0 ? i / 100000 : (Math.floor(i / 10000) + 1) / 10;
}

const AV: Record<string, number> = { N: 0.85, A: 0.62, L: 0.55, P: 0.2 };
const AC: Record<string, number> = { L: 0.77, H: 0.44 };
const UI: Record<string, number> = { N: 0.85, R: 0.62 };
const CIA: Record<string, number> = { H: 0.56, L: 0.22, N: 0 };

/** CVSS 3.0/3.1 base score from a vector (`CVSS:3.1/AV:N/AC:L/…`); undefined when the vector is malformed. */
export function cvss3BaseScore(vector: string): number | undefined {
  const m = metrics(vector, /^CVSS:3\.[01]\//);
  if (!m) return undefined;
  const scope = m.get('S');
  const av = AV[m.get('AV') ?? ''];
  const ac = AC[m.get('AC') ?? ''];
  const ui = UI[m.get('UI') ?? ''];
  const c = CIA[m.get('C') ?? ''];
  const i = CIA[m.get('I') ?? ''];
  const a = CIA[m.get('A') ?? ''];
  const prKey = m.get('PR');
  const pr =
    prKey === 'N'
      ? 0.85
      : prKey === 'L'
        ? scope === 'C'
          ? 0.68
          : 0.62
        : prKey === 'H'
          ? scope === 'C'
            ? 0.5
            : 0.27
          : undefined;
  if (av === undefined || ac === undefined || ui === undefined || pr === undefined) return undefined;
  if (c === undefined || i === undefined || a === undefined || (scope !== 'U' && scope !== 'C')) return undefined;
  const iss = 1 - (1 - c) * (1 - i) * (1 - a);
  const impact = scope === 'U' ? 6.42 * iss : 7.52 * (iss - 0.029) - 3.25 * (iss - 0.02) ** 15;
  const exploitability = 8.22 * av * ac * pr * ui;
  if (impact <= 0) return 0;
  const roundup = vector.startsWith('CVSS:3.0/') ? (x: number) => Math.ceil(x * 10) / 10 : roundup31;
  return scope === 'U'
    ? roundup(Math.min(impact + exploitability, 10))
    : roundup(Math.min(1.08 * (impact + exploitability), 10));
}

/** A CVSS vector parsed to a score, or why it could not be (recorded as a note, never thrown). */
export type CvssResult =
  | { readonly ok: true; readonly score: number }
  | { readonly ok: false; readonly reason: string };

/**
 * The CVSS 4.0 vector grammar of FIRST's JSON schema (also the OSV schema's pattern): the 11 base metrics in order,
 * then optional threat, environmental and supplemental metrics in their fixed order. Checked here because the
 * library is lenient: it scores a vector with a missing base metric as 0 and takes the last of duplicate metrics.
 */
const cvss4Grammar =
  /^CVSS:4[.]0\/AV:[NALP]\/AC:[LH]\/AT:[NP]\/PR:[NLH]\/UI:[NPA]\/VC:[HLN]\/VI:[HLN]\/VA:[HLN]\/SC:[HLN]\/SI:[HLN]\/SA:[HLN](\/E:[XAPU])?(\/CR:[XHML])?(\/IR:[XHML])?(\/AR:[XHML])?(\/MAV:[XNALP])?(\/MAC:[XLH])?(\/MAT:[XNP])?(\/MPR:[XNLH])?(\/MUI:[XNPA])?(\/MVC:[XNLH])?(\/MVI:[XNLH])?(\/MVA:[XNLH])?(\/MSC:[XNLH])?(\/MSI:[XNLHS])?(\/MSA:[XNLHS])?(\/S:[XNP])?(\/AU:[XNY])?(\/R:[XAUI])?(\/V:[XDC])?(\/RE:[XLMH])?(\/U:(X|Clear|Green|Amber|Red))?$/;

/** The longest valid 4.0 vector is about 200 characters; anything longer is refused before the regex runs. */
const maxVectorLength = 256;

/** Scores per vector string: the library needs ~0.25 ms per vector and advisories repeat vectors a lot. */
const cvss4Cache = new Map<string, CvssResult>();
const cvss4CacheLimit = 4096;

/**
 * CVSS 4.0 score of a vector as written (CVSS-B, -BT, -BE or -BTE, by the metrics it carries), computed by
 * ae-cvss-calculator, which implements FIRST's macro-vector lookup table and rounding (FIRST's calculator since
 * November 2024 adds 10^-6 before rounding to one decimal, so exact halves round up). sgci does not ship the
 * table itself: FIRST's table is not ours to vendor, and one maintained implementation beats a second copy.
 */
export function cvss4Score(vector: string): CvssResult {
  const cached = cvss4Cache.get(vector);
  if (cached) return cached;
  const result = computeCvss4(vector);
  if (cvss4Cache.size >= cvss4CacheLimit) cvss4Cache.clear();
  cvss4Cache.set(vector, result);
  return result;
}

function computeCvss4(vector: string): CvssResult {
  if (vector.length > maxVectorLength)
    return { ok: false, reason: `CVSS 4.0 vector longer than ${maxVectorLength} characters` };
  if (!cvss4Grammar.test(vector)) return { ok: false, reason: `malformed CVSS 4.0 vector ${JSON.stringify(vector)}` };
  try {
    const score = new cvssCalculator.Cvss4P0(vector).calculateScores().overall;
    // The grammar guarantees a full base vector, so anything else is a library fault: reported, not trusted.
    if (!Number.isFinite(score) || score < 0 || score > 10) {
      return { ok: false, reason: `CVSS 4.0 vector ${vector} scored out of range (${score})` };
    }
    return { ok: true, score };
  } catch (error) {
    return { ok: false, reason: `CVSS 4.0 vector ${vector} not scored: ${(error as Error).message}` };
  }
}
