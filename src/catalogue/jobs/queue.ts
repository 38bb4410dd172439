import { type Kysely, sql } from 'kysely';
import type { CatalogueDatabase, JobState } from '../db/schema.ts';

/** One claimed job, as the worker that holds its lease sees it. */
export interface ClaimedJob {
  readonly id: string;
  readonly kind: string;
  readonly payload: unknown;
  /** 1 on the first run; a job reclaimed after a lost lease (a killed worker) counts again. */
  readonly attempt: number;
  readonly maxAttempts: number;
}

export interface EnqueueOptions {
  readonly runAfter?: Date;
  readonly maxAttempts?: number;
}

export const defaultMaxAttempts = 5;

/**
 * Adds a job. Call it inside the transaction that made the work necessary (a submission, an import), so the work
 * is queued exactly when the change is committed.
 */
export async function enqueueJob(
  db: Kysely<CatalogueDatabase>,
  kind: string,
  payload: unknown,
  now: Date,
  options: EnqueueOptions = {},
): Promise<string> {
  const row = await db
    .insertInto('jobs')
    .values({
      kind,
      payload: JSON.stringify(payload),
      state: 'queued',
      max_attempts: options.maxAttempts ?? defaultMaxAttempts,
      run_after: options.runAfter ?? now,
      created_at: now,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return String(row.id);
}

/** Backoff before the next attempt: 30 s, 1 min, 2 min … capped at one hour. */
export function retryDelayMs(attempt: number): number {
  return Math.min(3_600_000, 30_000 * 2 ** Math.max(0, attempt - 1));
}

/**
 * The durable queue in PostgreSQL. A claim is one short statement (`FOR UPDATE SKIP LOCKED`), so any number of
 * workers on any number of machines take different jobs; a claim is a lease, and a job whose lease ran out (its
 * worker was killed) is claimed again. Nothing is held open while a job runs.
 */
export class JobQueue {
  readonly #db: Kysely<CatalogueDatabase>;

  constructor(db: Kysely<CatalogueDatabase>) {
    this.#db = db;
  }

  /** Claims the oldest due job of these kinds for `worker` until `now + leaseMs`, or returns undefined. */
  async claim(worker: string, kinds: readonly string[], now: Date, leaseMs: number): Promise<ClaimedJob | undefined> {
    if (kinds.length === 0) return undefined;
    const until = new Date(now.getTime() + leaseMs);
    // a lease that ran out on the last attempt: the job is failed, not claimed again
    await this.#db
      .updateTable('jobs')
      .set({ state: 'failed', locked_by: null, locked_until: null, finished_at: now, last_error: 'lease expired' })
      .where('state', '=', 'running')
      .where('locked_until', '<', now)
      .whereRef('attempts', '>=', 'max_attempts')
      .execute();
    const row = await this.#db
      .updateTable('jobs')
      .set({ state: 'running', locked_by: worker, locked_until: until, attempts: sql`attempts + 1` })
      .where(
        'id',
        '=',
        (qb) =>
          qb
            .selectFrom('jobs')
            .select('id')
            .where('kind', 'in', kinds)
            .where((eb) =>
              eb.or([
                eb.and([eb('state', '=', 'queued'), eb('run_after', '<=', now)]),
                eb.and([eb('state', '=', 'running'), eb('locked_until', '<', now)]),
              ]),
            )
            .orderBy('run_after')
            .orderBy('id')
            .limit(1)
            .forUpdate()
            .skipLocked() as never,
      )
      .returning(['id', 'kind', 'payload', 'attempts', 'max_attempts'])
      .executeTakeFirst();
    if (!row) return undefined;
    return {
      id: String(row.id),
      kind: row.kind,
      payload: row.payload,
      attempt: row.attempts,
      maxAttempts: row.max_attempts,
    };
  }

  /** Extends the lease of a running job; false when this worker no longer holds it. */
  async extend(job: ClaimedJob, worker: string, until: Date): Promise<boolean> {
    const result = await this.#db
      .updateTable('jobs')
      .set({ locked_until: until })
      .where('id', '=', job.id)
      .where('state', '=', 'running')
      .where('locked_by', '=', worker)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  /**
   * Locks the job row in `tx` and checks that `worker` still holds it: a job's results are written in the same
   * transaction as its completion, and not at all by a worker whose lease was taken over.
   */
  async holds(tx: Kysely<CatalogueDatabase>, job: ClaimedJob, worker: string): Promise<boolean> {
    const row = await tx
      .selectFrom('jobs')
      .select('id')
      .where('id', '=', job.id)
      .where('state', '=', 'running')
      .where('locked_by', '=', worker)
      .forUpdate()
      .executeTakeFirst();
    return row !== undefined;
  }

  async complete(tx: Kysely<CatalogueDatabase>, job: ClaimedJob, now: Date): Promise<void> {
    await this.#finish(tx, job, 'done', now, null);
  }

  /** A failed attempt: queued again after a backoff, or failed for good after the last attempt. */
  async fail(job: ClaimedJob, worker: string, error: string, now: Date): Promise<JobState> {
    const last = job.attempt >= job.maxAttempts;
    const result = await this.#db
      .updateTable('jobs')
      .set(
        last
          ? { state: 'failed', locked_by: null, locked_until: null, finished_at: now, last_error: error }
          : {
              state: 'queued',
              locked_by: null,
              locked_until: null,
              last_error: error,
              run_after: new Date(now.getTime() + retryDelayMs(job.attempt)),
            },
      )
      .where('id', '=', job.id)
      .where('locked_by', '=', worker)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1 ? (last ? 'failed' : 'queued') : 'running';
  }

  /** Gives a job back untouched (graceful shutdown): it does not count as an attempt. */
  async handBack(job: ClaimedJob, worker: string, now: Date): Promise<void> {
    await this.#db
      .updateTable('jobs')
      .set({ state: 'queued', locked_by: null, locked_until: null, run_after: now, attempts: sql`attempts - 1` })
      .where('id', '=', job.id)
      .where('locked_by', '=', worker)
      .where('state', '=', 'running')
      .execute();
  }

  async #finish(tx: Kysely<CatalogueDatabase>, job: ClaimedJob, state: JobState, now: Date, error: string | null) {
    await tx
      .updateTable('jobs')
      .set({ state, locked_by: null, locked_until: null, finished_at: now, last_error: error })
      .where('id', '=', job.id)
      .execute();
  }

  /** Jobs per kind and state: what `/metrics` and `/readyz` report. */
  async counts(): Promise<{ kind: string; state: JobState; count: number }[]> {
    const rows = await this.#db
      .selectFrom('jobs')
      .select(['kind', 'state', (eb) => eb.fn.countAll<string>().as('count')])
      .groupBy(['kind', 'state'])
      .execute();
    return rows.map((row) => ({ kind: row.kind, state: row.state, count: Number(row.count) }));
  }
}
