/**
 * Test-only: a minimal little-endian ELF64 file with the given sections, all inside one PT_LOAD
 * segment mapped at `base` (so virtual address = base + file offset), for build-info tests.
 */
export const elfBase = 0x400000;
const headerSize = 64;
const phSize = 56;
const shSize = 64;

export function makeElf(sections: readonly { name: string; data: Uint8Array }[], exec = true): Uint8Array {
  const names = ['', ...sections.map((s) => s.name), '.shstrtab'];
  const shstr = Buffer.from(`${names.join('\0')}\0`);
  let offset = headerSize + phSize;
  const placed = sections.map((s) => {
    const at = Math.ceil(offset / 16) * 16;
    offset = at + s.data.length;
    return { ...s, offset: at };
  });
  const shstrOffset = offset;
  offset += shstr.length;
  const shoff = Math.ceil(offset / 8) * 8;
  const total = shoff + shSize * names.length;
  const b = Buffer.alloc(total);
  b.set([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1], 0);
  b.writeUInt16LE(exec ? 2 : 3, 16);
  b.writeUInt16LE(62, 18);
  b.writeUInt32LE(1, 20);
  b.writeBigUInt64LE(BigInt(headerSize), 0x20);
  b.writeBigUInt64LE(BigInt(shoff), 0x28);
  b.writeUInt16LE(headerSize, 0x34);
  b.writeUInt16LE(phSize, 0x36);
  b.writeUInt16LE(1, 0x38);
  b.writeUInt16LE(shSize, 0x3a);
  b.writeUInt16LE(names.length, 0x3c);
  b.writeUInt16LE(names.length - 1, 0x3e);
  // PT_LOAD over the whole file
  b.writeUInt32LE(1, headerSize);
  b.writeBigUInt64LE(0n, headerSize + 8);
  b.writeBigUInt64LE(BigInt(elfBase), headerSize + 16);
  b.writeBigUInt64LE(BigInt(total), headerSize + 32);
  b.writeBigUInt64LE(BigInt(total), headerSize + 40);
  for (const s of placed) b.set(s.data, s.offset);
  b.set(shstr, shstrOffset);
  let nameOff = 1;
  const writeSection = (i: number, nameIndex: number, type: number, off: number, size: number) => {
    const at = shoff + i * shSize;
    b.writeUInt32LE(nameIndex, at);
    b.writeUInt32LE(type, at + 4);
    b.writeBigUInt64LE(BigInt(elfBase + off), at + 16);
    b.writeBigUInt64LE(BigInt(off), at + 24);
    b.writeBigUInt64LE(BigInt(size), at + 32);
  };
  placed.forEach((s, i) => {
    writeSection(i + 1, nameOff, 1, s.offset, s.data.length);
    nameOff += Buffer.byteLength(s.name) + 1;
  });
  writeSection(names.length - 1, nameOff, 3, shstrOffset, shstr.length);
  return b;
}
