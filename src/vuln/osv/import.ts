import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, jsonDepthExceeded, maxJsonDepth, openZip, SgciError } from '../../core/index.ts';
import type { AdvisoryDatabase, AdvisoryRecord, AdvisoryWriter } from '../ports.ts';
import { fetchAdvisoryBytes } from './fetch.ts';
import { type OsvAffected, type OsvRecord, packageKey } from './record.ts';
import { validateOsv } from './validate.ts';

/** Where advisories come from: a local path (file, directory, zip), a URL, or bytes already fetched. */
export type AdvisorySource =
  | { readonly kind: 'path'; readonly path: string }
  | { readonly kind: 'url'; readonly url: string }
  | { readonly kind: 'bytes'; readonly name: string; readonly bytes: Uint8Array };

export function parseAdvisorySource(input: string): AdvisorySource {
  return /^https?:\/\//i.test(input) ? { kind: 'url', url: input } : { kind: 'path', path: input };
}

export interface ImportLimits {
  /** One JSON file or zip entry. */
  readonly maxRecordBytes: number;
  /** One downloaded or local zip archive. */
  readonly maxArchiveBytes: number;
  readonly timeoutMs: number;
  /**
   * Record JSON held before it is written: a batch ends at this many bytes or 5,000 records, whichever comes
   * first. By count alone, 5,000 records of 16 MiB (a zip whose entries all point at one large record) were
   * held at once.
   */
  readonly maxBatchBytes: number;
}

export const defaultImportLimits: ImportLimits = Object.freeze({
  maxRecordBytes: 16 * 1024 * 1024,
  maxArchiveBytes: 2 * 1024 * 1024 * 1024,
  timeoutMs: 300_000,
  maxBatchBytes: 64 * 1024 * 1024,
});

export interface ImportProblem {
  readonly source: string;
  readonly id?: string;
  readonly message: string;
}

export interface ImportResult {
  /** Valid, non-withdrawn records read. */
  readonly records: number;
  readonly written: number;
  readonly unchanged: number;
  /** Withdrawn records read (never stored; a stored copy is removed). */
  readonly withdrawn: number;
  readonly invalid: readonly ImportProblem[];
}

export interface ImportOptions {
  /** Skip invalid records (listed in the result) instead of failing the whole import. */
  readonly skipInvalid?: boolean;
  readonly limits?: Partial<ImportLimits>;
  readonly now?: Date;
}

/** A JSON text and the name it is reported under (`dir/x.json`, `all.zip!GHSA-….json`). */
interface Document {
  readonly source: string;
  readonly text: string;
}

/** Records written to the database at once, at most (see also `maxBatchBytes`). */
const batchRecords = 5000;
const zipMagic = [0x50, 0x4b, 0x03, 0x04];

function isZip(bytes: Uint8Array): boolean {
  return zipMagic.every((b, i) => bytes[i] === b);
}

