/**
 * The control-file format (deb822) of Release and Packages files: paragraphs of `Field: value` lines,
 * continuation lines starting with a space or tab, paragraphs separated by blank lines.
 */
import { SgciError } from '../../core/index.ts';

/** Field names in lower case (they are case-insensitive); a multi-line value keeps its line breaks. */
export type Paragraph = ReadonlyMap<string, string>;

/**
 * The paragraphs of `text`. With `keep`, only those fields are stored (a 50 MB Packages file has a dozen
 * fields per package that resolution never reads).
 */
export function* paragraphs(text: string, input: string, keep?: ReadonlySet<string>): Generator<Paragraph> {
  let current = new Map<string, string>();
  let field: string | undefined;
  let start = 0;
  let line = 0;
  while (start <= text.length) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    const raw = text.slice(start, end > start && text.charCodeAt(end - 1) === 13 ? end - 1 : end);
    start = end + 1;
    line++;
    if (raw.trim() === '') {
      if (current.size > 0) yield current;
      current = new Map();
      field = undefined;
      continue;
    }
    const first = raw.charCodeAt(0);
    if (first === 32 || first === 9) {
      if (field === undefined) {
        throw new SgciError('REPOSITORY_INVALID', input, `line ${line}: continuation line without a field`);
      }
      const value = current.get(field);
      if (value !== undefined) current.set(field, `${value}\n${raw.trim()}`);
      continue;
    }
    if (first === 35) continue; // '#': a comment
    const colon = raw.indexOf(':');
    if (colon <= 0) throw new SgciError('REPOSITORY_INVALID', input, `line ${line}: not a "Field: value" line`);
    const name = raw.slice(0, colon).toLowerCase();
    field = name;
    if (keep && !keep.has(name)) {
      field = '';
      continue;
    }
    current.set(name, raw.slice(colon + 1).trim());
  }
  if (current.size > 0) yield current;
}

/** A field every paragraph of the kind must have. */
export function required(paragraph: Paragraph, field: string, input: string): string {
  const value = paragraph.get(field);
  if (value === undefined || value === '') {
    throw new SgciError('REPOSITORY_INVALID', input, `missing the ${field} field`);
  }
  return value;
}
