/** Modules a go.mod declares (a source-tree view; binaries are read from their build info instead). */
export interface GoModRequirement {
  readonly name: string;
  /** Empty for the root module. */
  readonly version: string;
  readonly relationship: 'root' | 'direct' | 'indirect';
}

export interface GoModOptions {
  /** Apply `replace` directives (default true). */
  readonly replace?: boolean;
}

const localPath = /^(?:\.\.?\/|\/)/;

/**
 * Parses go.mod: the module, its requirements (`// indirect` marks transitive ones), `replace`
 * directives (a versioned left side applies only to that version; a local path replacement drops the
 * module: it is built from the tree), and the toolchain as `stdlib`. Before Go 1.17 go.mod did not
 * list every indirect dependency, so indirect entries of such files are left out rather than reported
 * as a partial list.
 */
export function parseGoMod(text: string, options: GoModOptions = {}): GoModRequirement[] {
  let module = '';
  let goVersion: string | undefined;
  let toolchain: string | undefined;
  const requires: { name: string; version: string; indirect: boolean }[] = [];
  const replaces: { name: string; version?: string; to: string; toVersion?: string }[] = [];
  let block: 'require' | 'replace' | undefined;
  for (const raw of text.split('\n')) {
    const comment = raw.indexOf('//');
    const indirect = comment >= 0 && /\/\/\s*indirect\b/.test(raw.slice(comment));
    const line = (comment >= 0 ? raw.slice(0, comment) : raw).trim();
    if (!line) continue;
    if (block && line === ')') {
      block = undefined;
      continue;
    }
    let directive: string | undefined;
    let rest = line;
    if (block) directive = block;
    else {
      const m = /^(\S+)\s*(.*)$/.exec(line);
      directive = m?.[1];
      rest = m?.[2] ?? '';
      if (rest === '(') {
        if (directive === 'require' || directive === 'replace') block = directive;
        continue;
      }
    }
    const words = rest.split(/\s+/).filter(Boolean);
    switch (directive) {
      case 'module':
        module = (words[0] ?? '').replace(/^"|"$/g, '');
        break;
      case 'go':
        goVersion = words[0];
        break;
      case 'toolchain':
        toolchain = words[0];
        break;
      case 'require':
        if (words[0] && words[1]) requires.push({ name: words[0], version: words[1], indirect });
        break;
      case 'replace': {
        const arrow = words.indexOf('=>');
        if (arrow < 1) break;
        const [name, version] = words.slice(0, arrow);
        const [to, toVersion] = words.slice(arrow + 1);
        if (name && to)
          replaces.push({ name, ...(version ? { version } : {}), to, ...(toVersion ? { toVersion } : {}) });
        break;
      }
    }
  }
  const [major = 0, minor = 0] = (goVersion ?? '').split('.').map(Number);
  const before117 = goVersion !== undefined && (major < 1 || (major === 1 && minor < 17));
  const out: GoModRequirement[] = [];
  if (module) out.push({ name: module, version: '', relationship: 'root' });
  for (const r of requires) {
    if (r.indirect && before117) continue;
    let name = r.name;
    let version = r.version;
    if (options.replace !== false) {
      const rep = replaces.find((x) => x.name === r.name && (x.version === undefined || x.version === r.version));
      if (rep && localPath.test(rep.to)) continue;
      if (rep?.toVersion) {
        name = rep.to;
        version = rep.toVersion;
      }
    }
    out.push({ name, version, relationship: r.indirect ? 'indirect' : 'direct' });
  }
  // the toolchain that builds the module, or a `go` line naming a full release (Go >= 1.21 semantics)
  const std =
    toolchain?.replace(/^go/, '') ??
    (goVersion && /^\d+\.\d+\.\d+$/.test(goVersion) && (major > 1 || minor >= 21) ? goVersion : undefined);
  if (std) out.push({ name: 'stdlib', version: `v${std}`, relationship: 'direct' });
  return out;
}

/**
 * go.sum: `module version[/go.mod] hash` lines. It lists every version the module graph ever
 * considered; the build uses the highest (minimal version selection), which `go mod tidy` writes last,
 * as the file is sorted by module, then by semantic version.
 */
export function parseGoSum(text: string): { name: string; version: string }[] {
  const selected = new Map<string, string>();
  for (const line of text.split('\n')) {
    const [name, version] = line.trim().split(/\s+/);
    if (!name || !version) continue;
    selected.set(name, version.replace(/\/go\.mod$/, ''));
  }
  return [...selected].map(([name, version]) => ({ name, version }));
}
