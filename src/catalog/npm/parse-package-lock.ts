import { normaliseLicense } from '../license.ts';

/** One package a package-lock.json pins (a declared, not an installed, view of a project). */
export interface LockedPackage {
  readonly name: string;
  readonly version: string;
  readonly dev: boolean;
  /** `unknown` for lockfile v1, which does not say what the project itself requires. */
  readonly relationship: 'direct' | 'indirect' | 'unknown';
  readonly licenses: readonly string[];
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

function licensesOf(p: Json): string[] {
  const out: string[] = [];
  const add = (v: unknown) => {
    if (typeof v === 'string' && v) out.push(normaliseLicense(v));
    else if (isObject(v) && typeof v.type === 'string') out.push(normaliseLicense(v.type));
  };
  // `license` and legacy `licenses`, each a string, an object {type} or an array of either
  for (const field of [p.license, p.licenses]) {
    if (Array.isArray(field)) for (const l of field) add(l);
    else add(field);
  }
  return out;
}

/**
 * package-lock.json v1 (nested `dependencies`) and v2/v3 (flat `packages` keyed by install path).
 * Workspace members (link entries) count as direct dependencies under the link's name; the same
 * name@version installed at several paths is one package, dev only if every copy is dev.
 */
export function parsePackageLock(text: string): LockedPackage[] {
  const json: unknown = JSON.parse(text);
  if (!isObject(json)) throw new Error('package-lock.json is not a JSON object');
  const found = new Map<
    string,
    { name: string; version: string; dev: boolean; relationship: LockedPackage['relationship']; licenses: string[] }
  >();
  const add = (
    name: string,
    version: string,
    dev: boolean,
    relationship: LockedPackage['relationship'],
    licenses: string[],
  ) => {
    const id = version ? `${name}@${version}` : name;
    const prev = found.get(id);
    if (!prev) {
      found.set(id, { name, version, dev, relationship, licenses });
      return;
    }
    prev.dev &&= dev;
    if (relationship === 'direct') prev.relationship = 'direct';
    if (prev.licenses.length === 0) prev.licenses = licenses;
  };
  if (isObject(json.packages)) {
    const packages = json.packages;
    const root = isObject(packages['']) ? packages[''] : {};
    const direct = new Set<string>();
    for (const field of ['dependencies', 'devDependencies', 'optionalDependencies', 'peerDependencies']) {
      if (isObject(root[field])) for (const d of Object.keys(root[field] as Json)) direct.add(d);
    }
    for (const [path, p] of Object.entries(packages)) {
      if (path === '' || !isObject(p)) continue;
      const name = path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length);
      if (p.link === true) {
        const target = typeof p.resolved === 'string' ? packages[p.resolved] : undefined;
        if (!p.resolved || !isObject(target)) continue; // a broken link points at nothing installed
        const t = target;
        add(name, typeof t.version === 'string' ? t.version : '', p.dev === true, 'direct', licensesOf(t));
        continue;
      }
      if (!path.includes('node_modules/')) continue; // a workspace member directory: reported through its link
      if (typeof p.version !== 'string') continue;
      const topLevel = path === `node_modules/${name}`;
      add(
        typeof p.name === 'string' ? p.name : name,
        p.version,
        p.dev === true,
        topLevel && direct.has(name) ? 'direct' : 'indirect',
        licensesOf(p),
      );
    }
  } else if (isObject(json.dependencies)) {
    const walk = (deps: Json) => {
      for (const [name, d] of Object.entries(deps)) {
        if (!isObject(d) || typeof d.version !== 'string') continue;
        add(name, d.version, d.dev === true, 'unknown', licensesOf(d));
        if (isObject(d.dependencies)) walk(d.dependencies);
      }
    };
    walk(json.dependencies);
  }
  return [...found.values()];
}
