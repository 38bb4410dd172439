import type { AttestationsForChecks } from '../attest/index.ts';
import { type Clock, SgciError } from '../core/index.ts';
import type { BaseImageCategory, SlaPolicy } from '../policy/index.ts';
import type { MonitorRepository, StoredWatch, WatchKey } from '../store/index.ts';
import { raiseAlarmOnce } from './alarms.ts';
import type { DigestScanner } from './scan.ts';
import { openClocks, percentile, timeToPatch } from './time-to-patch.ts';
import { formatWatch, pinnedReference } from './watch-key.ts';

/** What the base-image policy needs to know of a watched base, measured, with the category it suggests. */
export interface Scorecard {
  readonly tag: string;
  readonly platform: string;
  readonly digest: string;
  readonly evaluatedAt: string;
  /** Content changes per 30 days since the first observation. */
  readonly rebuildsPer30Days: number;
  /** p90 time-to-patch of critical and high findings, in hours; absent when none was fixed while watched. */
  readonly timeToPatchP90Hours?: number;
  /** Critical findings of the current digest with a fix available. */
  readonly openFixableCriticals: number;
  /** A signature over the current digest verified with a key the policy pins for the repository. */
  readonly signatureVerified: boolean;
  readonly sbomAttestation: boolean;
  readonly provenanceAttestation: boolean;
  /** Scanners can read what is installed: OS packages were catalogued from a package database. */
  readonly packageDatabaseReadable: boolean;
  readonly distro?: string;
  readonly endOfLife: { readonly known: boolean; readonly date?: string; readonly expired: boolean };
  readonly suggested: BaseImageCategory;
  /** Why not the next better category, in the order the rules test them. */
  readonly shortfalls: readonly string[];
  /** Set when the suggestion is worse than the category the previous scorecard suggested (an alarm is raised). */
  readonly drift?: { readonly from: string; readonly to: BaseImageCategory };
}

export interface ScorecardDeps {
  readonly monitor: MonitorRepository;
  readonly clock: Clock;
  readonly sla: SlaPolicy;
  readonly scan: DigestScanner;
  /** Signatures and attestations of `reference@digest`, verified with the policy's keys (attestationsForChecks). */
  readonly verify: (key: WatchKey, digest: string) => Promise<AttestationsForChecks>;
}

const osEcosystems = new Set(['deb', 'apk', 'rpm']);
const categoryRank: Readonly<Record<BaseImageCategory, number>> = {
  preferred: 0,
  allowed: 1,
  restricted: 2,
  forbidden: 3,
};
const weekHours = 7 * 24;

/**
 * The suggested category, strictest rule first:
 * - `forbidden`: the distribution is past its end of life, or no package database is readable (scanners are blind);
 * - `restricted`: fixable criticals are open, or the signature does not verify with the pinned key;
 * - `allowed`: signed, readable, no open fixable critical;
 * - `preferred`: and SBOM and provenance attestations, at least one rebuild per 30 days, and critical/high fixes
 *   reaching the tag within 7 days at p90.
 */
export function suggestCategory(card: Omit<Scorecard, 'suggested' | 'shortfalls' | 'drift'>): {
  suggested: BaseImageCategory;
  shortfalls: string[];
} {
  const forbidden: string[] = [];
  if (card.endOfLife.expired) forbidden.push(`end of life since ${card.endOfLife.date}`);
  if (!card.packageDatabaseReadable) forbidden.push('no package database scanners can read');
  if (forbidden.length > 0) return { suggested: 'forbidden', shortfalls: forbidden };
  const restricted: string[] = [];
  if (card.openFixableCriticals > 0) restricted.push(`${card.openFixableCriticals} fixable critical findings open`);
  if (!card.signatureVerified) restricted.push('no signature verified with a pinned key');
  if (restricted.length > 0) return { suggested: 'restricted', shortfalls: restricted };
  const allowed: string[] = [];
  if (!card.sbomAttestation) allowed.push('no SBOM attestation');
  if (!card.provenanceAttestation) allowed.push('no provenance attestation');
  if (card.rebuildsPer30Days < 1)
    allowed.push(`${card.rebuildsPer30Days.toFixed(1)} rebuilds per 30 days, fewer than 1`);
  if (card.timeToPatchP90Hours !== undefined && card.timeToPatchP90Hours > weekHours) {
    allowed.push(`time-to-patch p90 ${Math.round(card.timeToPatchP90Hours)} h, over 7 days`);
  }
  return { suggested: allowed.length > 0 ? 'allowed' : 'preferred', shortfalls: allowed };
}

