/** One package of Alpine's `/lib/apk/db/installed` (apk-tools' "installed database"). */
export interface ApkEntry {
  readonly package: string;
  readonly version: string;
  readonly architecture?: string;
  /** `o:`: the origin (source) package. */
  readonly origin?: string;
  readonly license?: string;
  readonly maintainer?: string;
  readonly checksum?: string;
  readonly dependencies: readonly string[];
  readonly provides: readonly string[];
  /** Directories and files with their `Z:` checksum when present (`Q1` + base64 sha1). */
  readonly files: readonly { path: string; digest?: string }[];
}

/**
 * Parses the installed database: records separated by blank lines, one `X:value` per line.
 * `F:` opens a directory, `R:` names a file inside it, `Z:` is that file's checksum.
 */
export function parseApkInstalled(text: string): ApkEntry[] {
  const out: ApkEntry[] = [];
  for (const block of text.split(/\n\s*\n/)) {
    const fields = new Map<string, string>();
    const files: { path: string; digest?: string }[] = [];
    let dir = '';
    for (const line of block.split('\n')) {
      if (line.length < 2 || line[1] !== ':') continue;
      const key = line[0] as string;
      const value = line.slice(2).trim();
      if (key === 'F') {
        // directories are owned too (apk removes them with the package), as syft counts them
        dir = value;
        files.push({ path: `/${value}` });
      } else if (key === 'R') files.push({ path: `/${dir ? `${dir}/` : ''}${value}` });
      else if (key === 'Z' && files.length > 0) {
        const last = files[files.length - 1];
        if (last && last.digest === undefined) last.digest = apkChecksum(value);
      } else if (!fields.has(key)) fields.set(key, value);
    }
    const name = fields.get('P');
    const version = fields.get('V');
    if (!name || !version) continue;
    const z = fields.get('C');
    out.push({
      package: name,
      version,
      ...(fields.get('A') ? { architecture: fields.get('A') } : {}),
      ...(fields.get('o') ? { origin: fields.get('o') } : {}),
      ...(fields.get('L') ? { license: fields.get('L') } : {}),
      ...(fields.get('m') ? { maintainer: fields.get('m') } : {}),
      ...(z ? { checksum: z } : {}),
      dependencies: splitWords(fields.get('D')),
      provides: splitWords(fields.get('p')),
      files,
    });
  }
  return out;
}

/** A `Z:` after an `F:` belongs to no file (apk writes none there, but a hostile db might). */
function _skipChecksum(files: { path: string; digest?: string }[]): boolean {
  return files[files.length - 1]?.digest !== undefined;
}

function splitWords(value: string | undefined): string[] {
  return value ? value.split(/\s+/).filter(Boolean) : [];
}

/** `Q1<base64 sha1>` to `sha1:<hex>`; other forms stay as written. */
function apkChecksum(value: string): string {
  if (value.startsWith('Q1')) return `sha1:${Buffer.from(value.slice(2), 'base64').toString('hex')}`;
  return value;
}

/** The name a dependency token refers to: `so:libc.musl-x86_64.so.1`, `busybox>=1.2`, `!foo` (conflict: none). */
export function dependencyToken(token: string): string | undefined {
  if (token.startsWith('!')) return undefined;
  return token.split(/[<>=~]/)[0];
}
