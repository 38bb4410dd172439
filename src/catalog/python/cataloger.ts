import { requireOnFirstUse } from '../../core/index.ts';
import type { FileEntry } from '../../oci/index.ts';
import {
  type CatalogContext,
  type CatalogerOutput,
  describeError,
  emptyOutput,
  fileCataloger,
  location,
  makePackage,
  parseEach,
  purl,
  utf8,
} from '../cataloger.ts';
import type { Location } from '../package.ts';

const parser = requireOnFirstUse<typeof import('./parse-metadata.ts')>(import.meta.url, './parse-metadata.ts');

export const pythonCatalogerName = 'python-installed-package-cataloger';

// `*dist-info`, not `*.dist-info`: some tools write `dist-info` directories without a name prefix
const metadataGlobs = ['**/*dist-info/METADATA', '**/*egg-info/PKG-INFO', '**/*.egg-info'];
const recordGlobs = ['**/*dist-info/RECORD', '**/*egg-info/installed-files.txt', '**/*dist-info/direct_url.json'];

export const pythonCataloger = fileCataloger(pythonCatalogerName, 'pypi', ['language', 'installed']).byFiles(
  [...metadataGlobs, ...recordGlobs],
  catalogPython,
);

function dirname(path: string): string {
  return path.slice(0, path.lastIndexOf('/')) || '/';
}

async function readOptional(
  ctx: CatalogContext,
  path: string,
  out: CatalogerOutput,
): Promise<{ entry: FileEntry; text: string } | undefined> {
  const entry = ctx.fs.get(path);
  if (entry?.type !== 'file' || !ctx.fs.hasContent(entry)) return undefined;
  try {
    return { entry, text: utf8(await ctx.fs.read(entry)) };
  } catch (error) {
    out.unknowns.push({ path, layer: entry.layer, reason: `cannot read: ${describeError(error)}` });
    return undefined;
  }
}

async function catalogPython(ctx: CatalogContext): Promise<CatalogerOutput> {
  const out = emptyOutput();
  const found = await parseEach(ctx, metadataGlobs, out, (_f, b) => parser().parsePythonMetadata(utf8(b)));
  for (const { entry, value } of found) {
    if (!value) continue;
    // the metadata directory (x.dist-info/, x.egg-info/) or, for a PKG-INFO-style file, the file itself
    const isFile = entry.path.endsWith('.egg-info');
    const metaDir = isFile ? entry.path : dirname(entry.path);
    const siteDir = dirname(metaDir);
    const locations: Location[] = [location(entry)];
    const files: { path: string; digest?: string }[] = [];
    const record = isFile ? undefined : await readOptional(ctx, `${metaDir}/RECORD`, out);
    if (record) {
      locations.push({ path: record.entry.path, layer: record.entry.layer, evidence: 'supporting' });
      for (const f of parser().parseRecord(record.text)) files.push({ ...f, path: joinPath(siteDir, f.path) });
    }
    const installed = isFile ? undefined : await readOptional(ctx, `${metaDir}/installed-files.txt`, out);
    if (installed) {
      locations.push({ path: installed.entry.path, layer: installed.entry.layer, evidence: 'supporting' });
      for (const line of installed.text.split('\n'))
        if (line.trim()) files.push({ path: joinPath(metaDir, line.trim()) });
    }
    let vcs: string | undefined;
    const direct = isFile ? undefined : await readOptional(ctx, `${metaDir}/direct_url.json`, out);
    if (direct) {
      try {
        vcs = parser().vcsUrl(direct.text);
      } catch (error) {
        out.unknowns.push({ path: direct.entry.path, layer: direct.entry.layer, reason: describeError(error) });
      }
    }
    out.packages.push(
      makePackage({
        name: value.name,
        version: value.version,
        ecosystem: 'pypi',
        // packageurl-js applies PEP 503 for pypi: lower case, runs of -_. become one -
        purl: purl('pypi', undefined, pep503(value.name), value.version, { vcs_url: vcs }),
        locations,
        licenses: value.licenses,
        foundBy: pythonCatalogerName,
        metadata: { kind: 'language', files },
      }),
    );
  }
  return out;
}

export function pep503(name: string): string {
  return name.toLowerCase().replace(/[-_.]+/g, '-');
}

/** Resolves a RECORD path (relative, may contain `..`) against a directory. */
function joinPath(dir: string, rel: string): string {
  if (rel.startsWith('/')) return rel;
  const parts = dir.split('/').filter(Boolean);
  for (const seg of rel.split('/')) {
    if (seg === '..') parts.pop();
    else if (seg && seg !== '.') parts.push(seg);
  }
  return `/${parts.join('/')}`;
}
