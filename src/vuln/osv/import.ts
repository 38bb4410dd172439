import { closeSync, openSync, readdirSync, readFileSync, readSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { describe, jsonDepthExceeded, maxJsonDepth, openZip, SgciError } from '../../core/index.ts';
import { severityRowsOf } from '../match/severity.ts';
import { looksLikeNvdFeed, nvdFeedItems } from '../nvd/feed.ts';
import { cveSeverityOf, isNvdDocument } from '../nvd/record.ts';
import type { AdvisoryDatabase, AdvisoryRecord, AdvisoryWriter, SeverityRow } from '../ports.ts';
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
  /** One NVD CVE JSON 2.0 document (a yearly feed is hundreds of MB), read as bytes and split per CVE. */
  readonly maxFeedBytes: number;
}

export const defaultImportLimits: ImportLimits = Object.freeze({
  maxRecordBytes: 16 * 1024 * 1024,
  maxArchiveBytes: 2 * 1024 * 1024 * 1024,
  timeoutMs: 300_000,
  maxBatchBytes: 64 * 1024 * 1024,
  maxFeedBytes: 1024 * 1024 * 1024,
});

export interface ImportProblem {
  readonly source: string;
  readonly id?: string;
  readonly message: string;
}

export interface ImportResult {
  /** Valid, non-withdrawn records read: OSV advisories and NVD CVE records that rate their CVE. */
  readonly records: number;
  /** Of `records`, NVD CVE records (severities for CVEs no advisory rates). */
  readonly cves: number;
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

/**
 * A JSON text and the name it is reported under (`dir/x.json`, `all.zip!GHSA-….json`): a whole document, or one
 * `vulnerabilities[]` item of an NVD document that was split without parsing it whole.
 */
interface Document {
  readonly source: string;
  readonly text: string;
  readonly kind: 'document' | 'nvd-item';
}

/** Records written to the database at once, at most (see also `maxBatchBytes`). */
const batchRecords = 5000;
const zipMagic = [0x50, 0x4b, 0x03, 0x04];
/** NVD's feed files: `nvdcve-2.0-2024.json` (also inside `.json.zip`, `.json.gz`). */
const nvdFeedName = /(?:^|[/!])nvdcve-[^/]*\.json$/;

function isZip(bytes: Uint8Array): boolean {
  return zipMagic.every((b, i) => bytes[i] === b);
}

function isGzip(bytes: Uint8Array): boolean {
  return bytes[0] === 0x1f && bytes[1] === 0x8b;
}

function gunzipBounded(name: string, bytes: Uint8Array, max: number): Uint8Array {
  try {
    return gunzipSync(bytes, { maxOutputLength: max });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE')
      throw new SgciError('LIMIT_EXCEEDED', name, `decompresses to more than ${max} bytes`);
    throw new SgciError('ADVISORY_INVALID', name, `not a readable gzip file: ${describe(error)}`, { cause: error });
  }
}

function* documentsOfBytes(name: string, bytes: Uint8Array, limits: ImportLimits): Generator<Document> {
  if (isGzip(bytes)) {
    yield* jsonDocuments(name, gunzipBounded(name, bytes, limits.maxFeedBytes), limits);
    return;
  }
  if (!isZip(bytes)) {
    yield* jsonDocuments(name, bytes, limits);
    return;
  }
  const zip = openZip(bytes, name, {
    // osv.dev archives hold one file per record: hundreds of thousands of small entries. NVD's yearly feed is
    // one large entry; any other entry past the record bound is refused before it is inflated.
    maxEntries: 2_000_000,
    maxEntryBytes: Math.max(limits.maxRecordBytes, limits.maxFeedBytes),
    maxTotalBytes: limits.maxArchiveBytes * 8,
  });
  const entries = zip.entries
    .filter((e) => !e.directory && e.name.endsWith('.json'))
    .sort((a, b) => (a.name < b.name ? -1 : 1));
  for (const entry of entries) {
    const source = `${name}!${entry.name}`;
    if (entry.size > limits.maxRecordBytes && !nvdFeedName.test(source))
      throw new SgciError(
        'LIMIT_EXCEEDED',
        source,
        `zip entry of ${entry.size} bytes exceeds ${limits.maxRecordBytes}`,
      );
    yield* jsonDocuments(source, zip.read(entry), limits);
  }
}

/** One JSON file: an NVD document is split into its CVE items; anything else is one document of bounded size. */
function* jsonDocuments(source: string, bytes: Uint8Array, limits: ImportLimits): Generator<Document> {
  if (looksLikeNvdFeed(bytes)) {
    if (bytes.length > limits.maxFeedBytes)
      throw new SgciError(
        'LIMIT_EXCEEDED',
        source,
        `NVD document of ${bytes.length} bytes exceeds ${limits.maxFeedBytes}`,
      );
    for (const text of nvdFeedItems(bytes, source, limits.maxRecordBytes)) yield { source, text, kind: 'nvd-item' };
    return;
  }
  if (bytes.length > limits.maxRecordBytes)
    throw new SgciError('LIMIT_EXCEEDED', source, `file of ${bytes.length} bytes exceeds ${limits.maxRecordBytes}`);
  yield {
    source,
    text: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8'),
    kind: 'document',
  };
}

function* walkJson(dir: string): Generator<string> {
  const names = readdirSync(dir).sort();
  for (const name of names) {
    if (name.startsWith('.')) continue;
    const path = join(dir, name);
    const stat = statSync(path);
    if (stat.isDirectory()) yield* walkJson(path);
    else if (stat.isFile() && /\.(?:json|zip|json\.gz)$/.test(name)) yield path;
  }
}

function readBounded(path: string, max: number): Uint8Array {
  const size = statSync(path).size;
  if (size > max) throw new SgciError('LIMIT_EXCEEDED', path, `file of ${size} bytes exceeds ${max}`);
  return readFileSync(path);
}

/** The bound of a file found in a directory: archives and NVD documents (known by their head) have their own. */
function boundOf(path: string, limits: ImportLimits): number {
  if (/\.(?:zip|gz)$/.test(path)) return limits.maxArchiveBytes;
  const size = statSync(path).size;
  return size > limits.maxRecordBytes && looksLikeNvdFeed(readHead(path)) ? limits.maxFeedBytes : limits.maxRecordBytes;
}

function readHead(path: string): Uint8Array {
  const head = Buffer.alloc(4096);
  const fd = openSync(path, 'r');
  try {
    return head.subarray(0, readSync(fd, head, 0, head.length, 0));
  } finally {
    closeSync(fd);
  }
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
    yield* documentsOfBytes(name, readBounded(path, boundOf(path, limits)), limits);
  }
}

