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
import type { Package, Relationship } from '../package.ts';
import { parseCargoAuditable, type RustCrate } from './parse-audit.ts';

export const rustCatalogerName = 'cargo-auditable-binary-cataloger';

/** Build-time crates (build scripts, proc macros) are not in the binary and are left out. */
export function rustPackages(
  crates: readonly RustCrate[],
  file: FileEntry,
): { packages: Package[]; relationships: Relationship[] } {
  const location = [{ path: file.path, layer: file.layer, evidence: 'primary' as const }];
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
        locations: location,
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

export const rustCataloger: Cataloger = {
  name: rustCatalogerName,
  ecosystem: 'cargo',
  tags: ['language', 'binary', 'installed'],
  needs() {
    const seen = new Map<string, { file: FileEntry; result?: ReturnType<typeof rustPackages>; problem?: string }>();
    return {
      visitors: [
        {
          name: rustCatalogerName,
          wants: (entry) =>
            entry.type === 'file' && (entry.mode & 0o111) !== 0 && entry.size > 64 ? entry.size : undefined,
          visit: (entry, content) => {
            try {
              const crates = parseCargoAuditable(content);
              if (crates)
                seen.set(`${entry.layer}\0${entry.path}`, { file: entry, result: rustPackages(crates, entry) });
            } catch (error) {
              seen.set(`${entry.layer}\0${entry.path}`, { file: entry, problem: describeError(error) });
            }
          },
        },
      ],
      async catalog(ctx: CatalogContext): Promise<CatalogerOutput> {
        const out = emptyOutput();
        for (const { file, result, problem } of seen.values()) {
          if (ctx.fs.get(file.path)?.layer !== file.layer) continue;
          if (result) {
            out.packages.push(...result.packages);
            out.relationships.push(...result.relationships);
          }
          if (problem) out.unknowns.push({ path: file.path, layer: file.layer, reason: problem });
        }
        return out;
      },
    };
  },
};
