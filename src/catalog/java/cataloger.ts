import type { FileEntry } from '../../oci/types.ts';
import {
  type CatalogContext,
  type Cataloger,
  type CatalogerOutput,
  describeError,
  emptyOutput,
  makePackage,
  purl,
} from '../cataloger.ts';
import type { Package } from '../package.ts';
import { isJavaArchive, type JavaArtifact, parseJavaArchive } from './parse-archive.ts';

export const javaCatalogerName = 'java-archive-cataloger';

/** Archives larger than this are listed as unknowns instead of being held in memory for parsing. */
const maxArchiveBytes = 256 * 1024 * 1024;

export function mavenPurl(a: { groupId?: string; artifactId: string; version: string }): string {
  return purl('maven', a.groupId, a.artifactId, a.version);
}

export function javaPackages(
  artifacts: readonly JavaArtifact[],
  file: FileEntry,
  foundBy = javaCatalogerName,
): Package[] {
  return artifacts.map((a) =>
    makePackage({
      name: a.artifactId,
      version: a.version,
      ecosystem: 'maven',
      purl: mavenPurl(a),
      locations: [{ path: file.path, layer: file.layer, evidence: 'primary' }],
      licenses: a.licenses,
      foundBy,
      metadata: {
        kind: 'language',
        attributes: { archive: a.archivePath, source: a.source, ...(a.groupId ? { groupId: a.groupId } : {}) },
      },
    }),
  );
}

/**
 * Java archives are parsed as they stream by (a visitor), not captured: a fat jar can be large and
 * its bytes are not needed after. Results for files a later layer replaced are dropped at the end.
 */
export const javaCataloger: Cataloger = {
  name: javaCatalogerName,
  ecosystem: 'maven',
  tags: ['language', 'installed'],
  needs() {
    const seen = new Map<string, { file: FileEntry; packages: Package[]; problems: string[] }>();
    return {
      visitors: [
        {
          name: javaCatalogerName,
          wants: (entry) =>
            entry.type === 'file' && isJavaArchive(entry.path) ? Math.min(entry.size, maxArchiveBytes) : undefined,
          visit: (entry, content, truncated) => {
            const key = `${entry.layer}\0${entry.path}`;
            if (truncated) {
              seen.set(key, {
                file: entry,
                packages: [],
                problems: [`archive larger than ${maxArchiveBytes} bytes: not inspected`],
              });
              return;
            }
            const problems: string[] = [];
            try {
              seen.set(key, {
                file: entry,
                packages: javaPackages(parseJavaArchive(content, entry.path, problems), entry),
                problems,
              });
            } catch (error) {
              seen.set(key, { file: entry, packages: [], problems: [describeError(error)] });
            }
          },
        },
      ],
      async catalog(ctx: CatalogContext): Promise<CatalogerOutput> {
        const out = emptyOutput();
        for (const { file, packages, problems } of seen.values()) {
          if (ctx.fs.get(file.path)?.layer !== file.layer) continue;
          out.packages.push(...packages);
          for (const reason of problems) out.unknowns.push({ path: file.path, layer: file.layer, reason });
        }
        return out;
      },
    };
  },
};
