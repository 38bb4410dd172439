import { decodeName, parseGoInt, parsePaxTime } from './tar-fields.ts';

/**
 * PAX extended header records as Go's archive/tar reads them (`parsePAX`, `mergePAX`): what a
 * runtime applies is what we apply, and a record it rejects makes us refuse the layer too.
 */

/** The records of one `x` or `g` header, last value per key (Go keeps them in a map). */
/** Why a numeric or time record is refused, naming its start (bounded: a record may be megabytes). */
function badRecord(key: string, value: Uint8Array): string {
  return `bad ${key} record ${JSON.stringify(Buffer.from(value.subarray(0, 40)).toString('latin1'))}`;
}

export type PaxRecords = Map<string, Uint8Array>;

/** What the records of an `x` header set on the entry that follows. */
export interface PaxOverrides {
  path?: string;
  linkpath?: string;
  size?: number;
  uid?: number;
  gid?: number;
  mtime?: number;
  xattrs?: Record<string, Uint8Array>;
}

const xattrPrefix = 'SCHILY.xattr.';
/** Keys whose values Go checks for NUL bytes (the USTAR string fields); other keys must not hold one. */
const stringKeys = new Set(['path', 'linkpath', 'uname', 'gname']);

/** `<length> <key>=<value>\n` records; returns an error text where Go's `parsePAXRecord` fails. */
export function parsePaxRecords(data: Uint8Array): PaxRecords | string {
  const records: PaxRecords = new Map();
  const bytes = Buffer.from(data.buffer, data.byteOffset, data.length);
  let pos = 0;
  while (pos < bytes.length) {
    const space = bytes.indexOf(0x20, pos);
    if (space < 0) return 'a record has no length';
    const length = parseGoInt(bytes.toString('latin1', pos, space));
    if (length === undefined || length < 5 || length > bytes.length - pos || length <= space - pos + 1) {
      return 'a record has a bad length';
    }
    const end = pos + length;
    if (bytes[end - 1] !== 0x0a) return 'a record does not end in a newline';
    const equals = bytes.indexOf(0x3d, space + 1);
    if (equals < 0 || equals >= end - 1) return 'a record has no key=value';
    const keyBytes = bytes.subarray(space + 1, equals);
    const value = bytes.subarray(equals + 1, end - 1);
    if (keyBytes.length === 0) return 'a record has an empty key';
    const key = decodeName(keyBytes);
    if (stringKeys.has(key) ? value.includes(0) : keyBytes.includes(0))
      return `record ${JSON.stringify(key)} holds a NUL byte`;
    records.set(key, value);
    pos = end;
  }
  return records;
}

/**
 * The fields the records set, as Go's `mergePAX` does: an empty value keeps the header's own
 * field, numbers and times must parse or the header is invalid, `SCHILY.xattr.*` are the extended
 * attributes (`LIBARCHIVE.xattr.*` are not: no Go runtime applies them). Returns an error text
 * where Go fails the header.
 */
export function paxOverrides(records: PaxRecords): PaxOverrides | string {
  const out: PaxOverrides = {};
  for (const [key, value] of records) {
    if (value.length === 0) continue;
    switch (key) {
      case 'path':
        out.path = decodeName(value);
        break;
      case 'linkpath':
        out.linkpath = decodeName(value);
        break;
      case 'size':
      case 'uid':
      case 'gid': {
        const n = parseGoInt(Buffer.from(value).toString('latin1'));
        if (n === undefined) return badRecord(key, value);
        out[key] = n;
        break;
      }
      case 'mtime':
      case 'atime':
      case 'ctime': {
        const seconds = parsePaxTime(Buffer.from(value).toString('latin1'));
        if (seconds === undefined) return badRecord(key, value);
        if (key === 'mtime') out.mtime = seconds;
        break;
      }
      default:
        if (key.startsWith(xattrPrefix)) {
          out.xattrs ??= Object.create(null) as Record<string, Uint8Array>;
          out.xattrs[key.slice(xattrPrefix.length)] = Uint8Array.from(value);
        }
    }
  }
  return out;
}

/**
 * Whether Go reads the entry as a GNU sparse file (PAX formats 0.0, 0.1 and 1.0): its bytes are then
 * a map and fragments, not the file. sgci does not expand sparse files, so it refuses them; this
 * errs on the side of refusing (any `GNU.sparse.` record), never of reading a sparse file as plain.
 */
export function isSparse(records: PaxRecords | undefined): boolean {
  if (records === undefined) return false;
  for (const key of records.keys()) if (key.startsWith('GNU.sparse.')) return true;
  return false;
}
