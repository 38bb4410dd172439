/**
 * C0 and C1 control characters, DEL, and the Unicode bidirectional overrides and isolates: what, printed to a
 * terminal or a CI log, acts instead of showing (ANSI/OSC sequences clear the screen, write the clipboard, recolour
 * or overwrite lines into a fake "gate passed"; bidi controls reorder what a reviewer reads).
 */
const unsafe = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/**
 * Text from an image (paths, labels, user names, history lines, messages naming them) made safe to print: every
 * unsafe character becomes a visible escape (`\x1b`, `\u202e`), so the value stays recognisable and on one line.
 */
export function safeText(text: string): string {
  return text.replace(unsafe, (c) => {
    const code = c.charCodeAt(0);
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}

/**
 * A value as a Markdown code span: on one line, unsafe characters escaped, inside a backtick fence longer than any
 * run of backticks in it (CommonMark), so no value can open a heading, an image or a link in an MR comment.
 */
export function markdownCode(text: string): string {
  const value = safeText(text);
  // a loop, not Math.max(...runs): a value from an image can hold more runs than the call stack takes arguments
  let longest = 0;
  for (const m of value.matchAll(/`+/g)) longest = Math.max(longest, m[0].length);
  const fence = '`'.repeat(longest + 1);
  const pad = value.startsWith('`') || value.endsWith('`') || value === '' ? ' ' : '';
  return `${fence}${pad}${value}${pad}${fence}`;
}

/**
 * Prose with values in it (reasons, remediations, exception notes) as Markdown text: one line, unsafe characters
 * escaped, and every character that can open a construct mid-line (code, emphasis, links and images, HTML and
 * autolinks, table cells, entities) backslash-escaped; without `[` no `(…)` can become a link target.
 */
export function markdownText(text: string): string {
  return safeText(text).replace(/[\\`*_[\]<>!|~&]/g, (c) => `\\${c}`);
}
