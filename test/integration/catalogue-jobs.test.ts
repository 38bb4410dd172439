import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { z } from 'zod';
import {
  type Catalogue,
  enqueueJob,
  type JobDefinition,
  JobQueue,
  retryDelayMs,
  Worker,
} from '../../src/catalogue/index.ts';
import { catalogueEngines, TestCatalogues } from '../helpers/catalogue.ts';

const payload = z.object({ n: z.number() });

/** A job that records each run, then writes its row through `finish`. */
function recorder(runs: number[], options: { failFirst?: boolean } = {}): JobDefinition<{ n: number }> {
  return {
    kind: 'sgci.test',
    payload,
    async run({ n }, ctx) {
      runs.push(n);
      if (options.failFirst && ctx.job.attempt === 1) throw new Error(`attempt ${ctx.job.attempt} fails`);
      await ctx.finish(async (tx) => {
        await tx
          .insertInto('organisations')
          .values({ slug: `o${n}`, name: `${n}`, created_at: ctx.catalogue.now() })
          .execute();
      });
    },
  };
}

async function jobRow(catalogue: Catalogue, id: string) {
  return catalogue.db.selectFrom('jobs').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
}

for (const { engine, skip } of catalogueEngines) {
  describe(`job queue on ${engine}`, { skip }, () => {
    let suite: TestCatalogues;
    let catalogue: Catalogue;
    before(async () => {
      suite = new TestCatalogues(engine);
      catalogue = await suite.open();
    });
    after(async () => suite[Symbol.asyncDispose]());

    test('a queued job runs once and its writes commit with its completion', async () => {
      const id = await enqueueJob(catalogue.db, 'sgci.test', { n: 1 }, catalogue.now());
      const runs: number[] = [];
      const worker = new Worker({ catalogue, definitions: [recorder(runs)], id: 'w1' });
      assert.equal(await worker.drain(), 1);
      assert.deepEqual(runs, [1]);
      assert.equal((await jobRow(catalogue, id)).state, 'done');
      assert.ok(await catalogue.db.selectFrom('organisations').where('slug', '=', 'o1').executeTakeFirst());
    });

    test('a failed attempt is retried after its backoff, not before', async () => {
      const id = await enqueueJob(catalogue.db, 'sgci.test', { n: 2 }, catalogue.now());
      const runs: number[] = [];
      const worker = new Worker({ catalogue, definitions: [recorder(runs, { failFirst: true })], id: 'w1' });
      assert.equal(await worker.drain(), 1);
      const failed = await jobRow(catalogue, id);
      assert.equal(failed.state, 'queued');
      assert.match(failed.last_error ?? '', /attempt 1 fails/);
      assert.equal(await worker.drain(), 0, 'not due yet');
      suite.clock.advance(retryDelayMs(1));
      assert.equal(await worker.drain(), 1);
      assert.deepEqual(runs, [2, 2]);
      assert.equal((await jobRow(catalogue, id)).state, 'done');
    });

    test('a job whose worker died (lease ran out) is claimed again and its late results are discarded', async () => {
      const id = await enqueueJob(catalogue.db, 'sgci.test', { n: 3 }, catalogue.now());
      const queue = new JobQueue(catalogue.db);
      const dead = await queue.claim('dead-worker', ['sgci.test'], catalogue.now(), 60_000);
      assert.equal(dead?.id, id);
      assert.equal(await queue.claim('w2', ['sgci.test'], catalogue.now(), 60_000), undefined, 'still leased');
      suite.clock.advance(60_001);
      const runs: number[] = [];
      const worker = new Worker({ catalogue, definitions: [recorder(runs)], id: 'w2' });
      assert.equal(await worker.drain(), 1);
      const row = await jobRow(catalogue, id);
      assert.equal(row.state, 'done');
      assert.equal(row.attempts, 2);
      // the dead worker wakes up and tries to write: its lease is gone, nothing of it is kept
      assert.ok(dead);
      const late = await catalogue.transaction((tx) => queue.holds(tx, dead, 'dead-worker'));
      assert.equal(late, false);
    });

    test('a lease that runs out on the last attempt fails the job instead of running it again', async () => {
      const id = await enqueueJob(catalogue.db, 'sgci.test', { n: 4 }, catalogue.now(), { maxAttempts: 1 });
      const queue = new JobQueue(catalogue.db);
      assert.ok(await queue.claim('dead-worker', ['sgci.test'], catalogue.now(), 1_000));
      suite.clock.advance(1_001);
      assert.equal(await queue.claim('w2', ['sgci.test'], catalogue.now(), 1_000), undefined);
      const row = await jobRow(catalogue, id);
      assert.equal(row.state, 'failed');
      assert.equal(row.last_error, 'lease expired');
    });

    test('a payload that does not match its definition fails with the reason, and is not run', async () => {
      const id = await enqueueJob(catalogue.db, 'sgci.test', { n: 'five' }, catalogue.now(), { maxAttempts: 1 });
      const runs: number[] = [];
      await new Worker({ catalogue, definitions: [recorder(runs)], id: 'w1' }).drain();
      assert.deepEqual(runs, []);
      const row = await jobRow(catalogue, id);
      assert.equal(row.state, 'failed');
      assert.match(row.last_error ?? '', /invalid payload/);
    });

    test('stop hands a running job back when it outlasts the grace period', async () => {
      const id = await enqueueJob(catalogue.db, 'sgci.slow', {}, catalogue.now());
      let started!: () => void;
      const running = new Promise<void>((resolve) => {
        started = resolve;
      });
      const slow: JobDefinition<Record<string, never>> = {
        kind: 'sgci.slow',
        payload: z.object({}).strict(),
        run: (_payload, ctx) =>
          new Promise((_resolve, reject) => {
            started();
            ctx.signal.addEventListener('abort', () => reject(ctx.signal.reason));
          }),
      };
      const worker = new Worker({ catalogue, definitions: [slow], id: 'w-stop', pollMs: 10 });
      worker.start();
      await running;
      await worker.stop(0);
      const row = await jobRow(catalogue, id);
      assert.equal(row.state, 'queued');
      assert.equal(row.attempts, 0, 'a handed-back job does not use up an attempt');
      assert.equal(row.locked_by, null);
    });
  });
}

describe('two workers on one PostgreSQL', { skip: catalogueEngines[1]?.skip }, () => {
  test('never run a job twice, and together run all of them', async () => {
    await using suite = new TestCatalogues('postgres');
    const [a, b] = [await suite.open(), await suite.open()];
    const total = 60;
    await a.transaction(async (tx) => {
      for (let n = 0; n < total; n++) await enqueueJob(tx, 'sgci.test', { n }, a.now());
    });
    const runs: number[] = [];
    const workers = [
      new Worker({ catalogue: a, definitions: [recorder(runs)], id: 'a', pollMs: 5, concurrency: 2 }),
      new Worker({ catalogue: b, definitions: [recorder(runs)], id: 'b', pollMs: 5, concurrency: 2 }),
    ];
    await Promise.all(workers.map((w) => w.drain()));
    assert.equal(runs.length, total, 'each job ran exactly once');
    assert.deepEqual(
      [...new Set(runs)].sort((x, y) => x - y),
      Array.from({ length: total }, (_, n) => n),
    );
    const done = await a.db
      .selectFrom('jobs')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('state', '=', 'done')
      .executeTakeFirstOrThrow();
    assert.equal(Number(done.n), total);
  });
});
