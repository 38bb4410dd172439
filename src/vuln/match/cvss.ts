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

/**
 * CVSS 4.0: the vector is checked for its mandatory base metrics, but the score is not computed (4.0 scores come
 * from a macro-vector lookup table sgci does not ship yet); the rating then comes from the advisory's own severity.
 */
export function isCvss4Vector(vector: string): boolean {
  const m = metrics(vector, /^CVSS:4\.0\//);
  return m !== undefined && ['AV', 'AC', 'AT', 'PR', 'UI', 'VC', 'VI', 'VA', 'SC', 'SI', 'SA'].every((k) => m.has(k));
}
