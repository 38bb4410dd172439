/** Path handling inside the image root: nothing here ever yields a path above `/`. */

/**
 * Normalises a path from a tar header or a caller to the absolute form FileEntry uses:
 * `./usr/bin/`, `usr//bin/.` and `/usr/bin` all become `/usr/bin`. `..` stops at the root.
 * `escaped` says whether the input was absolute or climbed with `..` (hostile or sloppy tars).
 */
export function normalizeImagePath(raw: string): { path: string; escaped: boolean } {
  // Fast path for the common `usr/bin/env`, `./usr/bin/env`, `usr/bin/` shapes.
  let start = 0;
  if (raw.startsWith('./')) start = 2;
  let end = raw.length;
  while (end > start && raw.charCodeAt(end - 1) === 47) end--;
  const body = start === 0 && end === raw.length ? raw : raw.slice(start, end);
  if (body === '' || body === '.') return { path: '/', escaped: false };
  if (body.charCodeAt(0) !== 47 && !body.includes('//') && !hasDotSegment(body)) {
    // join makes one flat string; `/${body}` would keep a two-part string (32 bytes more) for every file
    // the squashed tree holds
    return { path: ['/', body].join(''), escaped: false };
  }
  // An absolute path already in shape, as the catalogers and checks look paths up after the pass (thousands a scan):
  // itself, without splitting it into parts and joining them again.
  if (body.charCodeAt(0) === 47 && !body.includes('//') && !hasDotSegment(body)) return { path: body, escaped: true };
  const escaped = body.charCodeAt(0) === 47 || /(^|\/)\.\.(\/|$)/.test(body);
  const parts: string[] = [];
  for (const part of body.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') parts.pop();
    else parts.push(part);
  }
  return { path: `/${parts.join('/')}`, escaped };
}

function hasDotSegment(path: string): boolean {
  // Most paths have no `/.` at all: two plain searches spare the regex on the hot path.
  if (path.charCodeAt(0) !== 46 && !path.includes('/.')) return false;
  return /(^|\/)\.\.?(\/|$)/.test(path);
}

/** The directory holding `path` (`/` for top-level entries and for `/` itself). */
export function parentPath(path: string): string {
  const i = path.lastIndexOf('/');
  return i <= 0 ? '/' : path.slice(0, i);
}

/** Whether `path` lies strictly below `dir`. */
export function isBelow(path: string, dir: string): boolean {
  if (dir === '/') return path !== '/';
  return path.length > dir.length && path.charCodeAt(dir.length) === 47 && path.startsWith(dir);
}
