import {
  type CatalogContext,
  type Cataloger,
  type CatalogerOutput,
  emptyOutput,
  makePackage,
  parseEach,
  purl,
  utf8,
} from '../cataloger.ts';
import type { Package } from '../package.ts';
import { parseDepsJson } from './parse-deps-json.ts';

export const dotnetCatalogerName = 'dotnet-deps-cataloger';
const globs = ['**/*.deps.json'];

export const dotnetCataloger: Cataloger = {
  name: dotnetCatalogerName,
  ecosystem: 'nuget',
  tags: ['language', 'installed'],
  needs: () => ({ globs, catalog: catalogDotnet }),
};

async function catalogDotnet(ctx: CatalogContext): Promise<CatalogerOutput> {
  const out = emptyOutput();
  for (const { entry, value } of await parseEach(ctx, globs, out, (_f, b) => parseDepsJson(utf8(b)))) {
    const byName = new Map<string, Package>();
    for (const lib of value) {
      const pkg = makePackage({
        name: lib.name,
        version: lib.version,
        ecosystem: 'nuget',
        type: lib.type === 'project' ? 'application' : 'library',
        purl: purl('nuget', undefined, lib.name, lib.version),
        locations: [{ path: entry.path, layer: entry.layer, evidence: 'primary' }],
        foundBy: dotnetCatalogerName,
        metadata: { kind: 'language', attributes: { libraryType: lib.type } },
      });
      out.packages.push(pkg);
      byName.set(lib.name, pkg);
    }
    for (const lib of value) {
      const from = byName.get(lib.name);
      for (const d of lib.dependencies) {
        const to = byName.get(d);
        if (from && to) out.relationships.push({ from: from.id, to: to.id, type: 'depends-on' });
      }
    }
  }
  return out;
}
