import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { defaultLimits, isSgciError } from '../../core/index.ts';
import { dpkgDebAvailable, makeDeb } from '../testing.ts';
import { ExpandedDebCache } from './expanded-cache.ts';
import { expandDeb, readDeb } from './read-deb.ts';
import { DebWorkers, readDebs, readEachDeb } from './read-debs.ts';

const skip = dpkgDebAvailable ? false : 'dpkg-deb is not installed (apt-get install dpkg)';

test('packages read in worker threads come back in the order asked, equal to reading them here', {
  skip,
  timeout: 120_000,
}, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sgci-debs-'));
  // past the size below which the workers are not worth starting
  const big = makeDeb(dir, {
    name: 'big',
    compression: 'gzip',
    files: [{ path: 'usr/share/big', content: randomBytes(9 << 20) }],
  });
  const small = makeDeb(dir, { name: 'small', files: [{ path: 'etc/small', content: 'small\n' }] });
  const items = [small, big].map((p) => ({ path: p.debPath, input: p.name, sha256: p.sha256 }));
  const [first, second] = await readDebs(items, defaultLimits);
  assert.deepEqual(first, await readDeb(small.debPath, 'small', defaultLimits));
  const here = await readDeb(big.debPath, 'big', defaultLimits);
  assert.deepEqual(second?.control, here.control);
  const content = second?.entries.find((e) => e.header.path === './usr/share/big')?.content;
  assert.ok(Buffer.isBuffer(content));
  assert.ok(content.equals(here.entries.find((e) => e.header.path === './usr/share/big')?.content ?? Buffer.alloc(0)));

  // through the expanded cache: opened in the workers and stored, then read back from it, equal either way
  const cache = new ExpandedDebCache(mkdtempSync(join(tmpdir(), 'sgci-expanded-')));
  const stored = await readDebs(items, defaultLimits, cache);
  assert.deepEqual(await cache.get(big.sha256, defaultLimits), await expandDeb(big.debPath, 'big', defaultLimits));
  assert.deepEqual(await readDebs(items, defaultLimits, cache), stored);
  assert.deepEqual(stored[0], first);

  const cut = join(dir, 'cut.deb');
  writeFileSync(cut, readFileSync(big.debPath).subarray(0, 5 << 20));
  await assert.rejects(
    readDebs([...items, { path: cut, input: 'cut.deb' }], defaultLimits),
    (e) => isSgciError(e, 'ARCHIVE_INVALID') && e.message.startsWith('cut.deb: '),
  );
  // a worker checks the bytes it reads against the index's sha256 before parsing any
  await assert.rejects(
    readDebs(
      [
        { path: small.debPath, input: 'small', sha256: small.sha256 },
        { path: big.debPath, input: 'big', sha256: small.sha256 },
      ],
      defaultLimits,
    ),
    (e) => isSgciError(e, 'DIGEST_MISMATCH') && e.message.startsWith('big: sha256 '),
  );
});

for (const threads of [1, 0])
  test(`packages opened as they arrive, on ${threads === 0 ? 'this thread' : 'fewer threads than asked for'}, are the packages readDebs reads and go into the cache`, {
    skip,
  }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sgci-debs-'));
    const debs = ['a', 'b', 'c'].map((name) =>
      makeDeb(dir, { name, files: [{ path: `etc/${name}`, content: `${name}\n` }] }),
    );
    const items = debs.map((p) => ({ path: p.debPath, input: p.name, sha256: p.sha256 }));
    const cache = new ExpandedDebCache(mkdtempSync(join(tmpdir(), 'sgci-expanded-')));
    const spans: number[] = [];
    {
      await using workers = new DebWorkers(defaultLimits, threads, (start, end) => spans.push(end - start));
      const opened = new Map(items.map((item) => [item.sha256, workers.open(item)]));
      // a forged file is refused by its sha256, naming it; the queue goes on
      const forged = workers.open({ ...items[0], input: 'forged', sha256: debs[1]?.sha256 } as (typeof items)[0]);
      await assert.rejects(forged, (e) => isSgciError(e, 'DIGEST_MISMATCH') && e.message.startsWith('forged: sha256 '));
      const read = await Promise.all(readEachDeb(items, defaultLimits, { cache, opened }));
      assert.deepEqual(read, await readDebs(items, defaultLimits));
    }
    assert.equal(spans.length, items.length, 'each package opened is reported once');
    for (const p of debs) assert.ok(await cache.holds(p.sha256), `${p.name} stored`);
  });
