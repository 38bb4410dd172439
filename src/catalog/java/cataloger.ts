import type { FileEntry } from '../../oci/index.ts';
import { fileCataloger, location, makePackage, purl } from '../cataloger.ts';
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
      locations: [location(file)],
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
export const javaCataloger = fileCataloger(javaCatalogerName, 'maven', ['language', 'installed']).byVisitor(
  (entry) => (entry.type === 'file' && isJavaArchive(entry.path) ? Math.min(entry.size, maxArchiveBytes) : undefined),
  (entry, content, truncated) => {
    if (truncated) return { problems: [`archive larger than ${maxArchiveBytes} bytes: not inspected`] };
    const problems: string[] = [];
    return { packages: javaPackages(parseJavaArchive(content, entry.path, problems), entry), problems };
  },
);
