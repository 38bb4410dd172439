/**
 * Keeps of a stylesheet only the rules that can match the site's markup: a style rule survives when one of its
 * selectors needs no class the site never writes. KERN ships every component, utility and icon in one 340 KB file;
 * the pages use a small part of it, and a browser parses (and a slow line loads) what it is sent.
 *
 * A small parser for well-formed, minified CSS as KERN's build writes it: strings, comments and nested blocks are
 * respected; group rules (@media, @supports, @layer, @container) are trimmed inside and dropped when empty; every
 * other at-rule (@font-face, @keyframes, @charset …) is kept as written.
 */

type Node =
  | { readonly kind: 'statement'; readonly text: string }
  | { readonly kind: 'style'; readonly selector: string; readonly body: string }
  | { readonly kind: 'group'; readonly prelude: string; readonly children: readonly Node[] }
  | { readonly kind: 'verbatim'; readonly text: string };

const groupRules = /^@(media|supports|layer|container)\b/i;

/** The index after the string or comment starting at `i`, or `i` when none starts there. */
function skipQuoted(css: string, i: number): number {
  const c = css[i];
  if (c === '"' || c === "'") {
    let j = i + 1;
    while (j < css.length && css[j] !== c) j += css[j] === '\\' ? 2 : 1;
    return j + 1;
  }
  if (c === '/' && css[i + 1] === '*') {
    const end = css.indexOf('*/', i + 2);
    return end < 0 ? css.length : end + 2;
  }
  return i;
}

/** The indices of `text`'s characters outside strings and comments, from `from` on. */
function* codeIndices(text: string, from = 0): Generator<number> {
  for (let i = from; i < text.length; ) {
    const skipped = skipQuoted(text, i);
    if (skipped !== i) {
      i = skipped;
      continue;
    }
    yield i;
    i++;
  }
}

/** The index of the `}` closing the block whose `{` is at `open`. */
function blockEnd(css: string, open: number): number {
  let depth = 0;
  for (const i of codeIndices(css, open)) {
    if (css[i] === '{') depth++;
    else if (css[i] === '}' && --depth === 0) return i;
  }
  throw new Error(`unbalanced block at ${open}`);
}

function parse(css: string): Node[] {
  const nodes: Node[] = [];
  let start = 0;
  for (const i of codeIndices(css)) {
    // inside a block already handled
    if (i < start) continue;
    if (css[i] === ';') {
      const text = css.slice(start, i + 1).trim();
      if (text !== ';') nodes.push({ kind: 'statement', text });
      start = i + 1;
    } else if (css[i] === '{') {
      const end = blockEnd(css, i);
      const prelude = css.slice(start, i).trim();
      const body = css.slice(i + 1, end);
      if (groupRules.test(prelude)) nodes.push({ kind: 'group', prelude, children: parse(body) });
      else if (prelude.startsWith('@')) nodes.push({ kind: 'verbatim', text: css.slice(start, end + 1).trim() });
      else nodes.push({ kind: 'style', selector: prelude, body });
      start = end + 1;
    }
  }
  return nodes;
}

/** The top-level parts of a selector list, split at commas outside parentheses, brackets and strings. */
function splitSelectors(list: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (const i of codeIndices(list)) {
    const c = list[i];
    if (c === '(' || c === '[') depth++;
    else if (c === ')' || c === ']') depth--;
    else if (c === ',' && depth === 0) {
      parts.push(list.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(list.slice(start));
  return parts.map((p) => p.trim()).filter((p) => p !== '');
}

/**
 * The classes an element must carry for the selector to match. Classes inside `:not()`, `:is()` and `:where()` do
 * not count: a missing class makes `:not(.x)` match more, not less, and one alternative of `:is()` is enough.
 */
function requiredClasses(selector: string): string[] {
  let text = selector;
  for (;;) {
    const at = text.search(/:(not|is|where)\(/);
    if (at < 0) break;
    let depth = 0;
    let end = text.indexOf('(', at);
    for (; end < text.length; end++) {
      if (text[end] === '(') depth++;
      else if (text[end] === ')' && --depth === 0) break;
    }
    text = `${text.slice(0, at)}${text.slice(end + 1)}`;
  }
  // attribute values may hold dots (`[href$=".pdf"]`): only what is outside brackets names classes
  text = text.replace(/\[[^\]]*\]/g, '');
  return [...text.matchAll(/\.(-?[_a-zA-Z][_a-zA-Z0-9-]*)/g)].map((m) => m[1] ?? '');
}

function render(nodes: readonly Node[], used: ReadonlySet<string>): string {
  let out = '';
  for (const node of nodes) {
    if (node.kind === 'statement' || node.kind === 'verbatim') out += node.text;
    else if (node.kind === 'group') {
      const inner = render(node.children, used);
      if (inner !== '') out += `${node.prelude}{${inner}}`;
    } else {
      const kept = splitSelectors(node.selector).filter((s) => requiredClasses(s).every((c) => used.has(c)));
      if (kept.length > 0) out += `${kept.join(',')}{${node.body}}`;
    }
  }
  return out;
}

/** The stylesheet with only the rules whose selectors need no class outside `used`. */
export function trimStylesheet(css: string, used: ReadonlySet<string>): string {
  return render(parse(css), used);
}
