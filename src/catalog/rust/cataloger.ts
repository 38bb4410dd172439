import type { FileEntry } from '../../oci/index.ts';
import { fileCataloger, location, makePackage, purl, wholeExecutable } from '../cataloger.ts';
import type { Package, Relationship } from '../package.ts';
import { parseCargoAuditable, type RustCrate } from './parse-audit.ts';

export const rustCatalogerName = 'cargo-auditable-binary-cataloger';

/** Build-time crates (build scripts, proc macros) are not in the binary and are left out. */
export function rustPackages(
  crates: readonly RustCrate[],
  file: FileEntry,
): { packages: Package[]; relationships: Relationship[] } {
  const locations = [location(file)];
  const byIndex = new Map<number, Package>();
  crates.forEach((c, i) => {
    if (c.kind === 'build') return;
    byIndex.set(
      i,
      makePackage({
        name: c.name,
        version: c.version,
        ecosystem: 'cargo',
        type: c.root ? 'application' : 'library',
        purl: purl('cargo', undefined, c.name, c.version),
        locations,
        foundBy: rustCatalogerName,
        metadata: { kind: 'language', attributes: { source: c.source } },
      }),
    );
  });
  const relationships: Relationship[] = [];
  crates.forEach((c, i) => {
    const from = byIndex.get(i);
    if (!from) return;
    for (const d of c.dependencies) {
      const to = byIndex.get(d);
      if (to && to.id !== from.id) relationships.push({ from: from.id, to: to.id, type: 'depends-on' });
    }
  });
  return { packages: [...byIndex.values()], relationships };
}

export const rustCataloger = fileCataloger(rustCatalogerName, 'cargo', ['language', 'binary', 'installed']).byVisitor(
  wholeExecutable,
  (entry, content) => {
    const crates = parseCargoAuditable(content);
    return crates ? rustPackages(crates, entry) : undefined;
  },
);
