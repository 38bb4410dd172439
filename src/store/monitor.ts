import type { Kysely, Selectable } from 'kysely';
import { kyselyReads, kyselyWrites, type ReadRunner, type WriteRunner } from './read-queries.ts';
import type { Database, MonitorObservationsTable } from './schema.ts';
import { chunks, compareText, iso, maxParameters, parseJson } from './values.ts';

/** Which tag is watched: registry, repository, tag and the platform looked at. */
export interface WatchKey {
  readonly registry: string;
  readonly repository: string;
  readonly tag: string;
  readonly platform: string;
}

export interface StoredWatch extends WatchKey {
  readonly id: number;
  readonly everySeconds: number;
  readonly addedAt: string;
  readonly checkedAt: string | undefined;
  /** The ledger row the tag pointed at when last asked. */
  readonly current: StoredObservation | undefined;
  readonly pinnedDigest: string | undefined;
  readonly pinnedAt: string | undefined;
  /** The category the last scorecard suggested. */
  readonly category: string | undefined;
}

/** A ledger row: the tag pointed at `digest` from `firstSeen` to at least `lastSeen`. */
export interface StoredObservation extends WatchKey {
  readonly id: number;
  readonly digest: string;
  readonly platformDigest: string;
  readonly configDigest: string;
  readonly diffIds: readonly string[];
  readonly firstSeen: string;
  readonly lastSeen: string;
  readonly source: 'head' | 'get';
  /** As the monitor wrote it (monitor/classify.ts); the store does not look inside. */
  readonly change: unknown;
}

export type NewObservation = Omit<StoredObservation, 'id' | 'lastSeen'>;

export interface StoredAlarm extends WatchKey {
  readonly id: number;
  readonly kind: string;
  readonly digest: string | undefined;
  readonly raisedAt: string;
  readonly detail: string;
}

type ObservationRow = Selectable<MonitorObservationsTable>;

/** What a round runs (the watch list, the unchanged tags' writes), and kysely for everything else. */
export interface MonitorStatements {
  readonly reads: ReadRunner;
  readonly writes: WriteRunner;
  readonly kysely: () => Promise<Kysely<Database>>;
}

const watchKeyColumns = ['registry', 'repository', 'tag', 'platform'] as const;

/** The key's four columns only: callers pass richer objects (a stored watch) as keys. */
function keyColumns(key: WatchKey): WatchKey {
  return { registry: key.registry, repository: key.repository, tag: key.tag, platform: key.platform };
}

function observationOf(row: ObservationRow): StoredObservation {
  return {
    id: Number(row.id),
    registry: row.registry,
    repository: row.repository,
    tag: row.tag,
    platform: row.platform,
    digest: row.digest,
    platformDigest: row.platform_digest,
    configDigest: row.config_digest,
    diffIds: parseJson(row.diff_ids),
    firstSeen: iso(row.first_seen),
    lastSeen: iso(row.last_seen),
    source: row.source === 'get' ? 'get' : 'head',
    change: row.change === null ? null : parseJson(row.change),
  };
}

/**
 * The monitor's tables (migration 0008): watched tags, the append-only ledger and alarms. Times are written by the
 * caller's clock; nothing here reads the system time.
 */
export class MonitorRepository {
  readonly #reads: ReadRunner;
  readonly #writes: WriteRunner;
  readonly #kysely: () => Promise<Kysely<Database>>;

  /**
   * Over kysely, or over a round's statements compiled for the SQLite file (`openMonitorStore`), where the other
   * statements load kysely the first time one runs.
   */
  constructor(db: Kysely<Database> | MonitorStatements) {
    if ('reads' in db) {
      this.#reads = db.reads;
      this.#writes = db.writes;
      this.#kysely = db.kysely;
    } else {
      this.#reads = kyselyReads(db);
      this.#writes = kyselyWrites(db);
      this.#kysely = async () => db;
    }
  }

  /** Watches a tag, or changes the interval of one already watched. */
  async addWatch(key: WatchKey, everySeconds: number, now: Date): Promise<void> {
    const db = await this.#kysely();
    await db
      .insertInto('monitor_watches')
      .values({ ...keyColumns(key), every_seconds: everySeconds, added_at: now })
      .onConflict((oc) => oc.columns([...watchKeyColumns]).doUpdateSet({ every_seconds: everySeconds }))
      .execute();
  }

  /** Stops watching; the ledger and the alarms stay (an audit trail is not deleted with the subscription). */
  async removeWatch(key: WatchKey): Promise<boolean> {
    const db = await this.#kysely();
    const result = await db
      .deleteFrom('monitor_watches')
      .where('registry', '=', key.registry)
      .where('repository', '=', key.repository)
      .where('tag', '=', key.tag)
      .where('platform', '=', key.platform)
      .executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }

