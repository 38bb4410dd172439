import { createHash } from 'node:crypto';
import type { FileEntry, FileVisitor } from '../../oci/types.ts';
import type { FileDigests } from '../check.ts';

/**
 * Where neither dpkg nor apk install files: locally built software, application trees, home and runtime
 * directories. Hashing them would cost time for nothing COMP-003 can compare against.
 */
const unpackagedPath = /^\/(usr\/local|home|root|tmp|app|srv|run|proc|sys|dev|var\/(cache|log|tmp|run))\//;

/** Files larger than this are listed as not hashed rather than held in memory whole. */
export const maxHashedFileBytes = 64 * 1024 * 1024;

/**
 * A visitor for the single pass that records md5 and sha1 of every regular file of every layer (what dpkg md5sums
 * and apk Z: checksums are compared with in SGCI-COMP-003). Only the digests are kept, not the content.
 */
export function createDigestVisitor(maxBytes = maxHashedFileBytes): { visitor: FileVisitor; result(): FileDigests } {
  const md5 = new Map<string, string>();
  const sha1 = new Map<string, string>();
  const skipped: { path: string; layer: number }[] = [];
  const visitor: FileVisitor = {
    name: 'checks-file-digests',
    wants(entry: FileEntry) {
      if (entry.type !== 'file' || unpackagedPath.test(entry.path)) return undefined;
      if (entry.size > maxBytes) {
        skipped.push({ path: entry.path, layer: entry.layer });
        return undefined;
      }
      return entry.size;
    },
    visit(entry, content, truncated) {
      if (truncated) {
        skipped.push({ path: entry.path, layer: entry.layer });
        return;
      }
      const key = `${entry.layer}:${entry.path}`;
      md5.set(key, createHash('md5').update(content).digest('hex'));
      sha1.set(key, createHash('sha1').update(content).digest('hex'));
    },
  };
  return { visitor, result: () => ({ md5, sha1, skipped }) };
}
