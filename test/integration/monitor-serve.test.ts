/**
 * `sgci serve` runs monitor rounds as jobs of the catalogue's queue: the watches `sgci monitor add` wrote in the
 * store are asked by the worker, the ledger grows as the CLI's would, and each round queues the next, once.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { BlobCache } from '../../src/cache/index.ts';
import {
  ensureMonitorRounds,
  type JobDefinition,
  monitorRoundIntervalMs,
  monitorRoundJob,
  monitorRoundJobKind,
  Worker,
} from '../../src/catalogue/index.ts';
import { silentLogger } from '../../src/core/index.ts';
import { watchKeyOf } from '../../src/monitor/index.ts';
import { defaultPolicy } from '../../src/policy/index.ts';
import { monitorRounds } from '../../src/server/monitor-rounds.ts';
import { TestCatalogues } from '../helpers/catalogue.ts';
import { fixture, fixturesMissing } from '../helpers/fixtures.ts';
import { startRegistry } from '../helpers/registry.ts';

const skip = fixturesMissing();

test('the worker runs rounds over the stored watches and keeps one round queued', { skip }, async () => {
  await using registry = await startRegistry();
  await using suite = new TestCatalogues('pglite');
  const cacheDir = await mkdtemp(join(tmpdir(), 'sgci-monitor-serve-'));
  try {
    const catalogue = await suite.open();
    const store = catalogue.store;
    const image = await registry.push(fixture('distroless-static').ociDir, 'sv/base:stable');
    const key = watchKeyOf(image);
    await store.monitor.addWatch(key, 60, catalogue.now());
    const rounds = monitorRounds({
      config: { insecureRegistry: [], allowRegistry: [registry.host] },
      logger: silentLogger,
      catalogue,
      store,
      policy: defaultPolicy,
      cache: new BlobCache({ dir: cacheDir, maxBytes: 1 << 30 }),
    });
    const worker = new Worker({
      catalogue,
      definitions: [monitorRoundJob(catalogue, rounds)] as JobDefinition<unknown>[],
      id: 'monitor',
    });
    await ensureMonitorRounds(catalogue);
    await ensureMonitorRounds(catalogue);
    assert.equal(await worker.drain(), 1, 'two starts, one round');
    const queued = await catalogue.db
      .selectFrom('jobs')
      .select(['run_after'])
      .where('kind', '=', monitorRoundJobKind)
      .where('state', '=', 'queued')
      .execute();
    assert.deepEqual(
      queued.map((j) => new Date(j.run_after).getTime()),
      [catalogue.now().getTime() + monitorRoundIntervalMs],
      'the round queued its successor a minute on',
    );
    const [first] = await store.monitor.history(key);
    assert.equal(first?.firstSeen, catalogue.now().toISOString());

    await registry.push(fixture('node-app').ociDir, 'sv/base:stable');
    suite.clock.advance(monitorRoundIntervalMs);
    assert.equal(await worker.drain(), 1);
    const history = await store.monitor.history(key);
    assert.equal(history.length, 2);
    const change = history[1]?.change as { kind: string; sbom?: { added: string[] } };
    assert.equal(change.kind, 'packages-changed');
    assert.ok(change.sbom?.added.includes('pkg:npm/lodash@4.17.20'), 'scanned through the one pipeline');
  } finally {
    await rm(cacheDir, { recursive: true, force: true });
  }
});
