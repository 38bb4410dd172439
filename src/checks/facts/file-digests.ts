import { createHash } from 'node:crypto';
import type { FileEntry, FileSink } from '../../oci/types.ts';
import type { FileDigests } from '../check.ts';

/**
 * Where neither dpkg nor apk install files: locally built software, application trees, home and runtime
 * directories. Hashing them would cost time for nothing COMP-003 can compare against.
 */
const unpackagedPath = /^\/(usr\/local|home|root|tmp|app|srv|run|proc|sys|dev|var\/(cache|log|tmp|run))\//;

/**
 * A sink for the single pass that records md5 and sha1 of every regular file of every layer (what dpkg md5sums
 * and apk Z: checksums are compared with in SGCI-COMP-003). The bytes are hashed as they stream, whatever the
 * file's size; only the digests are kept.
 */
export function createDigestSink(): { sink: FileSink; result(): FileDigests } {
  const md5 = new Map<string, string>();
  const sha1 = new Map<string, string>();
  const sink: FileSink = {
    name: 'checks-file-digests',
    open(entry: FileEntry) {
      if (entry.type !== 'file' || unpackagedPath.test(entry.path)) return undefined;
      const key = `${entry.layer}:${entry.path}`;
      const hashes = [createHash('md5'), createHash('sha1')] as const;
      return {
        write(chunk) {
          hashes[0].update(chunk);
          hashes[1].update(chunk);
        },
        end() {
          md5.set(key, hashes[0].digest('hex'));
          sha1.set(key, hashes[1].digest('hex'));
        },
      };
    },
  };
  return { sink, result: () => ({ md5, sha1 }) };
}