  /** Every watch with its current ledger row, sorted by registry, repository, tag, platform. */
  async watches(): Promise<StoredWatch[]> {
    const rows = await this.#reads.rows('monitorWatches', {});
    const currentIds = rows.flatMap((row) => (row.current_observation === null ? [] : [row.current_observation]));
    const current = new Map<number, StoredObservation>();
    for (const row of await this.#reads.rows('monitorObservationsById', { list: currentIds }))
      current.set(Number(row.id), observationOf(row));
    return rows
      .map(
        (row): StoredWatch => ({
          id: Number(row.id),
          registry: row.registry,
          repository: row.repository,
          tag: row.tag,
          platform: row.platform,
          everySeconds: row.every_seconds,
          addedAt: iso(row.added_at),
          checkedAt: row.checked_at === null ? undefined : iso(row.checked_at),
          current: row.current_observation === null ? undefined : current.get(Number(row.current_observation)),
          pinnedDigest: row.pinned_digest ?? undefined,
          pinnedAt: row.pinned_at === null ? undefined : iso(row.pinned_at),
          category: row.category ?? undefined,
        }),
      )
      .sort(
        (a, b) =>
          compareText(a.registry, b.registry) ||
          compareText(a.repository, b.repository) ||
          compareText(a.tag, b.tag) ||
          compareText(a.platform, b.platform),
      );
  }

  /** The ledger of one watched tag (or of every platform of the tag when `platform` is absent), oldest first. */
  async history(key: Omit<WatchKey, 'platform'> & { platform?: string }): Promise<StoredObservation[]> {
    const db = await this.#kysely();
    let query = db
      .selectFrom('monitor_observations')
      .selectAll()
      .where('registry', '=', key.registry)
      .where('repository', '=', key.repository)
      .where('tag', '=', key.tag);
    if (key.platform !== undefined) query = query.where('platform', '=', key.platform);
    const rows = await query.orderBy('id').execute();
    return rows.map((row) => observationOf(row));
  }

  /** Appends a ledger row and makes it the watch's current one; returns its id. */
  async append(watchId: number, observation: NewObservation): Promise<number> {
    const db = await this.#kysely();
    const row = await db
      .insertInto('monitor_observations')
      .values({
        registry: observation.registry,
        repository: observation.repository,
        tag: observation.tag,
        platform: observation.platform,
        digest: observation.digest,
        platform_digest: observation.platformDigest,
        config_digest: observation.configDigest,
        diff_ids: JSON.stringify(observation.diffIds),
        first_seen: observation.firstSeen,
        last_seen: observation.firstSeen,
        source: observation.source,
        change: observation.change === null ? null : JSON.stringify(observation.change),
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const id = Number(row.id);
    await db
      .updateTable('monitor_watches')
      .set({ current_observation: id, checked_at: observation.firstSeen })
      .where('id', '=', watchId)
      .execute();
    return id;
  }

  /** A round's unchanged tags: their current rows were seen again now, and the watches were asked now. */
  async seenAgain(watchIds: readonly number[], observationIds: readonly number[], now: Date): Promise<void> {
    await this.#writes.run('observationsSeen', { at: now, list: observationIds });
    await this.checked(watchIds, now);
  }

  /** The watches were asked now (whatever the answer). */
  async checked(watchIds: readonly number[], now: Date): Promise<void> {
    await this.#writes.run('watchesChecked', { at: now, list: watchIds });
  }

  async setPin(watchId: number, digest: string, now: Date): Promise<void> {
    const db = await this.#kysely();
    await db
      .updateTable('monitor_watches')
      .set({ pinned_digest: digest, pinned_at: now })
      .where('id', '=', watchId)
      .execute();
  }

  async setCategory(watchId: number, category: string): Promise<void> {
    const db = await this.#kysely();
    await db.updateTable('monitor_watches').set({ category }).where('id', '=', watchId).execute();
  }

  async raiseAlarm(key: WatchKey, alarm: { kind: string; digest?: string; detail: string }, now: Date): Promise<void> {
    const db = await this.#kysely();
    await db
      .insertInto('monitor_alarms')
      .values({
        ...keyColumns(key),
        kind: alarm.kind,
        digest: alarm.digest ?? null,
        raised_at: now,
        detail: alarm.detail,
      })
      .execute();
  }

  /** Alarms of one tag (every platform when `platform` is absent), or all of them, oldest first. */
  async alarms(key?: Omit<WatchKey, 'platform'> & { platform?: string }): Promise<StoredAlarm[]> {
    const db = await this.#kysely();
    let query = db.selectFrom('monitor_alarms').selectAll();
    if (key) {
      query = query
        .where('registry', '=', key.registry)
        .where('repository', '=', key.repository)
        .where('tag', '=', key.tag);
      if (key.platform !== undefined) query = query.where('platform', '=', key.platform);
    }
    const rows = await query.orderBy('id').execute();
    return rows.map((row) => ({
      id: Number(row.id),
      registry: row.registry,
      repository: row.repository,
      tag: row.tag,
      platform: row.platform,
      kind: row.kind,
      digest: row.digest ?? undefined,
      raisedAt: iso(row.raised_at),
      detail: row.detail,
    }));
  }

  /** Records source versions of a suite's package index; a version seen before keeps its first observation. */
  async observePackageVersions(
    suite: string,
    versions: readonly { readonly source: string; readonly version: string }[],
    now: Date,
  ): Promise<number> {
    const db = await this.#kysely();
    let added = 0;
    for (const rows of chunks([...versions], Math.floor(maxParameters / 4))) {
      const inserted = await db
        .insertInto('monitor_package_versions')
        .values(rows.map((r) => ({ suite, source: r.source, version: r.version, first_seen: now })))
        .onConflict((oc) => oc.columns(['suite', 'source', 'version']).doNothing())
        .returning('version')
        .execute();
      added += inserted.length;
    }
    return added;
  }

  /** When each of `versions` of a source was first seen in the suite's index (absent: never observed). */
  async firstSeenVersions(suite: string, source: string, versions: readonly string[]): Promise<Map<string, string>> {
    const db = await this.#kysely();
    const out = new Map<string, string>();
    if (versions.length === 0) return out;
    const rows = await db
      .selectFrom('monitor_package_versions')
      .select(['version', 'first_seen'])
      .where('suite', '=', suite)
      .where('source', '=', source)
      .where('version', 'in', [...versions])
      .execute();
    for (const row of rows) out.set(row.version, iso(row.first_seen));
    return out;
  }
}
