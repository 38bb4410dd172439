import type { FileEntry } from '../../oci/index.ts';
import { describeError, fileCataloger, location, makePackage, purl } from '../cataloger.ts';
import type { Package } from '../package.ts';
import { isJavaArchive, type JavaArtifact, parseJavaArchive } from './parse-archive.ts';

export const javaCatalogerName = 'java-archive-cataloger';

/** Archives larger than this are listed as unknowns instead of being held in memory for parsing. */
const maxArchiveBytes = 256 * 1024 * 1024;
const maxListedProblems = 20;

/**
 * Without a known group (a Gradle or Spring Boot jar whose manifest names none) the artifact id
 * stands in for it, as Syft does: purl-spec requires a maven namespace, and a made-up group matches
 * no advisory. The package's `groupId` attribute is then absent.
 */
export function mavenPurl(a: { groupId?: string; artifactId: string; version: string }): string {
  return purl('maven', a.groupId || a.artifactId, a.artifactId, a.version);
}

/** One package per distinct purl of the file; an artifact that cannot be made one is a problem. */
export function javaPackages(
  artifacts: readonly JavaArtifact[],
  file: FileEntry,
  problems: string[],
  foundBy = javaCatalogerName,
): Package[] {
  const packages = new Map<string, Package>();
  for (const a of artifacts) {
    try {
      const id = mavenPurl(a);
      if (packages.has(id)) continue;
      packages.set(
        id,
        makePackage({
          name: a.artifactId,
          version: a.version,
          ecosystem: 'maven',
          purl: id,
          locations: [location(file)],
          licenses: a.licenses,
          foundBy,
          metadata: {
            kind: 'language',
            attributes: { archive: a.archivePath, source: a.source, ...(a.groupId ? { groupId: a.groupId } : {}) },
          },
        }),
      );
    } catch (error) {
      problems.push(`${a.archivePath}: artifact ${a.artifactId} ${a.version}: ${describeError(error)}`);
    }
  }
  return [...packages.values()];
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
    const artifacts = parseJavaArchive(content, entry.path, problems);
    return { packages: javaPackages(artifacts, entry, problems), problems: firstProblems(problems) };
  },
);

/** A hostile archive can fail in each of its entries: the first few say how, one line counts the rest. */
function firstProblems(problems: readonly string[]): string[] {
  if (problems.length <= maxListedProblems) return [...problems];
  return [
    ...problems.slice(0, maxListedProblems),
    `${problems.length - maxListedProblems} more problems in this archive`,
  ];
}