/** A record to validate: an OSV record, or an item of an NVD document (`{cve: …}`). */
interface Candidate {
  readonly value: unknown;
  readonly nvd?: boolean;
  readonly problem?: string;
}

/**
 * Records in one document: a single OSV object, an array of them, an osv.dev API answer `{vulns: [...]}`, or an
 * NVD CVE JSON 2.0 document or item.
 */
function recordsOf(doc: Document): Candidate[] {
  // Stored records are serialised again (JSON.stringify recurses): a document nested 100k deep is invalid here.
  if (jsonDepthExceeded(doc.text) !== undefined)
    return [{ value: undefined, problem: `nests deeper than ${maxJsonDepth} levels` }];
  let parsed: unknown;
  try {
    parsed = JSON.parse(doc.text);
  } catch (error) {
    return [{ value: undefined, problem: `not JSON: ${describe(error)}` }];
  }
  if (doc.kind === 'nvd-item') return [{ value: parsed, nvd: true }];
  if (isNvdDocument(parsed)) return parsed.vulnerabilities.map((value) => ({ value, nvd: true }));
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
  /** The severity rows of the advisories in `batch`: written after them, as part of them. */
  let batchRows: SeverityRow[] = [];
  /** NVD's rows: each one a record of its own. */
  let cveRows: SeverityRow[] = [];
  let records = 0;
  let cves = 0;
  let written = 0;
  let unchanged = 0;
  const flush = async () => {
    if (batch.length > 0) {
      const result = await advisories.upsert(batch, startedAt);
      written += result.written;
      unchanged += result.unchanged;
      await advisories.upsertSeverities(batchRows);
      batch = [];
      batchRows = [];
      batchSize = 0;
    }
    if (cveRows.length > 0) {
      const result = await advisories.upsertSeverities(cveRows);
      written += result.written;
      unchanged += result.unchanged;
      cveRows = [];
    }
  };
  for (const source of sources) {
    for await (const doc of documents(source, limits)) {
      const values = recordsOf(doc);
      // A record's share of its document's JSON: exact for the usual one record per file.
      const recordBytes = Math.ceil(doc.text.length / Math.max(1, values.length));
      for (const { value, problem, nvd } of values) {
        if (nvd && !problem) {
          const verdict = cveSeverityOf(value);
          if (verdict.kind === 'invalid')
            invalid.push({ source: doc.source, ...(verdict.id ? { id: verdict.id } : {}), message: verdict.problem });
          if (verdict.kind !== 'severity') continue;
          records++;
          cves++;
          cveRows.push(verdict.row);
          if (cveRows.length >= batchRecords) await flush();
          continue;
        }
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
        for (const row of severityRowsOf(record)) batchRows.push(row);
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
      `${invalid.length} invalid OSV or NVD record(s); nothing was imported (use --skip-invalid to import the rest):\n${[...shown, ...more].join('\n')}`,
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
  return { records, cves, written, unchanged, withdrawn: withdrawnIds.length, invalid };
}
