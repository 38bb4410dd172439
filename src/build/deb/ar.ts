import type { FileHandle } from 'node:fs/promises';
import { SgciError } from '../../core/index.ts';

/** One member of an ar archive: where its data lies in the file. */
export interface ArMember {
  readonly name: string;
  readonly offset: number;
  readonly size: number;
}

const magic = '!<arch>\n';
const headerSize = 60;
/** A .deb has three members (debian-binary, control.tar, data.tar) and maybe a few `_`-prefixed signatures. */
const maxMembers = 16;

/**
 * The member table of a .deb's ar container (common format, as dpkg-deb writes and reads it): 60-byte headers with
 * a decimal size, data padded to an even offset. Only the headers are read; the data is streamed later by offset.
 */
export async function readArMembers(file: FileHandle, input: string): Promise<ArMember[]> {
  const { size: fileSize } = await file.stat();
  const head = Buffer.alloc(headerSize);
  await file.read(head, 0, magic.length, 0);
  if (head.toString('latin1', 0, magic.length) !== magic)
    throw new SgciError('ARCHIVE_INVALID', input, 'not a Debian package: the ar magic !<arch> is missing');
  const members: ArMember[] = [];
  let offset = magic.length;
  while (offset < fileSize) {
    if (members.length === maxMembers)
      throw new SgciError('ARCHIVE_INVALID', input, `more than ${maxMembers} ar members`);
    const { bytesRead } = await file.read(head, 0, headerSize, offset);
    if (bytesRead !== headerSize) throw new SgciError('ARCHIVE_INVALID', input, `ar header truncated at ${offset}`);
    if (head[58] !== 0x60 || head[59] !== 0x0a)
      throw new SgciError('ARCHIVE_INVALID', input, `ar header at ${offset} has no end marker`);
    const name = head.toString('latin1', 0, 16).trimEnd().replace(/\/$/, '');
    const sizeField = head.toString('latin1', 48, 58).trim();
    if (!/^\d{1,10}$/.test(sizeField))
      throw new SgciError('ARCHIVE_INVALID', input, `ar member ${JSON.stringify(name)} has no decimal size`);
    const size = Number(sizeField);
    const start = offset + headerSize;
    if (start + size > fileSize)
      throw new SgciError('ARCHIVE_INVALID', input, `ar member ${JSON.stringify(name)} runs past the end of the file`);
    members.push({ name, offset: start, size });
    offset = start + size + (size % 2);
  }
  return members;
}
