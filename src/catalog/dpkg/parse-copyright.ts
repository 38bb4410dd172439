/**
 * License names from a Debian copyright file: the `License:` fields of the machine-readable format
 * (first line only: the rest is the text) and the `/usr/share/common-licenses/NAME` references that
 * older free-form files use. Names are returned as written (`GPL-2+`); normaliseLicense maps them.
 */
export function parseDebianCopyright(text: string): string[] {
  const names = new Set<string>();
  for (const m of text.matchAll(/^License:[ \t]*([^\n]*)$/gm)) {
    const name = m[1]?.trim();
    if (name && name.length < 200) names.add(name);
  }
  for (const m of text.matchAll(/\/usr\/share\/common-licenses\/([A-Za-z0-9][A-Za-z0-9.+_-]*)/g)) {
    const name = m[1]?.replace(/[.]+$/, '').replace(/\.gz$/, '');
    if (name) names.add(name);
  }
  return [...names].sort();
}
