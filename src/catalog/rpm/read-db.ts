import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';

const NDB_HEADER_MAGIC = 0x506d7052; // 'RpmP' little-endian
const NDB_SLOT_MAGIC = 0x746f6c53; // 'Slot'
const NDB_BLOB_MAGIC = 0x53626c42; // 'BlbS'
const NDB_BLOCK = 16;
const NDB_SLOTS_PER_PAGE = 4096 / 16;
const maxBlobs = 1 << 20;

/**
 * rpm's ndb backend (`Packages.db`, SUSE): a header, slot pages naming each package's block
 * offset, and blobs `BlbS` + index + checksum + length + header blob. Little-endian throughout.
 */
export function readNdbBlobs(bytes: Uint8Array): Uint8Array[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length < 32 || view.getUint32(0, true) !== NDB_HEADER_MAGIC) throw new Error('not an rpm ndb database');
  const version = view.getUint32(4, true);
  const pages = view.getUint32(12, true);
  if (version !== 0 || pages === 0) throw new Error(`unsupported ndb version ${version} or no slot pages`);
  // the 32-byte header takes the place of the first two slots
  const slotCount = Math.min(pages * NDB_SLOTS_PER_PAGE - 2, maxBlobs);
  const blobs: Uint8Array[] = [];
  for (let i = 0; i < slotCount; i++) {
    const at = 32 + i * 16;
    if (at + 16 > bytes.length) break;
    if (view.getUint32(at, true) !== NDB_SLOT_MAGIC) throw new Error(`ndb slot ${i} is corrupt`);
    const pkgIndex = view.getUint32(at + 4, true);
    if (pkgIndex === 0) continue;
    const offset = view.getUint32(at + 8, true) * NDB_BLOCK;
    if (offset + 16 > bytes.length || view.getUint32(offset, true) !== NDB_BLOB_MAGIC) {
      throw new Error(`ndb blob of package ${pkgIndex} is corrupt`);
    }
    const len = view.getUint32(offset + 12, true);
    if (offset + 16 + len > bytes.length) throw new Error(`ndb blob of package ${pkgIndex} overruns the file`);
    blobs.push(bytes.subarray(offset + 16, offset + 16 + len));
  }
  return blobs;
}

/** More package records than any real system has (RHEL with everything installed: ~5000). */
const maxSqlitePackages = 100_000;

/**
 * rpm's sqlite backend (`rpmdb.sqlite`): table Packages(hnum, blob). node:sqlite opens files only,
 * so the captured bytes go to a private temporary file, opened read-only and removed afterwards.
 * node:sqlite is synchronous and cannot be interrupted, so only what is stored is read: Packages
 * must be a real table (not a view, whose query can run for ever, nor a virtual table) whose
 * columns are not computed, and at most `maxSqlitePackages` rows are read.
 */
export function readSqliteBlobs(bytes: Uint8Array, problems: string[] = []): Uint8Array[] {
  const dir = mkdtempSync(join(tmpdir(), 'sgci-rpmdb-'));
  const file = join(dir, 'rpmdb.sqlite');
  try {
    writeFileSync(file, bytes, { mode: 0o600 });
    const db = new DatabaseSync(file, { readOnly: true });
    try {
      assertStoredPackagesTable(db);
      const blobs: Uint8Array[] = [];
      const rows = db.prepare('SELECT blob FROM Packages ORDER BY hnum LIMIT ?').iterate(maxSqlitePackages + 1);
      for (const row of rows) {
        if (blobs.length === maxSqlitePackages) {
          problems.push(`more than ${maxSqlitePackages} package records: the rest not read`);
          break;
        }
        const blob = (row as { blob?: unknown }).blob;
        if (blob instanceof Uint8Array) blobs.push(blob);
      }
      return blobs;
    } finally {
      db.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function assertStoredPackagesTable(db: DatabaseSync): void {
  const schema = db.prepare("SELECT type, sql FROM sqlite_master WHERE name = 'Packages' COLLATE NOCASE").get() as
    | { type?: unknown; sql?: unknown }
    | undefined;
  if (!schema) throw new Error('no Packages table');
  if (schema.type !== 'table') throw new Error(`Packages is a ${String(schema.type)}, not a table: not read`);
  if (typeof schema.sql !== 'string' || !/^\s*CREATE\s+TABLE\b/i.test(schema.sql)) {
    throw new Error('Packages is a virtual table, not a stored one: not read');
  }
  const columns = db.prepare('PRAGMA table_xinfo(Packages)').all() as { name?: unknown; hidden?: unknown }[];
  for (const name of ['hnum', 'blob']) {
    const column = columns.find((c) => typeof c.name === 'string' && c.name.toLowerCase() === name);
    if (!column) throw new Error(`Packages has no column ${name}`);
    if (column.hidden !== 0) throw new Error(`Packages column ${name} is computed, not stored: not read`);
  }
}
