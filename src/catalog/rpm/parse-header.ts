/** The fields of an rpm header (the package database's per-package blob) that sgci reports. */
export interface RpmHeader {
  readonly name: string;
  readonly version: string;
  readonly release: string;
  readonly epoch?: number;
  readonly arch?: string;
  readonly sourceRpm?: string;
  readonly license?: string;
  readonly vendor?: string;
  readonly size?: number;
  readonly modularityLabel?: string;
  readonly files: readonly { path: string; digest?: string }[];
  /** The installed regular files whose content rpm -V checks against a recorded digest. */
  readonly verifiable: readonly RpmFileDigest[];
  readonly provides: readonly string[];
  readonly requires: readonly string[];
}

/** A file digest as the header records it, `algorithm` in pgp hash naming (`sha256`). */
export interface RpmFileDigest {
  readonly path: string;
  readonly algorithm: string;
  readonly hex: string;
}

const TAG = {
  name: 1000,
  version: 1001,
  release: 1002,
  epoch: 1003,
  size: 1009,
  vendor: 1011,
  license: 1014,
  arch: 1022,
  fileStates: 1029,
  fileModes: 1030,
  fileDigests: 1035,
  fileFlags: 1037,
  fileVerifyFlags: 1045,
  sourceRpm: 1044,
  provideName: 1047,
  requireName: 1049,
  dirIndexes: 1116,
  baseNames: 1117,
  dirNames: 1118,
  fileDigestAlgo: 5011,
  modularityLabel: 5096,
} as const;

const TYPE = {
  char: 1,
  int8: 2,
  int16: 3,
  int32: 4,
  int64: 5,
  string: 6,
  bin: 7,
  stringArray: 8,
  i18nString: 9,
} as const;
/** rpmfileAttrs, rpmfileState and rpmVerifyAttrs bits this reader needs. */
const RPMFILE_CONFIG = 1;
const RPMFILE_GHOST = 64;
const RPMFILE_STATE_NORMAL = 0;
const RPMVERIFY_FILEDIGEST = 1;
const S_IFMT = 0o170000;
const S_IFREG = 0o100000;
/** Hostile-input bounds: real headers have a few thousand entries and a few MiB of data. */
const maxIndexEntries = 1 << 16;
const maxDataBytes = 64 << 20;

/** RPM's file digest algorithm ids (pgpHashAlgo) to the names used in purls and SBOMs. */
const digestAlgorithms: Record<number, string> = {
  1: 'md5',
  2: 'sha1',
  8: 'sha256',
  9: 'sha384',
  10: 'sha512',
  11: 'sha224',
};

/**
 * Parses a header blob as stored in rpmdb.sqlite and Packages.db: big-endian index count and
 * data length, 16-byte index entries (tag, type, offset, count), then the data store.
 */
