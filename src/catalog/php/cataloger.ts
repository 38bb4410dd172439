import { type CatalogerOutput, fileCataloger, location, makePackage, type ParsedFile, purl } from '../cataloger.ts';
import { normaliseLicense } from '../license.ts';

export const phpCatalogerName = 'php-composer-installed-cataloger';

export interface ComposerPackage {
  readonly name: string;
  readonly version: string;
  readonly licenses: readonly string[];
}

/** Composer 1 writes a bare array, Composer 2 `{"packages": [...]}`. */
export function parseComposerInstalled(text: string): ComposerPackage[] {
  const json: unknown = JSON.parse(text);
  const list = Array.isArray(json)
    ? json
    : typeof json === 'object' && json !== null
      ? (json as { packages?: unknown }).packages
      : undefined;
  if (!Array.isArray(list)) throw new Error('installed.json: no package list');
  const out: ComposerPackage[] = [];
  for (const p of list) {
    if (typeof p !== 'object' || p === null) continue;
    const { name, version, license } = p as Record<string, unknown>;
    if (typeof name !== 'string' || typeof version !== 'string') continue;
    const licenses = (Array.isArray(license) ? license : typeof license === 'string' ? [license] : [])
      .filter((l): l is string => typeof l === 'string')
      .map(normaliseLicense);
    out.push({ name, version, licenses });
  }
  return out;
}

export function composerPurl(name: string, version: string): string {
  const slash = name.indexOf('/');
  return slash > 0
    ? purl('composer', name.slice(0, slash), name.slice(slash + 1), version)
    : purl('composer', undefined, name, version);
}

export const phpCataloger = fileCataloger(phpCatalogerName, 'composer', ['language', 'installed']).byGlob(
  parseComposerInstalled,
  ['**/vendor/composer/installed.json'],
  buildPhp,
);

function buildPhp(files: readonly ParsedFile<ComposerPackage[]>[], out: CatalogerOutput): void {
  for (const { entry, value } of files) {
    for (const p of value) {
      out.packages.push(
        makePackage({
          name: p.name,
          version: p.version,
          ecosystem: 'composer',
          purl: composerPurl(p.name, p.version),
          locations: [location(entry)],
          licenses: p.licenses,
          foundBy: phpCatalogerName,
          metadata: { kind: 'language' },
        }),
      );
    }
  }
}
