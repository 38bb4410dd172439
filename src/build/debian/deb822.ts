/**
 * The control-file format (deb822) of Release and Packages files: paragraphs of `Field: value` lines,
 * continuation lines starting with a space or tab, paragraphs separated by blank lines.
 */
import { SgciError } from '../../core/index.ts';

/** Field names in lower case (they are case-insensitive); a multi-line value keeps its line breaks. */
export type Paragraph = ReadonlyMap<string, string>;

/**
 * The paragraphs of `text`. With `keep`, only those fields are stored (a 50 MB Packages file has a dozen
 * fields per package that resolution never reads). Read as bytes: each value kept is a string of its own, not a
 * slice of one string of the whole file, which every value would hold in memory as long as it lives (the parsed
 * packages of a suite outlive its text through resolution; a Packages file with one non-Latin-1 character
 * decodes to a string twice its size).
 */
export function* paragraphs(source: string | Buffer, input: string, keep?: ReadonlySet<string>): Generator<Paragraph> {
  const text = typeof source === 'string' ? Buffer.from(source, 'utf8') : source;
  const kept = keep ? byLength(keep) : undefined;
  let current = new Map<string, string>();
  /** The field continuation lines belong to; '' while skipping a field `keep` does not name. */
  let field: string | undefined;
  let line = 0;
  // indices, not a slice per line: a 50 MB Packages file has two million lines, most of them skipped
  for (let start = 0; start < text.length; ) {
    let end = text.indexOf(10, start);
    if (end < 0) end = text.length;
    const next = end + 1;
    if (end > start && text[end - 1] === 13) end--;
    line++;
    let first = start;
    while (first < end && isBlank(text[first] as number)) first++;
    if (first === end) {
      if (current.size > 0) yield current;
      current = new Map();
      field = undefined;
    } else if (first > start) {
      if (field === undefined) {
        throw new SgciError('REPOSITORY_INVALID', input, `line ${line}: continuation line without a field`);
      }
      const value = field === '' ? undefined : current.get(field);
      if (value !== undefined) current.set(field, `${value}\n${text.toString('utf8', first, end).trimEnd()}`);
    } else if (text[start] !== 35) {
      // not a '#' comment
      const colon = text.indexOf(58, start);
      if (colon <= start || colon >= end) {
        throw new SgciError('REPOSITORY_INVALID', input, `line ${line}: not a "Field: value" line`);
      }
      const name = kept ? keptName(text, start, colon, kept) : text.toString('utf8', start, colon).toLowerCase();
      if (name === undefined) field = '';
      else {
        field = name;
        current.set(name, text.toString('utf8', colon + 1, end).trim());
      }
    }
    start = next;
  }
  if (current.size > 0) yield current;
}

/** The kept field names (lower case) by length. */
function byLength(keep: ReadonlySet<string>): Map<number, string[]> {
  const out = new Map<number, string[]>();
  for (const name of keep) out.set(name.length, [...(out.get(name.length) ?? []), name]);
  return out;
}

/**
 * The kept name the field `text[start, colon)` is, compared without regard to ASCII case, or undefined;
 * nothing is allocated for the fields skipped (most of a Packages file).
 */
function keptName(text: Buffer, start: number, colon: number, kept: ReadonlyMap<number, string[]>): string | undefined {
  for (const name of kept.get(colon - start) ?? []) if (isFieldName(text, start, colon, name)) return name;
  return undefined;
}

/** Whether the field `text[start, colon)` is `name` (lower case), compared without regard to ASCII case. */
export function isFieldName(text: Buffer, start: number, colon: number, name: string): boolean {
  if (colon - start !== name.length) return false;
  for (let i = 0; i < name.length; i++) if (((text[start + i] as number) | 0x20) !== name.charCodeAt(i)) return false;
  return true;
}

function isBlank(c: number): boolean {
  return c === 32 || c === 9;
}

/** A field every paragraph of the kind must have. */
export function required(paragraph: Paragraph, field: string, input: string): string {
  const value = paragraph.get(field);
  if (value === undefined || value === '') {
    throw new SgciError('REPOSITORY_INVALID', input, `missing the ${field} field`);
  }
  return value;
}