export function parseRpmHeader(blob: Uint8Array): RpmHeader {
  if (blob.length < 8) throw new Error('rpm header blob too short');
  const view = new DataView(blob.buffer, blob.byteOffset, blob.byteLength);
  const il = view.getUint32(0);
  const dl = view.getUint32(4);
  if (il > maxIndexEntries || dl > maxDataBytes || 8 + il * 16 + dl > blob.length) {
    throw new Error(`rpm header blob inconsistent (${il} entries, ${dl} data bytes, ${blob.length} bytes)`);
  }
  const dataStart = 8 + il * 16;
  const data = blob.subarray(dataStart, dataStart + dl);
  const dview = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const entries = new Map<number, { type: number; offset: number; count: number }>();
  for (let i = 0; i < il; i++) {
    const at = 8 + i * 16;
    const tag = view.getUint32(at);
    if (!entries.has(tag))
      entries.set(tag, { type: view.getUint32(at + 4), offset: view.getInt32(at + 8), count: view.getUint32(at + 12) });
  }
  const decoder = new TextDecoder('utf-8');
  const strings = (tag: number): string[] => {
    const e = entries.get(tag);
    if (!e || (e.type !== TYPE.string && e.type !== TYPE.stringArray && e.type !== TYPE.i18nString)) return [];
    if (e.offset < 0 || e.offset >= data.length) return [];
    const out: string[] = [];
    let p = e.offset;
    const count = e.type === TYPE.string ? 1 : Math.min(e.count, data.length);
    for (let i = 0; i < count && p < data.length; i++) {
      let end = p;
      while (end < data.length && data[end] !== 0) end++;
      out.push(decoder.decode(data.subarray(p, end)));
      p = end + 1;
    }
    return out;
  };
  const ints = (tag: number): number[] => {
    const e = entries.get(tag);
    if (!e || e.offset < 0) return [];
    const width =
      e.type === TYPE.char || e.type === TYPE.int8
        ? 1
        : e.type === TYPE.int16
          ? 2
          : e.type === TYPE.int32
            ? 4
            : e.type === TYPE.int64
              ? 8
              : 0;
    if (width === 0 || e.offset + e.count * width > data.length) return [];
    const out: number[] = [];
    for (let i = 0; i < e.count; i++) {
      const at = e.offset + i * width;
      out.push(
        width === 1
          ? dview.getUint8(at)
          : width === 2
            ? dview.getUint16(at)
            : width === 4
              ? dview.getUint32(at)
              : Number(dview.getBigUint64(at)),
      );
    }
    return out;
  };
  const one = (tag: number) => strings(tag)[0];
  const name = one(TAG.name);
  const version = one(TAG.version);
  if (!name || version === undefined) throw new Error('rpm header without name or version');
  const baseNames = strings(TAG.baseNames);
  const dirNames = strings(TAG.dirNames);
  const dirIndexes = ints(TAG.dirIndexes);
  const digests = strings(TAG.fileDigests);
  const algo = digestAlgorithms[ints(TAG.fileDigestAlgo)[0] ?? 1] ?? 'md5';
  const files = baseNames.map((base, i) => {
    const dir = dirNames[dirIndexes[i] ?? -1] ?? '';
    const digest = digests[i];
    return digest ? { path: `${dir}${base}`, digest: `${algo}:${digest}` } : { path: `${dir}${base}` };
  });
  const verifiable = verifiableFiles(files, algo, {
    flags: ints(TAG.fileFlags),
    states: ints(TAG.fileStates),
    verify: ints(TAG.fileVerifyFlags),
    modes: ints(TAG.fileModes),
  });
  const epoch = ints(TAG.epoch)[0];
  const size = ints(TAG.size)[0];
  const opt = (k: string, v: string | number | undefined) => (v === undefined || v === '' ? {} : { [k]: v });
  return {
    name,
    version,
    release: one(TAG.release) ?? '',
    ...opt('epoch', epoch),
    ...opt('arch', one(TAG.arch)),
    ...opt('sourceRpm', one(TAG.sourceRpm)),
    ...opt('license', one(TAG.license)),
    ...opt('vendor', one(TAG.vendor)),
    ...opt('size', size),
    ...opt('modularityLabel', one(TAG.modularityLabel)),
    files,
    verifiable,
    provides: strings(TAG.provideName),
    requires: strings(TAG.requireName),
  };
}

/**
 * The files `rpm -V` compares with their recorded digest, less the %config files: an administrator
 * may change those (dpkg's md5sums leave conffiles out the same way). Left out too: %ghost files
 * (never shipped), files not installed (`--excludedocs`, netshared, replaced by another package),
 * files whose %verify excludes the digest, and everything but regular files.
 */
function verifiableFiles(
  files: readonly { path: string; digest?: string }[],
  algorithm: string,
  tags: { flags: readonly number[]; states: readonly number[]; verify: readonly number[]; modes: readonly number[] },
): RpmFileDigest[] {
  const out: RpmFileDigest[] = [];
  for (const [i, f] of files.entries()) {
    if (!f.digest) continue;
    const flags = tags.flags[i] ?? 0;
    if (flags & (RPMFILE_CONFIG | RPMFILE_GHOST)) continue;
    if ((tags.states[i] ?? RPMFILE_STATE_NORMAL) !== RPMFILE_STATE_NORMAL) continue;
    if (((tags.verify[i] ?? RPMVERIFY_FILEDIGEST) & RPMVERIFY_FILEDIGEST) === 0) continue;
    const mode = tags.modes[i];
    if (mode !== undefined && (mode & S_IFMT) !== S_IFREG) continue;
    out.push({ path: f.path, algorithm, hex: f.digest.slice(algorithm.length + 1).toLowerCase() });
  }
  return out;
}

/** `curl-7.76.0-6.cm2.src.rpm` -> name, version-release. */
export function splitSourceRpm(sourceRpm: string): { name: string; version: string } | undefined {
  const m = /^(.+)-([^-]+)-([^-]+)\.(?:no)?src\.rpm$/.exec(sourceRpm);
  return m?.[1] && m[2] && m[3] ? { name: m[1], version: `${m[2]}-${m[3]}` } : undefined;
}
