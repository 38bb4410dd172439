import type { AttestationsForChecks } from '../attest/index.ts';
import { type Clock, describe, isSgciError, type Limits, parseDigest } from '../core/index.ts';
import { type RegistryClient, type RegistryResponseInfo, wireHost } from '../oci/registry/index.ts';
import type { MonitorRepository, StoredWatch, WatchKey } from '../store/index.ts';
import { type Alarm, type AlarmKind, raiseAlarmOnce } from './alarms.ts';
import { type Change, classifyChange } from './classify.ts';
import { type DigestContent, describeDigest } from './describe.ts';
import { RegistryGate, type RegistryPause } from './registry-gate.ts';
import type { DigestScanner } from './scan.ts';
import { openClocks } from './time-to-patch.ts';
import { formatWatch, pinnedReference } from './watch-key.ts';

export interface RoundDeps {
  readonly monitor: MonitorRepository;
  readonly clock: Clock;
  /** Waits; tests pass one that moves their clock instead of the wall clock. */
  readonly sleep?: (ms: number) => Promise<void>;
  /**
   * A registry client for the round (credentials, host policy, no retries of its own: the round honours
   * Retry-After itself). `onResponse` must be passed to it: the round counts requests and reads rate limits there.
   */
  readonly openClient: (onResponse: (info: RegistryResponseInfo) => void) => RegistryClient;
  readonly limits: Limits;
  /** Scans digests for the package and vulnerability diffs; absent: changes are classified without them. */
  readonly scan?: DigestScanner;
  /** Verifies the new digest's signatures with the policy's pinned keys, for the notifications' evidence. */
  readonly verify?: (key: WatchKey, digest: string) => Promise<AttestationsForChecks>;
}

export interface RoundOptions {
  /** Ask every watch, due or not. */
  readonly all?: boolean;
  /** Requests in flight per registry (default 8). */
  readonly concurrency?: number;
  /** Rate-limit budget below which a registry is paused (default 10 requests left). */
  readonly floor?: number;
  /** The longest pause a round waits out (default 60 s); past it the registry's rest waits for the next round. */
  readonly maxPauseMs?: number;
}

/** A tag that pointed at a new digest this round. */
export interface RoundChange {
  readonly watch: string;
  readonly platform: string;
  readonly from?: string;
  readonly to: string;
  readonly change: Change | null;
  /** What a subscriber needs besides the diff: the new digest's signature and its SLA clocks. */
  readonly evidence?: ChangeEvidence;
}

export interface ChangeEvidence {
  /** Absent when no verifier was configured. */
  readonly signature?: { readonly verified: boolean; readonly error?: string };
  /** The new digest's active findings with a fix available (clock running), and how many are overdue. */
  readonly sla?: {
    readonly running: number;
    readonly overdue: number;
    readonly critical: number;
    readonly high: number;
  };
}

export interface RoundAlarm {
  readonly watch: string;
  readonly platform: string;
  readonly kind: AlarmKind;
  readonly digest?: string;
  readonly detail: string;
}

export interface RoundResult {
  readonly startedAt: string;
  /** Watches asked this round with an answer (unchanged, moved or deleted); failed and deferred ones stay due. */
  readonly checked: number;
  readonly unchanged: number;
  readonly changes: readonly RoundChange[];
  readonly alarms: readonly RoundAlarm[];
  /** Watches left for the next round: their registry paused longer than a round waits. */
  readonly deferred: readonly string[];
  readonly failed: readonly { readonly watch: string; readonly error: string }[];
  /** What did not stop a watch but is missing: a first digest that could not be scanned. */
  readonly warnings: readonly string[];
  readonly pauses: readonly RegistryPause[];
  /** HTTP requests the round made to registries (scans for diffs not included: they read through the cache). */
  readonly requests: number;
  /** Wall time of the round in milliseconds, by the monotonic timer (not the clock, which SGCI_NOW may hold still). */
  readonly durationMs: number;
}

const defaultConcurrency = 8;
const defaultFloor = 10;
const defaultMaxPauseMs = 60_000;
/** Attempts of one request a registry answered with 429: the pause in between is the registry's Retry-After. */
const rateLimitedAttempts = 3;

function wallSleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function isDue(watch: StoredWatch, now: Date): boolean {
  if (watch.checkedAt === undefined) return true;
  return Date.parse(watch.checkedAt) + watch.everySeconds * 1000 <= now.getTime();
}

