/** One library of a .NET `*.deps.json` (the runtime's dependency manifest next to the app). */
export interface DotnetLibrary {
  readonly name: string;
  readonly version: string;
  readonly type: 'package' | 'project' | 'runtimepack';
  readonly dependencies: readonly string[];
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Libraries of type package/project/runtimepack. A package whose entry in the runtime target has no
 * runtime, native or runtimeTargets assets contributes nothing at run time (a reference package,
 * a meta-package) and is left out, as trivy does; one the target does not list, or every library
 * without a matching target, counts.
 */
export function parseDepsJson(text: string): DotnetLibrary[] {
  const json: unknown = JSON.parse(text);
  if (!isObject(json)) throw new Error('deps.json is not a JSON object');
  const libraries = isObject(json.libraries) ? json.libraries : {};
  const targets = isObject(json.targets) ? json.targets : {};
  const runtimeName =
    isObject(json.runtimeTarget) && typeof json.runtimeTarget.name === 'string' ? json.runtimeTarget.name : undefined;
  const target =
    runtimeName !== undefined && isObject(targets[runtimeName]) ? (targets[runtimeName] as Json) : undefined;
  const out: DotnetLibrary[] = [];
  for (const [key, lib] of Object.entries(libraries)) {
    if (!isObject(lib)) continue;
    const type = lib.type;
    if (type !== 'package' && type !== 'project' && type !== 'runtimepack') continue;
    const slash = key.lastIndexOf('/');
    if (slash <= 0) continue;
    const entry = target?.[key];
    // a package absent from the target is kept: the manifest does not say it is unused
    if (target && type === 'package' && isObject(entry)) {
      if (!isObject(entry.runtime) && !isObject(entry.native) && !isObject(entry.runtimeTargets)) continue;
    }
    out.push({
      name: key.slice(0, slash).replace(/^runtimepack\./, ''),
      version: key.slice(slash + 1),
      type,
      dependencies: isObject(entry) && isObject(entry.dependencies) ? Object.keys(entry.dependencies).sort() : [],
    });
  }
  return out;
}
