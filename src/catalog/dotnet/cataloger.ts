import { requireOnFirstUse } from '../../core/index.ts';
import type { CatalogerOutput, ParsedFile } from '../cataloger.ts';
import { fileCataloger, location, makePackage, purl } from '../cataloger.ts';
import type { Package } from '../package.ts';
import type { DotnetLibrary } from './parse-deps-json.ts';

const parser = requireOnFirstUse<typeof import('./parse-deps-json.ts')>(import.meta.url, './parse-deps-json.ts');

export const dotnetCatalogerName = 'dotnet-deps-cataloger';

export const dotnetCataloger = fileCataloger(dotnetCatalogerName, 'nuget', ['language', 'installed']).byGlob(
  (text) => parser().parseDepsJson(text),
  ['**/*.deps.json'],
  buildDotnet,
);

function buildDotnet(files: readonly ParsedFile<DotnetLibrary[]>[], out: CatalogerOutput): void {
  for (const { entry, value } of files) {
    const byName = new Map<string, Package>();
    for (const lib of value) {
      const pkg = makePackage({
        name: lib.name,
        version: lib.version,
        ecosystem: 'nuget',
        type: lib.type === 'project' ? 'application' : 'library',
        purl: purl('nuget', undefined, lib.name, lib.version),
        locations: [location(entry)],
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
}