/**
 * One polling round over the due watches. Per tag: one HEAD (the Docker-Content-Digest; a GET and sha256 where a
 * registry omits it). An unchanged tag costs nothing more: its ledger row's `last_seen` moves forward, for all such
 * tags in one statement. A new digest is described (manifest, platform manifest, config: verified, bounded),
 * classified against the previous row and appended. A pinned digest the tag no longer points at is asked for too.
 */
export async function runRound(deps: RoundDeps, options: RoundOptions = {}): Promise<RoundResult> {
  const started = deps.clock();
  const timer = performance.now();
  const sleep = deps.sleep ?? wallSleep;
  // one gate per host as the registry is reached (Docker Hub's `docker.io` is asked at registry-1.docker.io)
  const gates = new Map<string, RegistryGate>();
  const gateOf = (registry: string): RegistryGate => {
    const host = wireHost(registry);
    let gate = gates.get(host);
    if (!gate) {
      gate = new RegistryGate(host, {
        concurrency: options.concurrency ?? defaultConcurrency,
        floor: options.floor ?? defaultFloor,
        maxPauseMs: options.maxPauseMs ?? defaultMaxPauseMs,
        clock: deps.clock,
        sleep,
      });
      gates.set(host, gate);
    }
    return gate;
  };
  let requests = 0;
  const client = deps.openClient((info) => {
    requests++;
    gates.get(info.host)?.observe(info);
  });
  const watches = (await deps.monitor.watches()).filter((w) => options.all || isDue(w, started));
  const unchanged: StoredWatch[] = [];
  const changes: RoundChange[] = [];
  const alarms: RoundAlarm[] = [];
  const deferred: string[] = [];
  const failed: { watch: string; error: string }[] = [];
  const asked: number[] = [];
  const warnings: string[] = [];
  const context: WatchContext = { deps, client, alarms, changes, warnings };
  try {
    await Promise.all(
      watches.map(async (watch) => {
        const gate = gateOf(watch.registry);
        try {
          const outcome = await checkWatch(context, gate, watch);
          asked.push(watch.id);
          if (outcome === 'unchanged') unchanged.push(watch);
        } catch (error) {
          // neither is marked as asked: both stay due and the next round asks again
          if (isSgciError(error, 'RATE_LIMITED')) deferred.push(formatWatch(watch));
          else failed.push({ watch: formatWatch(watch), error: describe(error) });
        }
      }),
    );
  } finally {
    await client.close();
  }
  const now = deps.clock();
  await deps.monitor.seenAgain(
    unchanged.map((w) => w.id),
    unchanged.flatMap((w) => (w.current ? [w.current.id] : [])),
    now,
  );
  const unchangedIds = new Set(unchanged.map((w) => w.id));
  await deps.monitor.checked(
    asked.filter((id) => !unchangedIds.has(id)),
    now,
  );
  return {
    startedAt: started.toISOString(),
    checked: asked.length,
    unchanged: unchanged.length,
    changes,
    alarms,
    deferred: deferred.sort(),
    failed,
    warnings,
    pauses: [...gates.values()].flatMap((g) => g.pauses),
    requests,
    durationMs: performance.now() - timer,
  };
}

interface WatchContext {
  readonly deps: RoundDeps;
  readonly client: RegistryClient;
  readonly alarms: RoundAlarm[];
  readonly changes: RoundChange[];
  readonly warnings: string[];
}

/** A request through the registry's gate; a 429 waits out the registry's Retry-After and asks again. */
async function gated<T>(gate: RegistryGate, request: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await gate.run(request);
    } catch (error) {
      const limited = isSgciError(error, 'REGISTRY_ERROR') && error.message.includes('(HTTP 429)');
      if (!limited || attempt >= rateLimitedAttempts) throw error;
    }
  }
}

