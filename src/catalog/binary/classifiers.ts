/**
 * Runtimes copied into an image without a package manager still carry their version in their
 * bytes. Each rule names the files it applies to and how to find the version: an anchor string
 * located with Buffer.indexOf (fast on large binaries), then a regular expression on a small
 * window after it, so a 100 MB libnode never becomes a JavaScript string.
 */
export interface Classifier {
  readonly name: string;
  /** The purl name (type generic) and component name. */
  readonly package: string;
  readonly fileName: RegExp;
  readonly anchor: string;
  /** Matched against the latin1 text starting at the anchor; group 1 is the version. */
  readonly version: RegExp;
  readonly window?: number;
}

export const classifiers: readonly Classifier[] = [
  {
    name: 'node-binary',
    package: 'node',
    fileName: /^(?:node|nodejs)$/,
    anchor: 'node.js/v',
    version: /^node\.js\/v(\d+\.\d+\.\d+)/,
  },
  {
    name: 'python-binary',
    package: 'python',
    fileName: /^(?:python[23](?:\.\d+)?|libpython[23]\.\d+\.so(?:\.[\d.]+)?)$/,
    anchor: '\x00',
    // the version string sits between NULs in the read-only data: "\x003.11.2\x00"
    version: /^\x00([23]\.\d{1,2}\.\d{1,2}(?:[abc]|rc)?\d*)\x00/,
  },
  {
    name: 'java-binary',
    package: 'java',
    fileName: /^java$/,
    anchor: '\x00java\x00',
    version: /^\x00java\x00(?:\d+[.\d]*)\x00(\d[^\x00]{0,40})\x00/,
  },
  {
    name: 'openssl-binary',
    package: 'openssl',
    fileName: /^(?:openssl|libssl\.so(?:\.[\d.]+)?|libcrypto\.so(?:\.[\d.]+)?)$/,
    anchor: 'OpenSSL ',
    version: /^OpenSSL (\d+\.\d+\.\d+[a-z]?)(?:[ -]|\x00)/,
  },
  {
    name: 'busybox-binary',
    package: 'busybox',
    fileName: /^busybox$/,
    anchor: 'BusyBox v',
    version: /^BusyBox v(\d+\.\d+\.\d+)/,
  },
];

const maxAnchorHits = 200_000;

/** Every rule's file name in one alternation: the pass asks for every regular file, and nearly none is a runtime. */
const anyFileName = new RegExp(classifiers.map((c) => `(?:${c.fileName.source})`).join('|'));

export function classifierFor(path: string): Classifier | undefined {
  const base = path.slice(path.lastIndexOf('/') + 1);
  if (!anyFileName.test(base)) return undefined;
  return classifiers.find((c) => c.fileName.test(base));
}

/** The version the rule finds in the bytes, or undefined. */
export function classify(rule: Classifier, bytes: Uint8Array, path = ''): string | undefined {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const window = rule.window ?? 64;
  // python: the file name fixes major.minor (python3.11), which keeps the NUL-anchored search exact
  const minor = /python(\d\.\d+)/.exec(path)?.[1];
  const anchor = minor && rule.name === 'python-binary' ? `\x00${minor}.` : rule.anchor;
  let at = buf.indexOf(anchor, 0, 'latin1');
  for (let hits = 0; at >= 0 && hits < maxAnchorHits; hits++) {
    const text = buf.toString('latin1', at, Math.min(buf.length, at + window));
    const m = rule.version.exec(text);
    if (m?.[1]) return m[1];
    at = buf.indexOf(anchor, at + 1, 'latin1');
  }
  return undefined;
}
