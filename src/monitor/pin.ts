import { type Clock, isSgciError, parseDigest, SgciError } from '../core/index.ts';
import type { RegistryClient } from '../oci/registry/index.ts';
import type { MonitorRepository, StoredAlarm, StoredObservation, StoredWatch, WatchKey } from '../store/index.ts';
import type { Finding, Severity } from '../vuln/index.ts';
import { raiseAlarmOnce } from './alarms.ts';
import type { DigestScanner } from './scan.ts';
import { formatWatch, pinnedReference } from './watch-key.ts';

/** A critical or high finding whose SLA clock runs: a fix is available and the finding is active. */
export interface RunningClock {
  readonly id: string;
  readonly package: string;
  readonly severity: Severity;
  readonly startedAt: string;
  readonly dueAt?: string;
}

export interface PinDecision {
  /** `registry/repository@sha256:…`: what to pull. */
  readonly reference: string;
  readonly digest: string;
  /** When the monitor first saw the tag point at this digest. */
  readonly observedAt: string;
  /**
   * `min-age`: the newest digest observed at least `--min-age` ago; `current-pin`: the current pin, newer than that
   * (a pin never moves backwards); `sla-override`: a younger digest that fixes a critical or high finding whose
   * clock runs; `latest`: nothing is old enough yet, but the current pin vanished.
   */
  readonly rule: 'min-age' | 'current-pin' | 'sla-override';
  /** For `sla-override`: the findings of the age-gated digest that this one fixes. */
  readonly fixes?: readonly RunningClock[];
  /** For `sla-override`: the digest the age gate chose. */
  readonly ageGated?: string;
  /** The tag's alarms (moved back, deleted, pin vanished), oldest first. */
  readonly alarms: readonly StoredAlarm[];
}

/** When the monitor first saw each digest of a tag, oldest first. */
export function firstObservations(history: readonly StoredObservation[]): { digest: string; observedAt: string }[] {
  const first = new Map<string, string>();
  for (const row of history) {
    const seen = first.get(row.digest);
    if (seen === undefined || row.firstSeen < seen) first.set(row.digest, row.firstSeen);
  }
  return [...first]
    .map(([digest, observedAt]) => ({ digest, observedAt }))
    .sort((a, b) => (a.observedAt < b.observedAt ? -1 : a.observedAt > b.observedAt ? 1 : 0));
}

function findingKey(finding: Finding): string {
  return `${finding.vulnerability.id} ${finding.package.ecosystem}/${finding.package.name}`;
}

function isActive(finding: Finding): boolean {
  return !finding.suppressed && finding.judgement === 'open';
}

/** The critical and high findings of a report whose SLA clock runs (a fix exists), keyed by vulnerability+package. */
export function runningClocks(findings: readonly Finding[]): Map<string, RunningClock> {
  const out = new Map<string, RunningClock>();
  for (const f of findings) {
    const severity = f.vulnerability.severity;
    if (!isActive(f) || (severity !== 'CRITICAL' && severity !== 'HIGH') || !f.sla?.startedAt) continue;
    out.set(findingKey(f), {
      id: f.vulnerability.id,
      package: f.package.purl,
      severity,
      startedAt: f.sla.startedAt,
      ...(f.sla.dueAt ? { dueAt: f.sla.dueAt } : {}),
    });
  }
  return out;
}

export interface PinDeps {
  readonly monitor: MonitorRepository;
  readonly clock: Clock;
  readonly client: RegistryClient;
  /** Scans for the SLA override; absent: the age gate alone decides. */
  readonly scan?: DigestScanner;
}

/**
 * `sgci monitor pin REF --min-age D`: the newest digest the monitor observed at least D ago, never older than the
 * current pin; an SLA override takes the oldest younger digest that fixes a critical or high finding whose clock
 * runs. Every chosen digest is asked for in the registry first (a vanished pin raises an alarm and is passed over).
 * The choice is stored as the tag's pin.
 */
