import type { z } from 'zod';
import { describe, type Logger } from '../../core/index.ts';
import type { Catalogue, CatalogueTx } from '../db/open.ts';
import { type ClaimedJob, JobQueue } from './queue.ts';

/** A kind of durable work: its payload is validated when enqueued and again when claimed. */
export interface JobDefinition<P = unknown> {
  readonly kind: `sgci.${string}`;
  readonly payload: z.ZodType<P>;
  /** How long a claim lasts without a heartbeat; a worker renews it at a third of this while the job runs. */
  readonly leaseMs?: number;
  run(payload: P, ctx: JobContext): Promise<void>;
}

export interface JobContext {
  readonly job: ClaimedJob;
  readonly catalogue: Catalogue;
  /** Aborted when the worker shuts down past its grace period: the job is handed back, not failed. */
  readonly signal: AbortSignal;
  /**
   * Writes the job's results and marks it done in one transaction, only if this worker still holds the lease.
   * A job calls it once, last; a worker killed before it leaves nothing half-written.
   */
  finish(write: (tx: CatalogueTx) => Promise<void>): Promise<void>;
}

/** The lease was taken over by another worker (this one stalled past it): the results are discarded. */
export class LeaseLost extends Error {
  constructor(job: ClaimedJob) {
    super(`job ${job.id} (${job.kind}): lease lost to another worker`);
    this.name = 'LeaseLost';
  }
}

export interface WorkerOptions {
  readonly catalogue: Catalogue;
  readonly definitions: readonly JobDefinition<unknown>[];
  /** Unique per process: host, pid and a random part. */
  readonly id: string;
  readonly concurrency?: number;
  readonly leaseMs?: number;
  readonly pollMs?: number;
  readonly logger?: Logger;
}

const defaultLeaseMs = 120_000;

/**
 * Claims and runs jobs. `runOnce` (tests, benches) runs one due job if there is one; `start` polls until `stop`.
 * `stop` lets running jobs finish for a grace period, then aborts them and hands them back to the queue.
 */
export class Worker {
  readonly #options: WorkerOptions;
  readonly #queue: JobQueue;
  readonly #definitions: ReadonlyMap<string, JobDefinition<unknown>>;
  readonly #running = new Map<string, { abort: AbortController; done: Promise<void>; job: ClaimedJob }>();
  #stopping = false;
  #loop: Promise<void> | undefined;
  #wake: (() => void) | undefined;

  constructor(options: WorkerOptions) {
    this.#options = options;
    this.#queue = new JobQueue(options.catalogue.db);
    this.#definitions = new Map(options.definitions.map((d) => [d.kind, d]));
  }

  get kinds(): string[] {
    return [...this.#definitions.keys()];
  }

  /** Claims one due job and runs it to the end; false when none was due. */
  async runOnce(): Promise<boolean> {
    const job = await this.#claim();
    if (!job) return false;
    await this.#track(job);
    return true;
  }

  /** Runs due jobs until none is left (tests: after a submission, drain, then assert). */
  async drain(): Promise<number> {
    let n = 0;
    while (await this.runOnce()) n++;
    return n;
  }

  start(): void {
    if (this.#loop) return;
    this.#loop = this.#poll();
  }

  /** A hint that work was queued (by this process): claim now instead of at the next poll. */
  notify(): void {
    this.#wake?.();
  }

  async stop(graceMs = 30_000): Promise<void> {
    this.#stopping = true;
    this.#wake?.();
    await this.#loop;
    const running = [...this.#running.values()];
    if (running.length === 0) return;
    let timer: NodeJS.Timeout | undefined;
    const grace = new Promise<'late'>((resolve) => {
      timer = setTimeout(() => resolve('late'), graceMs);
    });
    const finished = await Promise.race([Promise.all(running.map((r) => r.done)).then(() => 'done' as const), grace]);
    clearTimeout(timer);
    if (finished === 'done') return;
    for (const r of this.#running.values()) r.abort.abort(new Error('worker shutting down'));
    await Promise.all([...this.#running.values()].map((r) => r.done));
  }

  async #poll(): Promise<void> {
    const concurrency = this.#options.concurrency ?? 1;
    const pollMs = this.#options.pollMs ?? 1_000;
    while (!this.#stopping) {
      let claimed = false;
      if (this.#running.size < concurrency) {
        const job = await this.#claim().catch((error: unknown) => {
          this.#options.logger?.error({ err: describe(error) }, 'job claim failed');
          return undefined;
        });
        if (job) {
          claimed = true;
          void this.#track(job);
        }
      }
      if (!claimed && !this.#stopping) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, pollMs);
          this.#wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        this.#wake = undefined;
      }
    }
  }

  #claim(): Promise<ClaimedJob | undefined> {
    return this.#queue.claim(this.#options.id, this.kinds, this.#options.catalogue.now(), this.#leaseMs());
  }

  #leaseMs(kind?: string): number {
    return (kind ? this.#definitions.get(kind)?.leaseMs : undefined) ?? this.#options.leaseMs ?? defaultLeaseMs;
  }

  #track(job: ClaimedJob): Promise<void> {
    const abort = new AbortController();
    const done = this.#run(job, abort.signal).finally(() => {
      this.#running.delete(job.id);
      this.#wake?.();
    });
    this.#running.set(job.id, { abort, done, job });
    return done;
  }

  async #run(job: ClaimedJob, signal: AbortSignal): Promise<void> {
    const { catalogue, logger, id: worker } = this.#options;
    const definition = this.#definitions.get(job.kind);
    const fields = { job: job.id, kind: job.kind, attempt: job.attempt };
    const leaseMs = this.#leaseMs(job.kind);
    const heartbeat = setInterval(() => {
      void this.#queue.extend(job, worker, new Date(catalogue.now().getTime() + leaseMs)).catch(() => undefined);
    }, leaseMs / 3);
    heartbeat.unref();
    let finished = false;
    const finish = async (write: (tx: CatalogueTx) => Promise<void>) => {
      await catalogue.transaction(async (tx) => {
        if (!(await this.#queue.holds(tx, job, worker))) throw new LeaseLost(job);
        await write(tx);
        await this.#queue.complete(tx, job, catalogue.now());
      });
      finished = true;
    };
    try {
      if (!definition) throw new Error(`no handler for job kind ${job.kind}`);
      const parsed = definition.payload.safeParse(job.payload);
      if (!parsed.success) throw new Error(`invalid payload: ${parsed.error.issues[0]?.message ?? 'unknown'}`);
      await definition.run(parsed.data, { job, catalogue, signal, finish });
      if (!finished) await finish(async () => undefined);
      logger?.info(fields, 'job done');
    } catch (error) {
      if (error instanceof LeaseLost) {
        logger?.warn(fields, 'job lease lost; results discarded');
      } else if (signal.aborted) {
        await this.#queue.handBack(job, worker, catalogue.now());
        logger?.info(fields, 'job handed back on shutdown');
      } else {
        const state = await this.#queue.fail(job, worker, describe(error), catalogue.now());
        logger?.warn({ ...fields, err: describe(error), state }, 'job failed');
      }
    } finally {
      clearInterval(heartbeat);
    }
  }
}
