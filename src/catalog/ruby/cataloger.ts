import { type CatalogerOutput, fileCataloger, location, makePackage, type ParsedFile, purl } from '../cataloger.ts';
import { normaliseLicense } from '../license.ts';

export const rubyCatalogerName = 'ruby-installed-gemspec-cataloger';

export interface Gemspec {
  readonly name: string;
  readonly version: string;
  readonly licenses: readonly string[];
}

/**
 * Reads the installed gemspec (Ruby source written by RubyGems) without evaluating it: the
 * `s.name = "x"`, `s.version = "1.2"` and `s.licenses = [...]` assignments, string literals only,
 * so `#{...}` interpolation elsewhere in the file is harmless.
 */
export function parseGemspec(text: string): Gemspec | undefined {
  const str = (field: string) => new RegExp(`^\\s*\\w+\\.${field}\\s*=\\s*["']([^"'#]+)["']`, 'm').exec(text)?.[1];
  const name = str('name');
  const version = str('version');
  if (!name || !version) return undefined;
  const list = /^\s*\w+\.licenses?\s*=\s*\[?([^\]\n]*)\]?/m.exec(text)?.[1] ?? '';
  const licenses = [...list.matchAll(/["']([^"']+)["']/g)].map((m) => normaliseLicense(m[1] ?? '')).filter(Boolean);
  return { name, version, licenses };
}

export const rubyCataloger = fileCataloger(rubyCatalogerName, 'gem', ['language', 'installed']).byGlob(
  parseGemspec,
  // default gems (uri, net-imap, rexml … that ship with Ruby) are installed gems with CVEs of their own
  ['**/specifications/*.gemspec', '**/specifications/default/*.gemspec'],
  buildRuby,
);

function buildRuby(files: readonly ParsedFile<Gemspec | undefined>[], out: CatalogerOutput): void {
  for (const { entry, value } of files) {
    if (!value) continue;
    out.packages.push(
      makePackage({
        name: value.name,
        version: value.version,
        ecosystem: 'gem',
        purl: purl('gem', undefined, value.name, value.version),
        locations: [location(entry)],
        licenses: value.licenses,
        foundBy: rubyCatalogerName,
        metadata: { kind: 'language' },
      }),
    );
  }
}
