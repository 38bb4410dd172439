/**
 * Path globs as catalogers and checks declare them: `**` matches any number of whole segments
 * (including none), `*` any run of characters within one segment, `?` one character within a
 * segment; everything else is literal. A pattern without a leading `/` or `**` is anchored at
 * the root, so `etc/passwd` and `/etc/passwd` mean the same.
 *
 * Compiled once to a RegExp, because the filesystem pass tests every entry of every layer.
 */
export function compileGlob(pattern: string): (path: string) => boolean {
  const regex = globToRegExp(pattern);
  const suffix = literalSuffix(pattern);
  // the suffix first: a test of a `**/…` RegExp backtracks over every position of the path, and nearly
  // every path fails the suffix already (a tree's glob tests all its files)
  return suffix === '' ? (path) => regex.test(path) : (path) => path.endsWith(suffix) && regex.test(path);
}

/**
 * The literal text every path the glob matches ends with: what follows its last wildcard (the whole pattern
 * when it has none), without the `/` that may open it (a leading `**` and `/x` match `x` too). Empty when a
 * wildcard ends the pattern.
 */
export function literalSuffix(pattern: string): string {
  let last = -1;
  for (let i = 0; i < pattern.length; i++) if (pattern[i] === '*' || pattern[i] === '?') last = i;
  const tail = pattern.slice(last + 1);
  return tail.startsWith('/') ? tail.slice(1) : tail;
}

/**
 * The literal directory every path the glob matches starts with: the pattern up to the last `/` before its first
 * wildcard (`/var/lib/dpkg/info` for `/var/lib/dpkg/info/*.list`, the whole pattern without wildcards). Empty when
 * a wildcard opens the pattern (`**` matches anywhere). A pattern without a leading `/` or `**` is anchored at the
 * root, as the glob itself is. In a sorted list of paths the candidates are the run that starts with it.
 */
export function literalPrefix(pattern: string): string {
  const anchored = pattern.startsWith('/') || pattern.startsWith('**') ? pattern : `/${pattern}`;
  const wildcard = anchored.search(/[*?]/);
  if (wildcard < 0) return anchored;
  return anchored.slice(0, Math.max(0, anchored.lastIndexOf('/', wildcard)));
}

export function globToRegExp(pattern: string): RegExp {
  return new RegExp(`^${globToRegExpSource(pattern)}$`);
}

/** The RegExp source of one glob without anchors, so several globs can share one alternation. */
export function globToRegExpSource(pattern: string): string {
  let glob = pattern;
  if (!glob.startsWith('/') && !glob.startsWith('**')) glob = `/${glob}`;
  const segments = glob.split('/');
  let source = '';
  for (let i = 0; i < segments.length; i++) {
    const segment = segments[i] ?? '';
    const last = i === segments.length - 1;
    if (segment === '**') {
      // `**/` at the start or in the middle: zero or more whole segments, each ending in `/`.
      // A trailing `/**`: the directory itself or anything below it.
      if (last) source = i === 0 ? '.*' : `${source.slice(0, -1)}(?:/.*)?`;
      else source += '(?:.*/)?';
      continue;
    }
    source += segmentSource(segment);
    if (!last) source += '/';
  }
  return source;
}

function segmentSource(segment: string): string {
  let out = '';
  for (let i = 0; i < segment.length; i++) {
    const c = segment[i] ?? '';
    if (c === '*') {
      while (segment[i + 1] === '*') i++;
      out += '[^/]*';
    } else if (c === '?') {
      out += '[^/]';
    } else {
      out += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
    }
  }
  return out;
}

/** True when the pattern has no wildcard, so a plain string comparison does the job. */
export function isLiteralGlob(pattern: string): boolean {
  return !/[*?]/.test(pattern);
}
