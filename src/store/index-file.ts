import { rename, rm, stat } from 'node:fs/promises';
import { sql } from 'kysely';
import { describe, SgciError } from '../core/index.ts';
import type { Feed } from './advisories.ts';
import { openStore, type Store, type StoreRepositories } from './store.ts';

/** Records copied per round between two stores. */
const pageSize = 2000;

export interface IndexExport {
  readonly advisories: number;
  readonly bytes: number;
}

export interface IndexInstall {
  /** Advisories in the index. */
  readonly records: number;
  readonly written: number;
  readonly unchanged: number;
  /** Stored advisories the index does not have, removed. */
  readonly removed: number;
}

/** Copies every advisory of `from` into `to` in id order, a page at a time; returns the ids and upsert totals. */
async function copyAdvisories(from: StoreRepositories, to: StoreRepositories, importedAt: Date) {
  const ids = new Set<string>();
  let written = 0;
  let unchanged = 0;
  for (let after: string | undefined; ; ) {
    const page = await from.advisories.page(after, pageSize);
    if (page.length === 0) break;
    const result = await to.advisories.upsert(page, importedAt);
    written += result.written;
    unchanged += result.unchanged;
    for (const record of page) ids.add(record.id);
    after = page[page.length - 1]?.id;
  }
  return { ids, written, unchanged };
}

/** Copies every severity row of `from` (advisories' and NVD's) into `to`, after the advisories they belong to. */
async function copySeverities(from: StoreRepositories, to: StoreRepositories): Promise<void> {
  for (let after: { vulnerabilityId: string; source: string } | undefined; ; ) {
    const page = await from.advisories.severityPage(after, pageSize);
    if (page.length === 0) break;
    await to.advisories.upsertSeverities(page);
    after = page[page.length - 1];
  }
}

/**
 * Writes the advisories of `source` (any engine) with their severity rows (and NVD's), the import total and feed
 * validators, but no VEX statement, as one compact SQLite file: the prebuilt index `db update --index` installs. Written beside `file`
 * and renamed into place, so a reader never sees half an index.
 */
export async function exportIndex(source: Store, file: string, now = new Date()): Promise<IndexExport> {
  const temp = `${file}.${process.pid}.tmp`;
  const removeTemp = () => Promise.all(['', '-wal', '-shm'].map((suffix) => rm(`${temp}${suffix}`, { force: true })));
  await removeTemp();
  try {
    let advisories = 0;
    {
      await using index = await openStore({ file: temp });
      // one transaction on each side: the index is all or nothing, and a SQLite source is read as one snapshot
      await index.transaction((tx) =>
        source.transaction(async (from) => {
          advisories = (await copyAdvisories(from, tx, now)).ids.size;
          await copySeverities(from, tx);
          for (const feed of await from.advisories.feeds())
            await tx.advisories.saveFeed({ ...feed, checkedAt: new Date(feed.checkedAt) });
          await tx.advisories.recordImport({
            source: `export of ${source.location}`,
            startedAt: now,
            finishedAt: new Date(Math.max(Date.now(), now.getTime())),
            records: advisories,
            withdrawn: 0,
            unchanged: 0,
          });
        }),
      );
      // compact, and one file with no write-ahead log beside it: what is signed is all there is
      await sql`vacuum`.execute(index.db);
      await sql`pragma journal_mode = delete`.execute(index.db);
    }
    await rename(temp, file);
    return { advisories, bytes: (await stat(file)).size };
  } catch (error) {
    await removeTemp();
    if (error instanceof SgciError) throw error;
    throw new SgciError('DATABASE_ERROR', file, `cannot write the index: ${describe(error)}`, { cause: error });
  }
}

/**
 * Makes the advisories (and severity rows) of `target` those of a prebuilt index file, in one transaction: every
 * record of the index is upserted (a stored record as new or newer is kept, so installing the same index twice writes nothing) and
 * stored advisories the index lacks are removed. VEX statements stay. The feed validators of mirrors are
 * forgotten (they described the replaced set); the index's own are kept for the next conditional request.
 * `file` must be a private copy whose signature the caller verified: it is migrated in place if an older sgci
 * built it.
 */
export async function installIndex(target: Store, file: string, feed: Feed, now = new Date()): Promise<IndexInstall> {
  let index: Store;
  try {
    index = await openStore({ file });
    await index.advisories.count();
  } catch (error) {
    throw new SgciError('DATABASE_ERROR', feed.url, `not an sgci advisory index: ${describe(error)}`, {
      cause: error,
    });
  }
  await using _ = index;
  return await target.transaction(async (tx) => {
    const copied = await copyAdvisories(index, tx, now);
    const removed = await tx.advisories.remove((await tx.advisories.ids()).filter((id) => !copied.ids.has(id)));
    // NVD's ratings are the index's too; advisories' rows went with the advisories removed above
    await tx.advisories.removeNvdSeverities();
    await copySeverities(index, tx);
    await tx.advisories.removeFeeds();
    await tx.advisories.saveFeed({ ...feed, checkedAt: now, records: copied.ids.size });
    await tx.advisories.recordImport({
      source: feed.url,
      startedAt: now,
      finishedAt: new Date(Math.max(Date.now(), now.getTime())),
      records: copied.ids.size,
      withdrawn: removed,
      unchanged: copied.unchanged,
    });
    return { records: copied.ids.size, written: copied.written, unchanged: copied.unchanged, removed };
  });
}