function* documentsOfBytes(name: string, bytes: Uint8Array, limits: ImportLimits): Generator<Document> {
  if (!isZip(bytes)) {
    if (bytes.length > limits.maxRecordBytes)
      throw new SgciError('LIMIT_EXCEEDED', name, `file exceeds ${limits.maxRecordBytes} bytes`);
    yield { source: name, text: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8') };
    return;
  }
  const zip = openZip(bytes, name, {
    // osv.dev archives hold one file per record: hundreds of thousands of small entries.
    maxEntries: 2_000_000,
    maxEntryBytes: limits.maxRecordBytes,
    maxTotalBytes: limits.maxArchiveBytes * 8,
  });
  const entries = zip.entries
    .filter((e) => !e.directory && e.name.endsWith('.json'))
    .sort((a, b) => (a.name < b.name ? -1 : 1));
  for (const entry of entries) {
    const content = zip.read(entry);
    yield {
      source: `${name}!${entry.name}`,
      text: Buffer.from(content.buffer, content.byteOffset, content.byteLength).toString('utf8'),
    };
  }
}

function* walkJson(dir: string): Generator<string> {
  const names = readdirSync(dir).sort();
  for (const name of names) {
    if (name.startsWith('.')) continue;
    const path = join(dir, name);
    const stat = statSync(path);
    if (stat.isDirectory()) yield* walkJson(path);
    else if (stat.isFile() && (name.endsWith('.json') || name.endsWith('.zip'))) yield path;
  }
}

function readBounded(path: string, max: number): Uint8Array {
  const size = statSync(path).size;
  if (size > max) throw new SgciError('LIMIT_EXCEEDED', path, `file of ${size} bytes exceeds ${max}`);
  return readFileSync(path);
}

async function* documents(source: AdvisorySource, limits: ImportLimits): AsyncGenerator<Document> {
  if (source.kind === 'bytes') {
    yield* documentsOfBytes(source.name, source.bytes, limits);
    return;
  }
  if (source.kind === 'url') {
    const fetched = await fetchAdvisoryBytes(source.url, {
      maxBytes: limits.maxArchiveBytes,
      timeoutMs: limits.timeoutMs,
    });
    if (fetched.status === 'ok') yield* documentsOfBytes(source.url, fetched.bytes, limits);
    return;
  }
  let stat: ReturnType<typeof statSync>;
  try {
    stat = statSync(source.path);
  } catch (error) {
    throw new SgciError('SOURCE_NOT_FOUND', source.path, `cannot read advisories: ${describe(error)}`, {
      cause: error,
    });
  }
  if (!stat.isDirectory()) {
    yield* documentsOfBytes(source.path, readBounded(source.path, limits.maxArchiveBytes), limits);
    return;
  }
  for (const path of walkJson(source.path)) {
    const name = join(source.path, relative(source.path, path));
    const max = path.endsWith('.zip') ? limits.maxArchiveBytes : limits.maxRecordBytes;
    yield* documentsOfBytes(name, readBounded(path, max), limits);
  }
}

/** Records in one document: a single OSV object, an array of them, or an osv.dev API answer `{vulns: [...]}`. */
function recordsOf(doc: Document): { value: unknown; problem?: string }[] {
  // Stored records are serialised again (JSON.stringify recurses): a document nested 100k deep is invalid here.
  if (jsonDepthExceeded(doc.text) !== undefined)
    return [{ value: undefined, problem: `nests deeper than ${maxJsonDepth} levels` }];
  let parsed: unknown;
  try {
    parsed = JSON.parse(doc.text);
  } catch (error) {
    return [{ value: undefined, problem: `not JSON: ${describe(error)}` }];
  }
  if (Array.isArray(parsed)) return parsed.map((value) => ({ value }));
  if (parsed && typeof parsed === 'object' && Array.isArray((parsed as { vulns?: unknown }).vulns))
    return (parsed as { vulns: unknown[] }).vulns.map((value) => ({ value }));
  return [{ value: parsed }];
}

function toAdvisoryRecord(record: OsvRecord, source: string): AdvisoryRecord {
  const packages = new Map<string, { ecosystem: string; name: string; affected: OsvAffected[] }>();
  for (const affected of record.affected ?? []) {
    if (!affected.package) continue;
    const { ecosystem, name } = affected.package;
    const key = packageKey(ecosystem, name);
    const id = `${ecosystem}\u0000${key}`;
    const entry = packages.get(id) ?? { ecosystem, name: key, affected: [] };
    entry.affected.push(affected);
    packages.set(id, entry);
  }
  return {
    id: record.id,
    modified: record.modified,
    ...(record.published ? { published: record.published } : {}),
    source,
    raw: record as unknown as Record<string, unknown>,
    packages: [...packages.values()],
  };
}

/**
 * Reads, validates and stores advisories from every source inside one transaction: when anything fails
 * (an unreadable source, an invalid record without `skipInvalid`), the database keeps its previous content.
 */
export async function importAdvisories(
  db: AdvisoryDatabase,
  sources: readonly AdvisorySource[],
  options: ImportOptions = {},
): Promise<ImportResult> {
  return db.transaction((tx) => importInto(tx.advisories, sources, options));
}

/** The body of importAdvisories, for callers that already hold a transaction (`db update`). */
export async function importInto(
  advisories: AdvisoryWriter,
  sources: readonly AdvisorySource[],
  options: ImportOptions = {},
): Promise<ImportResult> {
  const limits: ImportLimits = { ...defaultImportLimits, ...options.limits };
  const startedAt = options.now ?? new Date();
  const invalid: ImportProblem[] = [];
  const withdrawnIds: string[] = [];
  let batch: AdvisoryRecord[] = [];
  let batchSize = 0;
  let records = 0;
  let written = 0;
  let unchanged = 0;
  const flush = async () => {
    if (batch.length === 0) return;
    const result = await advisories.upsert(batch, startedAt);
    written += result.written;
    unchanged += result.unchanged;
    batch = [];
    batchSize = 0;
  };
  for (const source of sources) {
    for await (const doc of documents(source, limits)) {
      const values = recordsOf(doc);
      // A record's share of its document's JSON: exact for the usual one record per file.
      const recordBytes = Math.ceil(doc.text.length / Math.max(1, values.length));
      for (const { value, problem } of values) {
        const id = value && typeof value === 'object' ? (value as { id?: unknown }).id : undefined;
        const problems = problem ? [problem] : validateOsv(value);
        if (problems.length > 0) {
          invalid.push({ source: doc.source, ...(typeof id === 'string' ? { id } : {}), message: problems.join('; ') });
          continue;
        }
        const record = value as OsvRecord;
        if (record.withdrawn) {
          withdrawnIds.push(record.id);
          continue;
        }
        records++;
        batch.push(toAdvisoryRecord(record, doc.source));
        batchSize += recordBytes;
        if (batch.length >= batchRecords || batchSize >= limits.maxBatchBytes) await flush();
      }
    }
  }
  if (invalid.length > 0 && !options.skipInvalid) {
    const shown = invalid.slice(0, 20).map((p) => `  ${p.source}${p.id ? ` (${p.id})` : ''}: ${p.message}`);
    const more = invalid.length > shown.length ? [`  … and ${invalid.length - shown.length} more`] : [];
    throw new SgciError(
      'ADVISORY_INVALID',
      invalid[0]?.source ?? '',
      `${invalid.length} invalid OSV record(s); nothing was imported (use --skip-invalid to import the rest):\n${[...shown, ...more].join('\n')}`,
    );
  }
  await flush();
  await advisories.remove(withdrawnIds);
  const finishedAt = new Date(Math.max(Date.now(), startedAt.getTime()));
  await advisories.recordImport({
    source: sources.map((s) => (s.kind === 'path' ? s.path : s.kind === 'url' ? s.url : s.name)).join(' '),
    startedAt,
    finishedAt,
    records,
    withdrawn: withdrawnIds.length,
    unchanged,
  });
  return { records, written, unchanged, withdrawn: withdrawnIds.length, invalid };
}
