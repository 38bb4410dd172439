import { createHash } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { SgciError } from '../../core/index.ts';
import type { BuildConfig } from '../config.ts';
import type { RepositoryFiles } from '../debian/index.ts';
import { packDirectory } from './pack-directory.ts';

/**
 * Where the bytes of one `files[]` entry are on this machine, and what they must hash to: a `source` as the build file
 * pins it, a `url` verified in the cache, a `directory` packed into the build's work directory. The assembly (both
 * runs of the reproducibility proof) reads these, never the network or the directory again.
 */
export interface ExtraSource {
  /** The index in `files`. */
  readonly index: number;
  /** A local file. */
  readonly file: string;
  readonly sha256: string;
  /** What the provenance names: `file:` and the path as the build file gives it, or the URL. */
  readonly uri: string;
}

function splitUrl(url: string): { base: string; path: string } {
  const at = url.lastIndexOf('/');
  return { base: url.slice(0, at), path: url.slice(at + 1) };
}

/** A `source` entry as the build file pins it; undefined for a `url` or `directory`. */
export function localExtraSource(config: BuildConfig, index: number, baseDir: string): ExtraSource | undefined {
  const extra = config.files[index];
  if (extra?.source === undefined || extra.sha256 === undefined) return undefined;
  return { index, file: resolve(baseDir, extra.source), sha256: extra.sha256, uri: `file:${extra.source}` };
}

/**
 * Resolves every extra file of `config` (the build file at `buildFile`): fetches each `url` through the verified
 * cache of `files` (size and sha256 checked before it is kept; offline from the cache) and packs each `directory`
 * into `workDir`.
 */
export async function resolveExtraSources(
  config: BuildConfig,
  buildFile: string,
  files: RepositoryFiles,
  workDir: string,
): Promise<ExtraSource[]> {
  const baseDir = dirname(buildFile);
  const out: ExtraSource[] = [];
  for (const [index, extra] of config.files.entries()) {
    const local = localExtraSource(config, index, baseDir);
    if (local) out.push(local);
    else if (extra.url !== undefined && extra.sha256 !== undefined && extra.size !== undefined) {
      const { base, path } = splitUrl(extra.url);
      const file = await files.verifiedPath(
        base,
        path,
        { sha256: extra.sha256, size: extra.size },
        `the build file's files.${index}`,
      );
      out.push({ index, file, sha256: extra.sha256, uri: extra.url });
    } else if (extra.directory !== undefined) {
      const tar = await packDirectory(resolve(baseDir, extra.directory), extra);
      const file = join(workDir, `files-${index}.tar`);
      await writeFile(file, tar, { mode: 0o600 });
      const sha256 = createHash('sha256').update(tar).digest('hex');
      out.push({ index, file, sha256, uri: `file:${extra.directory}` });
    } else throw new SgciError('CONFIG_INVALID', buildFile, `files.${index}: no source, url or directory`);
  }
  return out;
}
