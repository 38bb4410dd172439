import { normaliseLicense } from '../license.ts';

/** The fields of a package.json that identify an installed package. */
export interface PackageJson {
  readonly name: string;
  readonly version: string;
  readonly licenses: readonly string[];
  readonly private: boolean;
  readonly dependencies: readonly string[];
  readonly homepage?: string;
}

/** Parses package.json; undefined when it names no package (no name or no version). */
export function parsePackageJson(text: string): PackageJson | undefined {
  const json: unknown = JSON.parse(text);
  if (!isRecord(json)) throw new Error('package.json is not a JSON object');
  const name = typeof json.name === 'string' ? json.name.trim() : '';
  const version = typeof json.version === 'string' ? json.version.trim() : '';
  if (!name || !version) return undefined;
  return {
    name,
    version,
    licenses: licensesOf(json),
    private: json.private === true,
    dependencies: isRecord(json.dependencies) ? Object.keys(json.dependencies).sort() : [],
    ...(typeof json.homepage === 'string' ? { homepage: json.homepage } : {}),
  };
}

/**
 * `license: "MIT"`, `license: {type}`, legacy `licenses: [{type}]` and `licenses: ["MIT"]`. Syft
 * drops the last form as malformed; we keep it, because the intent is unambiguous.
 */
function licensesOf(json: Record<string, unknown>): string[] {
  const out: string[] = [];
  const add = (v: unknown) => {
    if (typeof v === 'string' && v.trim()) out.push(normaliseLicense(v.replace(/^\((.*)\)$/, '$1')));
    else if (isRecord(v) && typeof v.type === 'string' && v.type.trim()) out.push(normaliseLicense(v.type));
  };
  add(json.license);
  if (Array.isArray(json.licenses)) for (const l of json.licenses) add(l);
  else add(json.licenses);
  return out;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
