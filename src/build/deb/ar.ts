import { SgciError } from '../../core/index.ts';

/** One member of an ar archive: its name and its bytes (a view into the archive). */
export interface ArMember {
  readonly name: string;
  readonly data: Buffer;
}

const magic = '!<arch>\n';
const headerSize = 60;
/** A .deb has three members (debian-binary, control.tar, data.tar) and maybe a few `_`-prefixed signatures. */
const maxMembers = 16;

/**
 * The members of a .deb's ar container (common format, as dpkg-deb writes and reads it): 60-byte headers with a
 * decimal size, data padded to an even offset. Members are views into `archive`, nothing is copied.
 */
export function readArMembers(archive: Buffer, input: string): ArMember[] {
  if (archive.toString('latin1', 0, magic.length) !== magic)
    throw new SgciError('ARCHIVE_INVALID', input, 'not a Debian package: the ar magic !<arch> is missing');
  const members: ArMember[] = [];
  let offset = magic.length;
  while (offset < archive.length) {
    if (members.length === maxMembers)
      throw new SgciError('ARCHIVE_INVALID', input, `more than ${maxMembers} ar members`);
    if (offset + headerSize > archive.length)
      throw new SgciError('ARCHIVE_INVALID', input, `ar header truncated at ${offset}`);
    if (archive[offset + 58] !== 0x60 || archive[offset + 59] !== 0x0a)
      throw new SgciError('ARCHIVE_INVALID', input, `ar header at ${offset} has no end marker`);
    const name = archive
      .toString('latin1', offset, offset + 16)
      .trimEnd()
      .replace(/\/$/, '');
    const sizeField = archive.toString('latin1', offset + 48, offset + 58).trim();
    if (!/^\d{1,10}$/.test(sizeField))
      throw new SgciError('ARCHIVE_INVALID', input, `ar member ${JSON.stringify(name)} has no decimal size`);
    const size = Number(sizeField);
    const start = offset + headerSize;
    if (start + size > archive.length)
      throw new SgciError('ARCHIVE_INVALID', input, `ar member ${JSON.stringify(name)} runs past the end of the file`);
    members.push({ name, data: archive.subarray(start, start + size) });
    offset = start + size + (size % 2);
  }
  return members;
}
