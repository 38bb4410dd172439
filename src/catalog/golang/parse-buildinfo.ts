import { parseElf } from '../binary/elf.ts';

/** A Go binary's embedded build information (what `go version -m` prints). */
export interface GoBuildInfo {
  /** `go1.22.1` */
  readonly goVersion: string;
  readonly path?: string;
  readonly main?: GoModule;
  readonly deps: readonly GoModule[];
  readonly settings: ReadonlyMap<string, string>;
}

export interface GoModule {
  readonly path: string;
  readonly version: string;
  readonly sum?: string;
}

const magic = Uint8Array.from([0xff, ...Buffer.from(' Go buildinf:', 'latin1')]);
/** Per the linker, the header sits at a 16-byte aligned address. */
const align = 16;
const headerSize = 32;
const maxString = 1 << 20;

/**
 * Reads `.go.buildinfo` (or, in binaries whose section headers were stripped, the magic's first
 * aligned occurrence). Two layouts: Go >= 1.18 stores varint-length-prefixed strings inline (flag bit 2),
 * older versions store two pointers to Go string headers, resolved through the load segments.
 */
export function parseGoBuildInfo(bytes: Uint8Array): GoBuildInfo | undefined {
  const elf = parseElf(bytes);
  if (!elf) return undefined;
  let start = -1;
  const section = elf.section('.go.buildinfo');
  if (section && section.size >= headerSize) start = section.offset;
  // The Go linker always writes .go.buildinfo: a section table without it is no Go binary, and
  // scanning every such executable whole for the magic was a tenth of a scan's catalogue time.
  else if (elf.sectionCount === 0) start = findMagic(bytes);
  if (start < 0 || start + headerSize > bytes.length) return undefined;
  for (let i = 0; i < magic.length; i++) if (bytes[start + i] !== magic[i]) return undefined;
  const ptrSize = bytes[start + 14] ?? 0;
  const flags = bytes[start + 15] ?? 0;
  let version: string | undefined;
  let mod: string | undefined;
  if (flags & 2) {
    let at = start + headerSize;
    const v = readVarintString(bytes, at);
    if (!v) return undefined;
    version = v.value;
    at = v.next;
    mod = readVarintString(bytes, at)?.value;
  } else {
    if (ptrSize !== 4 && ptrSize !== 8) return undefined;
    const bigEndian = (flags & 1) !== 0;
    const readPtr = (b: Uint8Array, at: number): number | undefined => {
      if (at + ptrSize > b.length) return undefined;
      const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
      return ptrSize === 8 ? Number(view.getBigUint64(at, !bigEndian)) : view.getUint32(at, !bigEndian);
    };
    const readGoString = (addr: number | undefined): string | undefined => {
      if (addr === undefined) return undefined;
      const header = elf.at(addr, ptrSize * 2);
      if (!header) return undefined;
      const data = readPtr(header, 0);
      const len = readPtr(header, ptrSize);
      if (data === undefined || len === undefined || len > maxString) return undefined;
      const body = elf.at(data, len);
      return body ? new TextDecoder().decode(body) : undefined;
    };
    version = readGoString(readPtr(bytes, start + 16));
    mod = readGoString(readPtr(bytes, start + 16 + ptrSize));
  }
  if (!version?.startsWith('go') && !version?.startsWith('devel')) return undefined;
  return { goVersion: version, ...parseModInfo(mod ?? '') };
}

function findMagic(bytes: Uint8Array): number {
  let at = 0;
  for (;;) {
    const i = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).indexOf(Buffer.from(magic), at);
    if (i < 0) return -1;
    if (i % align === 0) return i;
    at = i + 1;
  }
}

function readVarintString(bytes: Uint8Array, at: number): { value: string; next: number } | undefined {
  let len = 0;
  let shift = 0;
  let p = at;
  for (;;) {
    if (p >= bytes.length || shift > 28) return undefined;
    const b = bytes[p++] as number;
    len |= (b & 0x7f) << shift;
    if ((b & 0x80) === 0) break;
    shift += 7;
  }
  if (len > maxString || p + len > bytes.length) return undefined;
  return { value: new TextDecoder().decode(bytes.subarray(p, p + len)), next: p + len };
}

/**
 * The module info text: 16-byte sentinels around tab-separated lines `path`, `mod`, `dep`, `=>`
 * (replaces the line before) and `build key=value`.
 */
export function parseModInfo(text: string): Omit<GoBuildInfo, 'goVersion'> {
  let body = text;
  if (body.length >= 33 && body[body.length - 17] === '\n') body = body.slice(16, -16);
  let path: string | undefined;
  let main: GoModule | undefined;
  const deps: GoModule[] = [];
  const settings = new Map<string, string>();
  for (const line of body.split('\n')) {
    const f = line.split('\t');
    const mod = (): GoModule | undefined =>
      f[1] ? { path: f[1], version: f[2] ?? '', ...(f[3] ? { sum: f[3] } : {}) } : undefined;
    switch (f[0]) {
      case 'path':
        path = f[1];
        break;
      case 'mod':
        main = mod();
        break;
      case 'dep': {
        const m = mod();
        if (m) deps.push(m);
        break;
      }
      case '=>': {
        const m = mod();
        if (m && deps.length > 0) deps[deps.length - 1] = m;
        else if (m && main) main = m;
        break;
      }
      case 'build': {
        const eq = (f[1] ?? '').indexOf('=');
        if (eq > 0) settings.set((f[1] ?? '').slice(0, eq), (f[1] ?? '').slice(eq + 1));
        break;
      }
    }
  }
  return { ...(path ? { path } : {}), ...(main ? { main } : {}), deps, settings };
}