/** Measures a watched base image and suggests its category; a worse category than last time raises a drift alarm. */
export async function scorecard(deps: ScorecardDeps, key: WatchKey): Promise<Scorecard> {
  const name = formatWatch(key);
  const watch: StoredWatch | undefined = (await deps.monitor.watches()).find(
    (w) =>
      w.registry === key.registry &&
      w.repository === key.repository &&
      w.tag === key.tag &&
      w.platform === key.platform,
  );
  const rows = watch ? await deps.monitor.history(watch) : [];
  const current = rows.at(-1);
  const first = rows[0];
  if (!watch || !current || !first)
    throw new SgciError('NOT_FOUND', name, 'no observations: add the tag and run a round first');
  const now = deps.clock();
  const figures = timeToPatch(rows, deps.sla, { from: new Date(first.firstSeen), to: now });
  const urgent = figures.patched
    .filter((p) => (p.severity === 'CRITICAL' || p.severity === 'HIGH') && p.hours !== undefined)
    .map((p) => p.hours ?? 0)
    .sort((a, b) => a - b);
  const scan = await deps.scan(pinnedReference(key, current.digest), key.platform);
  const clocks = scan.vulns ? openClocks(scan.vulns.matches, now) : [];
  const attestations = await deps.verify(key, current.digest);
  const verified = attestations.attestations.filter((a) => a.verified).map((a) => a.predicateType);
  const { predicateTypes } = await import('../attest/index.ts');
  const sbomTypes = new Set<string>([predicateTypes.cyclonedx, predicateTypes.spdx]);
  const provenanceTypes = new Set<string>([predicateTypes.slsaprovenance, predicateTypes.slsaprovenance02]);
  const distro = scan.sbom.distro;
  const { distroEndOfLife } = await import('../checks/index.ts');
  const eol = distro ? distroEndOfLife(distro.id, distro.versionId, now) : { known: false, expired: false };
  const p90 = percentile(urgent, 0.9);
  const measured = {
    tag: name,
    platform: key.platform,
    digest: current.digest,
    evaluatedAt: now.toISOString(),
    rebuildsPer30Days: figures.rebuildsPer30Days,
    ...(p90 !== undefined ? { timeToPatchP90Hours: p90 } : {}),
    openFixableCriticals: clocks.filter((c) => c.severity === 'CRITICAL').length,
    signatureVerified: attestations.signatures.some((s) => s.verified),
    sbomAttestation: verified.some((t) => sbomTypes.has(t)),
    provenanceAttestation: verified.some((t) => provenanceTypes.has(t)),
    packageDatabaseReadable: scan.sbom.packages.some((p) => osEcosystems.has(p.ecosystem)),
    ...(distro ? { distro: `${distro.id} ${distro.versionId ?? ''}`.trim() } : {}),
    endOfLife: { known: eol.known, ...(eol.eol ? { date: eol.eol } : {}), expired: eol.expired },
  };
  const { suggested, shortfalls } = suggestCategory(measured);
  const before = watch.category as BaseImageCategory | undefined;
  const drift =
    before !== undefined && categoryRank[suggested] > (categoryRank[before] ?? 3)
      ? { from: before, to: suggested }
      : undefined;
  if (drift) {
    await raiseAlarmOnce(
      deps.monitor,
      watch,
      {
        kind: 'category-drift',
        digest: current.digest,
        detail: `no longer meets ${drift.from}: now ${drift.to} (${shortfalls.join('; ')})`,
      },
      now,
    );
  }
  await deps.monitor.setCategory(watch.id, suggested);
  return { ...measured, suggested, shortfalls, ...(drift ? { drift } : {}) };
}