export async function pinTag(deps: PinDeps, key: WatchKey, minAgeMs: number): Promise<PinDecision> {
  const watch = (await deps.monitor.watches()).find(
    (w) =>
      w.registry === key.registry &&
      w.repository === key.repository &&
      w.tag === key.tag &&
      w.platform === key.platform,
  );
  const name = formatWatch(key);
  if (!watch) throw new SgciError('NOT_FOUND', name, `not watched for ${key.platform}: sgci monitor add ${name} first`);
  const now = deps.clock();
  const observed = firstObservations(await deps.monitor.history(watch));
  if (observed.length === 0)
    throw new SgciError('NOT_FOUND', name, 'no digest observed yet: run sgci monitor run first');
  const exists = async (digest: string): Promise<boolean> => {
    try {
      await deps.client.headManifest({
        registry: key.registry,
        repository: key.repository,
        digest: parseDigest(digest, name),
      });
      return true;
    } catch (error) {
      if (isSgciError(error, 'SOURCE_NOT_FOUND')) return false;
      throw error;
    }
  };
  const cutoff = now.getTime() - minAgeMs;
  const at = (digest: string) => observed.find((o) => o.digest === digest)?.observedAt;
  let chosen: { digest: string; observedAt: string; rule: PinDecision['rule'] } | undefined;
  for (const candidate of [...observed].reverse()) {
    if (Date.parse(candidate.observedAt) > cutoff) continue;
    if (await exists(candidate.digest)) {
      chosen = { ...candidate, rule: 'min-age' };
      break;
    }
  }
  const pinned = watch.pinnedDigest;
  const pinnedAt = pinned ? at(pinned) : undefined;
  if (pinned && pinnedAt && (!chosen || pinnedAt > chosen.observedAt)) {
    if (await exists(pinned)) chosen = { digest: pinned, observedAt: pinnedAt, rule: 'current-pin' };
    else {
      const detail = `the pinned digest ${pinned} no longer exists in the registry`;
      await raiseAlarmOnce(deps.monitor, watch, { kind: 'pin-vanished', digest: pinned, detail }, now);
    }
  }
  if (!chosen) {
    throw new SgciError(
      'NOT_FOUND',
      name,
      `no digest observed at least ${Math.round(minAgeMs / 3_600_000)} h ago still exists (oldest first seen ${observed[0]?.observedAt})`,
    );
  }
  const override = await slaOverride(deps, watch, chosen, observed, exists);
  const decision = override
    ? {
        digest: override.digest,
        observedAt: override.observedAt,
        rule: 'sla-override' as const,
        fixes: override.fixes,
        ageGated: chosen.digest,
      }
    : chosen;
  await deps.monitor.setPin(watch.id, decision.digest, now);
  return {
    reference: pinnedReference(key, decision.digest),
    ...decision,
    alarms: await deps.monitor.alarms(key),
  };
}

async function slaOverride(
  deps: PinDeps,
  watch: StoredWatch,
  chosen: { digest: string; observedAt: string },
  observed: readonly { digest: string; observedAt: string }[],
  exists: (digest: string) => Promise<boolean>,
): Promise<{ digest: string; observedAt: string; fixes: RunningClock[] } | undefined> {
  if (!deps.scan) return undefined;
  const gated = await deps.scan(pinnedReference(watch, chosen.digest), watch.platform);
  if (!gated.vulns) return undefined;
  const running = runningClocks(gated.vulns.matches);
  if (running.size === 0) return undefined;
  // the oldest younger digest that fixes one: the least unvetted change that stops a running clock
  for (const younger of observed.filter((o) => o.observedAt > chosen.observedAt)) {
    if (!(await exists(younger.digest))) continue;
    const scan = await deps.scan(pinnedReference(watch, younger.digest), watch.platform);
    if (!scan.vulns) continue;
    const still = new Set(scan.vulns.matches.filter(isActive).map(findingKey));
    const fixes = [...running].filter(([k]) => !still.has(k)).map(([, clock]) => clock);
    if (fixes.length > 0) return { ...younger, fixes };
  }
  return undefined;
}
