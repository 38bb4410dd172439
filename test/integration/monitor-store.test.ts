/**
 * The monitor's ledger on every engine of the one store (SQLite, PGlite, PostgreSQL), so `sgci serve` on PostgreSQL
 * keeps the same ledger the CLI keeps in SQLite: the same rows, times and JSON back.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { openMonitorStore, openStore, type Store, type WatchKey } from '../../src/store/index.ts';
import { postgresMissing, startPostgres, type TestPostgres } from '../helpers/postgres.ts';

const key: WatchKey = { registry: 'registry.example', repository: 'base/debian', tag: '12', platform: 'linux/amd64' };
const t = (day: number) => new Date(Date.UTC(2026, 10, 1 + day, 8));

function ledgerSuite(kind: 'sqlite' | 'pglite' | 'postgres', skip: string | undefined) {
  describe(`monitor ledger on ${kind}`, { skip }, () => {
    let store: Store;
    let server: TestPostgres | undefined;
    const work = mkdtempSync(join(tmpdir(), 'sgci-monitor-store-'));
    before(async () => {
      if (kind === 'postgres') server = await startPostgres();
      store = await openStore(
        kind === 'postgres'
          ? { databaseUrl: server?.url ?? '' }
          : { engine: kind, dataDir: join(work, 'db'), databaseUrl: '' },
      );
    });
    after(async () => {
      await store?.close();
      await server?.stop();
      rmSync(work, { recursive: true, force: true });
    });

    test('watches, appended rows, last seen moved in one statement, pins, categories and alarms', async () => {
      await store.monitor.addWatch(key, 3600, t(0));
      await store.monitor.addWatch(key, 7200, t(0));
      const [watch] = await store.monitor.watches();
      assert.deepEqual([watch?.everySeconds, watch?.current, watch?.checkedAt], [7200, undefined, undefined]);
      const row = {
        ...key,
        platformDigest: 'sha256:m1',
        configDigest: 'sha256:c1',
        diffIds: ['sha256:l1', 'sha256:l2'],
        source: 'head' as const,
      };
      const first = await store.monitor.append(watch?.id ?? 0, {
        ...row,
        digest: 'sha256:a',
        firstSeen: t(0).toISOString(),
        change: null,
      });
      await store.monitor.seenAgain([watch?.id ?? 0], [first], t(1));
      const change = {
        kind: 'packages-changed',
        sbom: { added: ['pkg:deb/debian/openssl@3'], removed: [], upgraded: [] },
      };
      await store.monitor.append(watch?.id ?? 0, { ...row, digest: 'sha256:b', firstSeen: t(2).toISOString(), change });
      const history = await store.monitor.history(key);
      assert.deepEqual(
        history.map((r) => [r.digest, r.firstSeen, r.lastSeen, r.change]),
        [
          ['sha256:a', t(0).toISOString(), t(1).toISOString(), null],
          ['sha256:b', t(2).toISOString(), t(2).toISOString(), change],
        ],
      );
      assert.deepEqual(history[0]?.diffIds, ['sha256:l1', 'sha256:l2']);
      await store.monitor.setPin(watch?.id ?? 0, 'sha256:a', t(3));
      await store.monitor.setCategory(watch?.id ?? 0, 'allowed');
      await store.monitor.raiseAlarm(
        watch as WatchKey,
        { kind: 'pin-vanished', digest: 'sha256:a', detail: 'gone' },
        t(4),
      );
      const [after] = await store.monitor.watches();
      assert.deepEqual(
        [after?.current?.digest, after?.checkedAt, after?.pinnedDigest, after?.category],
        ['sha256:b', t(2).toISOString(), 'sha256:a', 'allowed'],
      );
      assert.deepEqual(
        (await store.monitor.alarms(key)).map((a) => [a.kind, a.digest, a.raisedAt]),
        [['pin-vanished', 'sha256:a', t(4).toISOString()]],
      );
      assert.equal(await store.monitor.removeWatch(key), true);
      assert.equal((await store.monitor.history(key)).length, 2, 'the ledger outlives the watch');
    });
  });
}

ledgerSuite('sqlite', undefined);
ledgerSuite('pglite', undefined);
ledgerSuite('postgres', postgresMissing());

describe('monitor round on the SQLite file through its compiled statements (openMonitorStore)', () => {
  const work = mkdtempSync(join(tmpdir(), 'sgci-monitor-compiled-'));
  after(() => rmSync(work, { recursive: true, force: true }));
  const row = (digest: string, day: number) => ({
    ...key,
    digest,
    platformDigest: 'sha256:m1',
    configDigest: 'sha256:c1',
    diffIds: ['sha256:l1'],
    source: 'head' as const,
    firstSeen: t(day).toISOString(),
    change: null,
  });

  test('a new file is migrated through the store first', async () => {
    await using opened = await openMonitorStore({ dataDir: join(work, 'new'), databaseUrl: '' });
    assert.deepEqual(await opened.monitor.watches(), []);
  });

  test("the watch list and the unchanged tags' writes are those kysely reads and writes", async () => {
    const options = { dataDir: join(work, 'db'), databaseUrl: '' };
    await using store = await openStore(options);
    await store.monitor.addWatch(key, 3600, t(0));
    await store.monitor.addWatch({ ...key, tag: '13' }, 60, t(0));
    const [twelve, thirteen] = await store.monitor.watches();
    const first = await store.monitor.append(twelve?.id ?? 0, row('sha256:a', 0));
    await store.monitor.setPin(twelve?.id ?? 0, 'sha256:a', t(0));
    await using compiled = await openMonitorStore(options);
    assert.deepEqual(await compiled.monitor.watches(), await store.monitor.watches());
    await compiled.monitor.seenAgain([twelve?.id ?? 0], [first], t(1));
    await compiled.monitor.checked([thirteen?.id ?? 0], t(2));
    await compiled.monitor.seenAgain([], [], t(3));
    const watches = await store.monitor.watches();
    assert.deepEqual(await compiled.monitor.watches(), watches);
    assert.deepEqual(
      watches.map((w) => [w.tag, w.checkedAt, w.current?.lastSeen, w.pinnedDigest]),
      [
        ['12', t(1).toISOString(), t(1).toISOString(), 'sha256:a'],
        ['13', t(2).toISOString(), undefined, undefined],
      ],
    );
    // a moved tag loads the query layer on the same connection; the round's statements then go through it
    const moved = await compiled.monitor.append(thirteen?.id ?? 0, { ...row('sha256:b', 4), tag: '13' });
    await compiled.monitor.seenAgain([thirteen?.id ?? 0], [moved], t(5));
    assert.equal((await compiled.store()).kind, 'sqlite');
    assert.deepEqual(
      (await store.monitor.history({ ...key, tag: '13' })).map((r) => [r.digest, r.lastSeen]),
      [['sha256:b', t(5).toISOString()]],
    );
    assert.deepEqual(await compiled.monitor.watches(), await store.monitor.watches());
  });
});
