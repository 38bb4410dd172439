import type { AdvisoryDatabase } from '../ports.ts';
import { fetchAdvisoryBytes } from './fetch.ts';
import { defaultImportLimits, type ImportResult, importInto } from './import.ts';

/** osv.dev's public bucket: `<base>/<Ecosystem>/all.zip`. Air-gapped sites point `--mirror` at their copy. */
export const defaultOsvMirror = 'https://osv-vulnerabilities.storage.googleapis.com';

/** The ecosystems `db update` fetches unless configured otherwise. */
export const defaultEcosystems: readonly string[] = ['Alpine', 'Debian', 'Go', 'Maven', 'npm', 'PyPI'];

export interface FeedUpdate {
  readonly ecosystem: string;
  readonly url: string;
  readonly status: 'updated' | 'not-modified';
  readonly result?: ImportResult;
}

export function feedUrl(mirror: string, ecosystem: string): string {
  return `${mirror.replace(/\/+$/, '')}/${encodeURIComponent(ecosystem)}/all.zip`;
}

/**
 * Fetches each ecosystem's archive with If-None-Match/If-Modified-Since from the last response;
 * each archive is imported in its own transaction together with its new validators.
 */
export async function updateFeeds(
  db: AdvisoryDatabase,
  options: { mirror?: string; ecosystems?: readonly string[]; skipInvalid?: boolean; timeoutMs?: number } = {},
): Promise<FeedUpdate[]> {
  const updates: FeedUpdate[] = [];
  for (const ecosystem of options.ecosystems ?? defaultEcosystems) {
    const url = feedUrl(options.mirror ?? defaultOsvMirror, ecosystem);
    const previous = await db.advisories.feed(url);
    const fetched = await fetchAdvisoryBytes(url, {
      ...(previous?.etag ? { etag: previous.etag } : {}),
      ...(previous?.lastModified ? { lastModified: previous.lastModified } : {}),
      maxBytes: defaultImportLimits.maxArchiveBytes,
      timeoutMs: options.timeoutMs ?? defaultImportLimits.timeoutMs,
    });
    if (fetched.status === 'not-modified') {
      updates.push({ ecosystem, url, status: 'not-modified' });
      continue;
    }
    const result = await db.transaction(async (tx) => {
      const r = await importInto(tx.advisories, [{ kind: 'bytes', name: url, bytes: fetched.bytes }], {
        ...(options.skipInvalid ? { skipInvalid: true } : {}),
      });
      await tx.advisories.saveFeed({
        url,
        ...(fetched.etag ? { etag: fetched.etag } : {}),
        ...(fetched.lastModified ? { lastModified: fetched.lastModified } : {}),
        checkedAt: new Date(),
        records: r.records,
      });
      return r;
    });
    updates.push({ ecosystem, url, status: 'updated', result });
  }
  return updates;
}
