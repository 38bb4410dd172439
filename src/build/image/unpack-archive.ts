import { gunzipSync } from 'node:zlib';
import { defaultLimits, describe, type Limits, SgciError } from '../../core/index.ts';
import { normalizeImagePath } from '../../oci/fs/index.ts';
import { readTar } from '../deb/read-deb.ts';
import { buildOwner, type TreeNode } from './tree.ts';

/** An application tree is bigger than a package: sgci with its production dependencies is about 100 MB. */
const maxArchiveBytes = 1024 * 1024 * 1024;

/** A tar archive's entries from its verified bytes (gzip-compressed ones too: npm's .tgz), bounded. */
async function tarEntries(bytes: Buffer, source: string, limits: Limits): ReturnType<typeof readTar> {
  let tar = bytes;
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) {
    try {
      tar = gunzipSync(bytes, { maxOutputLength: maxArchiveBytes });
    } catch (error) {
      throw new SgciError(
        'ARCHIVE_INVALID',
        source,
        `not a gzip archive within ${maxArchiveBytes} bytes: ${describe(error)}`,
        {
          cause: error,
        },
      );
    }
  }
  // the bytes whose sha256 was checked, not a second read of the file
  const chunks = (async function* () {
    yield tar;
  })();
  return readTar(chunks, source, limits, maxArchiveBytes);
}

/** The content of the regular file `member` of an extra file's tar archive (`files[].member`: node out of npm's .tgz). */
export async function archiveMember(
  bytes: Buffer,
  source: string,
  member: string,
  limits: Limits = defaultLimits,
): Promise<Buffer> {
  const wanted = normalizeImagePath(member).path;
  const found = (await tarEntries(bytes, source, limits)).find(
    (e) => e.header.type === 'file' && normalizeImagePath(e.header.path).path === wanted,
  );
  if (!found) throw new SgciError('ARCHIVE_INVALID', source, `holds no regular file ${member}`);
  return found.content ?? Buffer.alloc(0);
}

/**
 * The entries of an extra file's tar archive (its verified `bytes`) as tree nodes below `at`: files, directories and symlinks only, no path
 * leaving `at`, hardlinks copied. Modes are reduced to 0755/0644 by the execute bit and owners come from the build
 * file, so the image does not depend on the umask or the user the archive was made with.
 */
export async function archiveNodes(
  bytes: Buffer,
  source: string,
  at: string,
  owner: { readonly uid: number; readonly gid: number },
  epoch: number,
  limits: Limits = defaultLimits,
): Promise<TreeNode[]> {
  const entries = await tarEntries(bytes, source, limits);
  const nodes = new Map<string, TreeNode>();
  const below = (name: string): string => {
    const inside = normalizeImagePath(name);
    if (inside.escaped) throw new SgciError('ARCHIVE_INVALID', source, `${name}: leaves the archive's directory`);
    return inside.path === '/' ? at : `${at === '/' ? '' : at}${inside.path}`;
  };
  const base = { uid: owner.uid, gid: owner.gid, mtime: epoch, owners: [buildOwner] };
  for (const { header, content } of entries) {
    const path = below(header.path);
    const mode = header.mode & 0o111 ? 0o755 : 0o644;
    if (header.type === 'dir') nodes.set(path, { ...base, path, type: 'dir', mode: 0o755 });
    else if (header.type === 'file')
      nodes.set(path, { ...base, path, type: 'file', mode, content: content ?? Buffer.alloc(0) });
    else if (header.type === 'symlink')
      nodes.set(path, { ...base, path, type: 'symlink', mode: 0o777, linkTarget: header.linkpath });
    else if (header.type === 'hardlink') {
      const target = nodes.get(below(header.linkpath));
      if (target?.type !== 'file')
        throw new SgciError(
          'ARCHIVE_INVALID',
          source,
          `${header.path}: hardlink to ${header.linkpath}, no earlier file`,
        );
      nodes.set(path, { ...target, path });
    } else
      throw new SgciError(
        'ARCHIVE_INVALID',
        source,
        `${header.path}: ${header.type} entries have no place in an image`,
      );
  }
  return [...nodes.values()];
}
