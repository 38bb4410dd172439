/**
 * Zip writers for tests: archives built in memory from the entries given, so readers are tested on
 * exact bytes, including hostile ones (sizes and CRCs that lie, records that share or overlap data).
 */
import { crc32, deflateRawSync } from 'node:zlib';

interface Record {
  readonly name: Buffer;
  readonly method: number;
  readonly crc: number;
  readonly compressedSize: number;
  readonly size: number;
}

function localHeader(r: Record): Buffer {
  const local = Buffer.alloc(30);
  local.writeUInt32LE(0x04034b50, 0);
  local.writeUInt16LE(r.method, 8);
  local.writeUInt32LE(r.crc, 14);
  local.writeUInt32LE(r.compressedSize, 18);
  local.writeUInt32LE(r.size, 22);
  local.writeUInt16LE(r.name.length, 26);
  return Buffer.concat([local, r.name]);
}

function centralHeader(r: Record, offset: number): Buffer {
  const central = Buffer.alloc(46);
  central.writeUInt32LE(0x02014b50, 0);
  central.writeUInt16LE(r.method, 10);
  central.writeUInt32LE(r.crc, 16);
  central.writeUInt32LE(r.compressedSize, 20);
  central.writeUInt32LE(r.size, 24);
  central.writeUInt16LE(r.name.length, 28);
  central.writeUInt32LE(offset, 42);
  return Buffer.concat([central, r.name]);
}

/** Entry data, then the central directory (one record per header given) and its end record. */
function archive(body: readonly Uint8Array[], centrals: readonly Buffer[]): Uint8Array {
  const data = Buffer.concat(body);
  const cd = Buffer.concat(centrals);
  const eocd = Buffer.alloc(22);
  eocd.writeUInt32LE(0x06054b50, 0);
  eocd.writeUInt16LE(Math.min(centrals.length, 0xffff), 8);
  eocd.writeUInt16LE(Math.min(centrals.length, 0xffff), 10);
  eocd.writeUInt32LE(cd.length, 12);
  eocd.writeUInt32LE(data.length, 16);
  return Buffer.concat([data, cd, eocd]);
}

/** A minimal zip writer for hostile cases: entries as given, with sizes and CRC we may lie about. */
export function makeZip(
  files: {
    name: string;
    data: Uint8Array;
    method?: 0 | 8;
    /** `data` already deflated (method 8), to repeat one large entry without compressing it each time. */
    deflated?: Uint8Array;
    declaredSize?: number;
    crc?: number;
  }[],
): Uint8Array {
  const body: Uint8Array[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const f of files) {
    const method = f.method ?? 8;
    const data = method === 8 ? (f.deflated ?? deflateRawSync(f.data)) : Buffer.from(f.data);
    const r: Record = {
      name: Buffer.from(f.name),
      method,
      crc: f.crc ?? crc32(f.data),
      compressedSize: data.length,
      size: f.declaredSize ?? f.data.length,
    };
    const local = localHeader(r);
    body.push(local, data);
    centrals.push(centralHeader(r, offset));
    offset += local.length + data.length;
  }
  return archive(body, centrals);
}

/** A stored (uncompressed) zip of the given files, e.g. to turn corpus folders into jars. */
export function storedZip(files: readonly { name: string; data: Uint8Array }[]): Uint8Array {
  return makeZip(files.map((f) => ({ name: f.name, data: f.data, method: 0 })));
}

/**
 * One entry's data written once, listed in the central directory under every name given, each
 * record pointing at the same local header (the first name's). `deflated` is the data compressed
 * by the caller (method 8); without it the entry is stored.
 */
export function aliasedZip(entry: { data: Uint8Array; deflated?: Uint8Array }, names: readonly string[]): Uint8Array {
  const stored = entry.deflated ?? entry.data;
  const record = (name: string): Record => ({
    name: Buffer.from(name),
    method: entry.deflated ? 8 : 0,
    crc: crc32(entry.data),
    compressedSize: stored.length,
    size: entry.data.length,
  });
  return archive(
    [localHeader(record(names[0] ?? '')), stored],
    names.map((n) => centralHeader(record(n), 0)),
  );
}

/**
 * Overlapping entries (David Fifield's "better zip bomb" construction): the last entry is `payload`
 * deflated; every entry before it is a deflate stream that quotes the next entry's local header in a
 * stored block and goes on with the next entry's own stream. Each entry inflates to the payload plus
 * the headers after it, all from the one compressed copy of the payload.
 */
export function overlappingZip(names: readonly string[], payload: Uint8Array): Uint8Array {
  const locals: Buffer[] = [];
  const records: Record[] = [];
  let data = deflateRawSync(payload);
  let size = payload.length;
  for (let i = names.length - 1; i >= 0; i--) {
    // the inflated text is the local headers after this one, then the payload
    let crc = 0;
    for (const later of locals) crc = crc32(later, crc);
    const record: Record = {
      name: Buffer.from(names[i] as string),
      method: 8,
      crc: crc32(payload, crc),
      compressedSize: data.length,
      size,
    };
    const local = localHeader(record);
    records.unshift(record);
    locals.unshift(local);
    if (i > 0) {
      const quote = Buffer.from([
        0,
        local.length & 0xff,
        local.length >> 8,
        ~local.length & 0xff,
        (~local.length >> 8) & 0xff,
      ]);
      data = Buffer.concat([quote, local, data]);
      size += local.length;
    }
  }
  let offset = 0;
  const centrals = records.map((record, i) => {
    const central = centralHeader(record, offset);
    offset += (locals[i] as Buffer).length + 5;
    return central;
  });
  return archive([locals[0] as Buffer, data], centrals);
}
