import type { ScanReport } from '../../report/index.ts';
import type { Finding, Severity, VulnReport } from '../../vuln/index.ts';

/**
 * The published figures of a version, each computed from the two documents a consumer downloads (the vulnerability
 * report and the check report, as `sgci vulns -o json` and `sgci check -o json` write them) and from nothing else,
 * by the formulas in docs/server-vex.md. Pure functions: the same documents give the same figures.
 */
export interface VersionFigures {
  readonly baseline: Baseline;
  readonly risk: RiskScore;
  readonly decided: DecidedShare;
}

/** The checklist baseline: pass/fail of the checks the policy requires (those whose failure fails the gate). */
export interface Baseline {
  readonly result: 'pass' | 'fail';
  readonly required: number;
  readonly pass: number;
  readonly fail: number;
  /** Failures an applied policy exception covers: they do not fail the baseline. */
  readonly waived: number;
  /** Left to a person; the reviewer judges them at admission (the verdict states how). */
  readonly manual: number;
  readonly notApplicable: number;
  /** The required checks that fail, sorted. */
  readonly failing: readonly string[];
}

export interface RiskScore {
  /** 0 (no known risk) to 100, rounded to a whole number. */
  readonly score: number;
  /** The formula's name: a changed formula gets a new one. */
  readonly formula: typeof riskFormula;
  readonly points: { readonly findings: number; readonly maintenance: number };
  /** Open findings: not suppressed by VEX, counted (not `os-owned-upstream`). */
  readonly open: number;
  /** Days from the image's `created` to the check report's time; null when the image states no time. */
  readonly imageAgeDays: number | null;
}

export interface DecidedShare {
  /** Counted findings (judgement `open`), suppressed or not. */
  readonly findings: number;
  /** Of those, the ones a VEX statement with a final status applies to (not_affected, affected, fixed). */
  readonly decided: number;
  /** decided / findings; null without findings. */
  readonly share: number | null;
}

export const riskFormula = 'sgci-risk-1';

/** Points per open finding by severity (an unrated finding counts as what the policy treats it as). */
export const severityPoints: Readonly<Record<Severity, number>> = {
  CRITICAL: 10,
  HIGH: 5,
  MEDIUM: 2,
  LOW: 0.5,
  NONE: 0,
  UNKNOWN: 2,
};
/** A finding open for a year or longer counts twice; in between, in proportion. */
export const ageHorizonDays = 365;
/** A fix exists and the image does not carry it. */
export const fixAvailableFactor = 1.5;
/** An image two years old (or of unknown age) adds this many points; in between, in proportion. */
export const maintenancePoints = 10;
export const imageAgeHorizonDays = 730;
/** The points at which the score reaches 63 (1 − 1/e): the curve's scale. */
export const riskScale = 25;

const day = 86_400_000;

function daysBetween(from: string | undefined | null, to: string): number | null {
  if (!from) return null;
  const ms = Date.parse(to) - Date.parse(from);
  return Number.isFinite(ms) ? Math.max(0, ms / day) : null;
}

export function baselineOf(checks: ScanReport): Baseline {
  const required = checks.results.filter((c) => c.action === 'fail');
  const failing = required.filter((c) => c.result === 'fail' && c.exception?.status !== 'applied');
  return {
    result: failing.length > 0 ? 'fail' : 'pass',
    required: required.length,
    pass: required.filter((c) => c.result === 'pass').length,
    fail: failing.length,
    waived: required.filter((c) => c.result === 'fail' && c.exception?.status === 'applied').length,
    manual: required.filter((c) => c.result === 'manual').length,
    notApplicable: required.filter((c) => c.result === 'not-applicable').length,
    failing: failing.map((c) => c.id).sort(),
  };
}

function findingPoints(finding: Finding, evaluatedAt: string): number {
  const { severity, severitySource } = finding.vulnerability;
  const rated = severity === 'UNKNOWN' && severitySource.treatedAs ? severitySource.treatedAs : severity;
  const age = daysBetween(finding.fixAvailableAt ?? finding.vulnerability.published, evaluatedAt) ?? 0;
  const ageFactor = 1 + Math.min(age, ageHorizonDays) / ageHorizonDays;
  const fixFactor = finding.fixState === 'fixed' ? fixAvailableFactor : 1;
  return severityPoints[rated] * ageFactor * fixFactor;
}

/**
 * score = round(100 × (1 − e^(−(F + M) / 25))), where F sums over the open findings severity points × age factor ×
 * fix factor (age from the time a fix was available, else the advisory's publication, to the report's evaluation),
 * and M = 10 × min(image age, 730 days) / 730 days (unknown age counts as old).
 */
export function riskOf(vulns: VulnReport, checks: ScanReport): RiskScore {
  const open = vulns.matches.filter((f) => !f.suppressed && f.judgement === 'open');
  const findings = open.reduce((sum, f) => sum + findingPoints(f, vulns.evaluatedAt), 0);
  const imageAgeDays = daysBetween(checks.image.created ?? vulns.subject.created, checks.generatedAt);
  const maintenance =
    (maintenancePoints * Math.min(imageAgeDays ?? imageAgeHorizonDays, imageAgeHorizonDays)) / imageAgeHorizonDays;
  return {
    score: Math.round(100 * (1 - Math.exp(-(findings + maintenance) / riskScale))),
    formula: riskFormula,
    points: { findings, maintenance },
    open: open.length,
    imageAgeDays,
  };
}

export function decidedShareOf(vulns: VulnReport): DecidedShare {
  const counted = vulns.matches.filter((f) => f.judgement === 'open');
  const decided = counted.filter(
    (f) => f.vex?.status === 'not_affected' || f.vex?.status === 'affected' || f.vex?.status === 'fixed',
  ).length;
  return { findings: counted.length, decided, share: counted.length > 0 ? decided / counted.length : null };
}

export function versionFigures(vulns: VulnReport, checks: ScanReport): VersionFigures {
  return { baseline: baselineOf(checks), risk: riskOf(vulns, checks), decided: decidedShareOf(vulns) };
}
