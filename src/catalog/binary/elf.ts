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
  readonly sections: readonly ElfSection[];
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
  const word = (at: number) => (is64 ? (inside(at, 8) ? Number(view.getBigUint64(at, littleEndian)) : 0) : u32(at));
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
  const raw: { nameOff: number; type: number; addr: number; offset: number; size: number }[] = [];
  for (let i = 0; i < shnum && shentsize > 0; i++) {
    const s = shoff + i * shentsize;
    if (!inside(s, shentsize)) break;
    raw.push(
      is64
        ? { nameOff: u32(s), type: u32(s + 4), addr: word(s + 16), offset: word(s + 24), size: word(s + 32) }
        : { nameOff: u32(s), type: u32(s + 4), addr: u32(s + 12), offset: u32(s + 16), size: u32(s + 20) },
    );
  }
  const strtab = raw[shstrndx];
  const decoder = new TextDecoder('latin1');
  const sections: ElfSection[] = raw.map((s) => {
    let name = '';
    if (strtab && inside(strtab.offset, strtab.size) && s.nameOff < strtab.size) {
      const start = strtab.offset + s.nameOff;
      // the names sgci looks for are short: a name without its NUL never makes a table-sized string
      const limit = Math.min(strtab.offset + strtab.size, start + maxSectionName);
      let end = start;
      while (end < limit && bytes[end] !== 0) end++;
      name = decoder.decode(bytes.subarray(start, end));
    }
    return { name, type: s.type, addr: s.addr, offset: s.offset, size: s.type === SHT_NOBITS ? 0 : s.size };
  });
  return {
    is64,
    littleEndian,
    sections,
    loads,
    section: (name) => sections.find((s) => s.name === name && inside(s.offset, s.size)),
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
