/** Just enough ELF to find named sections and map virtual addresses to file offsets. */
export interface ElfSection {
  readonly name: string;
  readonly type: number;
  readonly addr: number;
  readonly offset: number;
  readonly size: number;
}

export interface ElfFile {
  readonly is64: boolean;
  readonly littleEndian: boolean;
  /** Every section; made when first asked for (a lookup by name makes no list). */
  readonly sections: readonly ElfSection[];
  readonly sectionCount: number;
  /** PT_LOAD segments: [vaddr, offset, filesz]. */
  readonly loads: readonly { vaddr: number; offset: number; filesz: number }[];
  section(name: string): ElfSection | undefined;
  /** The bytes at a virtual address, or undefined when no loaded segment covers it. */
  at(vaddr: number, length: number): Uint8Array | undefined;
}

export function isElf(bytes: Uint8Array): boolean {
  return bytes.length >= 52 && bytes[0] === 0x7f && bytes[1] === 0x45 && bytes[2] === 0x4c && bytes[3] === 0x46;
}

const SHT_NOBITS = 8;
const maxSections = 4096;
/** Longer than any section name a linker writes (C++ sections of one function can reach a few hundred bytes). */
const maxSectionName = 1024;
/** Section names as bytes read (one decoder for every file: most parses decode no name at all). */
const sectionNames = new TextDecoder('latin1');
/** Fields kept per section header: name offset, type, address, offset, size. */
const headerFields = 5;

/**
 * Parses ELF headers defensively: every offset is checked against the buffer and counts are
 * bounded, so a hostile file yields undefined or an empty list, never an exception or a huge loop.
 */
export function parseElf(bytes: Uint8Array): ElfFile | undefined {
  if (!isElf(bytes)) return undefined;
  const is64 = bytes[4] === 2;
  const littleEndian = bytes[5] !== 2;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const inside = (at: number, n: number) => at >= 0 && at + n <= bytes.length;
  const u16 = (at: number) => (inside(at, 2) ? view.getUint16(at, littleEndian) : 0);
  const u32 = (at: number) => (inside(at, 4) ? view.getUint32(at, littleEndian) : 0);
  // two halves, not getBigUint64: a BigInt per field was most of what a parse allocated; hi·2³² + lo rounds once,
  // to the same double as Number(BigInt)
  const u64 = (at: number) =>
    view.getUint32(at + (littleEndian ? 4 : 0), littleEndian) * 2 ** 32 +
    view.getUint32(at + (littleEndian ? 0 : 4), littleEndian);
  const word = (at: number) => (is64 ? (inside(at, 8) ? u64(at) : 0) : u32(at));
  const phoff = word(is64 ? 0x20 : 0x1c);
  const shoff = word(is64 ? 0x28 : 0x20);
  const phentsize = u16(is64 ? 0x36 : 0x2a);
  const phnum = Math.min(u16(is64 ? 0x38 : 0x2c), maxSections);
  const shentsize = u16(is64 ? 0x3a : 0x2e);
  const shnum = Math.min(u16(is64 ? 0x3c : 0x30), maxSections);
  const shstrndx = u16(is64 ? 0x3e : 0x32);

  const loads: { vaddr: number; offset: number; filesz: number }[] = [];
  for (let i = 0; i < phnum && phentsize > 0; i++) {
    const p = phoff + i * phentsize;
    if (!inside(p, phentsize)) break;
    if (u32(p) !== 1) continue; // PT_LOAD
    loads.push(
      is64
        ? { offset: word(p + 8), vaddr: word(p + 16), filesz: word(p + 32) }
        : { offset: u32(p + 4), vaddr: u32(p + 8), filesz: u32(p + 16) },
    );
  }
  // The section headers as fields in one array, not an object each: the catalogers parse every executable
  // they are shown, twice, and look up one name; names are decoded only for sections handed out.
  let count = 0;
  while (count < shnum && shentsize > 0 && inside(shoff + count * shentsize, shentsize)) count++;
  const fields = new Float64Array(count * headerFields);
  for (let i = 0; i < count; i++) {
    const s = shoff + i * shentsize;
    const at = i * headerFields;
    fields[at] = u32(s);
    fields[at + 1] = u32(s + 4);
    fields[at + 2] = is64 ? word(s + 16) : u32(s + 12);
    fields[at + 3] = is64 ? word(s + 24) : u32(s + 16);
    fields[at + 4] = is64 ? word(s + 32) : u32(s + 20);
  }
  const field = (i: number, which: number) => fields[i * headerFields + which] as number;
  // The string table of section names, when its header and bytes are there.
  const table =
    shstrndx < count && inside(field(shstrndx, 3), field(shstrndx, 4))
      ? { offset: field(shstrndx, 3), size: field(shstrndx, 4) }
      : undefined;
  /** Where section i's name starts in `bytes`, or -1 for none (`nameLimit` says where it must end at the latest). */
  const nameStart = (i: number) => (table !== undefined && field(i, 0) < table.size ? table.offset + field(i, 0) : -1);
  // the names sgci looks for are short: a name without its NUL never makes a table-sized string
  const nameLimit = (start: number) => Math.min((table?.offset ?? 0) + (table?.size ?? 0), start + maxSectionName);
  const nameOf = (i: number) => {
    const start = nameStart(i);
    if (start < 0) return '';
    const limit = nameLimit(start);
    let end = start;
    while (end < limit && bytes[end] !== 0) end++;
    return sectionNames.decode(bytes.subarray(start, end));
  };
  /** Whether section i is named `wanted` (ASCII without NUL, as TextDecoder leaves ASCII bytes alone). */
  const named = (i: number, wanted: string) => {
    const start = nameStart(i);
    if (start < 0) return false;
    const limit = nameLimit(start);
    const end = start + wanted.length;
    if (end > limit) return false;
    for (let at = 0; at < wanted.length; at++) if (bytes[start + at] !== wanted.charCodeAt(at)) return false;
    return end === limit || bytes[end] === 0;
  };
  const sectionAt = (i: number): ElfSection => {
    const type = field(i, 1);
    return {
      name: nameOf(i),
      type,
      addr: field(i, 2),
      offset: field(i, 3),
      size: type === SHT_NOBITS ? 0 : field(i, 4),
    };
  };
  let sections: ElfSection[] | undefined;
  const all = () => {
    sections ??= Array.from({ length: count }, (_, i) => sectionAt(i));
    return sections;
  };
  return {
    is64,
    littleEndian,
    get sections() {
      return all();
    },
    sectionCount: count,
    loads,
    section(name) {
      if (!/^[\x01-\x7f]+$/.test(name)) return all().find((s) => s.name === name && inside(s.offset, s.size));
      for (let i = 0; i < count; i++) {
        const size = field(i, 1) === SHT_NOBITS ? 0 : field(i, 4);
        if (named(i, name) && inside(field(i, 3), size)) return sectionAt(i);
      }
      return undefined;
    },
    at(vaddr, length) {
      for (const l of loads) {
        if (vaddr >= l.vaddr && vaddr + length <= l.vaddr + l.filesz) {
          const off = l.offset + (vaddr - l.vaddr);
          return inside(off, length) ? bytes.subarray(off, off + length) : undefined;
        }
      }
      return undefined;
    },
  };
}