async function checkWatch(
  context: WatchContext,
  gate: RegistryGate,
  watch: StoredWatch,
): Promise<'unchanged' | 'changed' | 'deleted'> {
  const { deps, client } = context;
  const ref = { registry: watch.registry, repository: watch.repository, tag: watch.tag };
  let head: Awaited<ReturnType<RegistryClient['headManifest']>>;
  try {
    head = await gated(gate, () => client.headManifest(ref));
  } catch (error) {
    if (!isSgciError(error, 'SOURCE_NOT_FOUND')) throw error;
    await raise(
      context,
      watch,
      {
        kind: 'tag-deleted',
        ...(watch.current ? { digest: watch.current.digest } : {}),
        detail: `the tag no longer exists${watch.current ? ` (it pointed at ${watch.current.digest})` : ''}`,
      },
      true,
    );
    return 'deleted';
  }
  await checkPin(context, gate, watch, head.digest);
  const current = watch.current;
  if (current && current.digest === head.digest) return 'unchanged';
  const content: DigestContent = await gated(gate, () => describeDigest(client, watch, head.digest, deps.limits));
  const history = current ? await deps.monitor.history(watch) : [];
  const movedBack = history.find((row) => row.digest === head.digest);
  if (movedBack) {
    await raise(context, watch, {
      kind: 'tag-moved-back',
      digest: head.digest,
      detail: `the tag moved back to ${head.digest}, first seen ${movedBack.firstSeen}`,
    });
  }
  const change = current ? await classifyChange(watch, current, content, deps.scan) : null;
  // the first digest of a tag is scanned now, while it surely exists: the next change's diff reads it from the cache
  if (!current && deps.scan) {
    await deps.scan(pinnedReference(watch, head.digest), watch.platform).catch((error: unknown) => {
      context.warnings.push(`${formatWatch(watch)}: first digest not scanned: ${describe(error)}`);
    });
  }
  await deps.monitor.append(watch.id, {
    registry: watch.registry,
    repository: watch.repository,
    tag: watch.tag,
    platform: watch.platform,
    digest: head.digest,
    platformDigest: content.platformDigest,
    configDigest: content.configDigest,
    diffIds: content.diffIds,
    firstSeen: deps.clock().toISOString(),
    source: head.source,
    change,
  });
  const evidence = await evidenceOf(deps, watch, head.digest);
  context.changes.push({
    watch: formatWatch(watch),
    platform: watch.platform,
    ...(current ? { from: current.digest } : {}),
    to: head.digest,
    change,
    ...(evidence ? { evidence } : {}),
  });
  return 'changed';
}

/** The new digest's signature and SLA clocks; the scan is the cached one the classification read. */
async function evidenceOf(deps: RoundDeps, watch: StoredWatch, digest: string): Promise<ChangeEvidence | undefined> {
  let signature: ChangeEvidence['signature'];
  if (deps.verify) {
    const result = await deps.verify(watch, digest);
    signature = {
      verified: result.signatures.some((s) => s.verified),
      ...(result.error ? { error: result.error } : {}),
    };
  }
  let sla: ChangeEvidence['sla'];
  if (deps.scan) {
    // a failed scan is recorded already (the change's scanError, or the round's warnings): no clocks to tell then
    const scan = await deps.scan(pinnedReference(watch, digest), watch.platform).catch(() => undefined);
    if (scan?.vulns) {
      const clocks = openClocks(scan.vulns.matches, deps.clock());
      sla = {
        running: clocks.length,
        overdue: clocks.filter((c) => c.overdue).length,
        critical: clocks.filter((c) => c.severity === 'CRITICAL').length,
        high: clocks.filter((c) => c.severity === 'HIGH').length,
      };
    }
  }
  if (!signature && !sla) return undefined;
  return { ...(signature ? { signature } : {}), ...(sla ? { sla } : {}) };
}

/** A pinned digest the tag does not point at any more must still exist: users pull it. */
async function checkPin(
  context: WatchContext,
  gate: RegistryGate,
  watch: StoredWatch,
  tagDigest: string,
): Promise<void> {
  const pinned = watch.pinnedDigest;
  if (!pinned || pinned === tagDigest) return;
  const ref = {
    registry: watch.registry,
    repository: watch.repository,
    digest: parseDigest(pinned, formatWatch(watch)),
  };
  try {
    await gated(gate, () => context.client.headManifest(ref));
  } catch (error) {
    if (!isSgciError(error, 'SOURCE_NOT_FOUND')) throw error;
    await raise(
      context,
      watch,
      {
        kind: 'pin-vanished',
        digest: pinned,
        detail: `the pinned digest ${pinned} no longer exists in the registry`,
      },
      true,
    );
  }
}

async function raise(context: WatchContext, watch: StoredWatch, alarm: Alarm, once = false): Promise<void> {
  const now = context.deps.clock();
  if (once) {
    if (!(await raiseAlarmOnce(context.deps.monitor, watch, alarm, now))) return;
  } else await context.deps.monitor.raiseAlarm(watch, alarm, now);
  context.alarms.push({ watch: formatWatch(watch), platform: watch.platform, ...alarm });
}
