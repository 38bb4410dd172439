import { SgciError } from '../core/index.ts';

/**
 * Package URLs as packageurl-js 2 builds them (purl-spec), for the types sgci writes. Built here because a scan
 * builds one per package and packageurl-js costs every run ~6 ms and 15 CommonJS modules to load (issue 17);
 * `purl.test.ts` holds every type to packageurl-js on generated components, which stays the parser elsewhere.
 */
export type PurlType =
  | 'apk'
  | 'cargo'
  | 'composer'
  | 'deb'
  | 'gem'
  | 'generic'
  | 'golang'
  | 'maven'
  | 'npm'
  | 'nuget'
  | 'oci'
  | 'pypi'
  | 'rpm';

/** The qualifier keys sgci writes: lower case, so packageurl-js's key normalisation and checks leave them as they are. */
export type PurlQualifier = 'arch' | 'distro' | 'epoch' | 'repository_url' | 'upstream' | 'vcs_url';

/** purl-spec's per-type normalisation, as packageurl-js applies it. */
const lowerCaseNamespace: ReadonlySet<PurlType> = new Set(['apk', 'composer', 'deb', 'npm', 'pypi', 'rpm']);
const lowerCaseName: ReadonlySet<PurlType> = new Set(['apk', 'composer', 'deb', 'npm', 'oci', 'pypi']);

/** packageurl-js's test of a golang version after its `v`. */
const semver =
  /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$/;

function invalid(message: string): SgciError {
  return new SgciError('SBOM_INVALID', '', `Invalid purl: ${message}`);
}

/**
 * The purl of a package: namespace segments joined without empty ones, name and version trimmed, blank qualifiers
 * dropped and the others trimmed and sorted by key, then each part percent-encoded as packageurl-js does.
 */
export function purl(
  type: PurlType,
  namespace: string | undefined,
  name: string,
  version: string | undefined,
  qualifiers?: Partial<Record<PurlQualifier, string | undefined>>,
): string {
  let ns = namespace ? namespaceSegments(namespace) : '';
  let n = name.trim();
  if (n === '') throw invalid('"name" is a required component');
  const v = version ? version.trim() : '';
  if (lowerCaseNamespace.has(type)) ns = ns.toLowerCase();
  if (lowerCaseName.has(type)) n = n.toLowerCase();
  if (type === 'pypi') n = n.replaceAll('_', '-');
  if (type === 'maven' && ns === '') throw invalid('maven requires a "namespace" component');
  if (type === 'oci' && ns !== '') throw invalid('oci "namespace" component must be empty');
  if (type === 'golang' && v.startsWith('v') && !semver.test(v.slice(1)))
    throw invalid('golang "version" component starting with a "v" must be followed by a valid semver version');
  let text = `pkg:${type}/`;
  if (ns) text += `${encodeURIComponent(ns).replaceAll('%3A', ':').replaceAll('%2F', '/')}/`;
  text += encodeURIComponent(n);
  if (v) text += `@${encodeURIComponent(v).replaceAll('%3A', ':').replaceAll('%2B', '+')}`;
  const query = qualifierQuery(qualifiers);
  return query ? `${text}?${query}` : text;
}

function namespaceSegments(namespace: string): string {
  return namespace
    .split('/')
    .filter((segment) => segment !== '')
    .join('/');
}

/** `key=value&…` sorted by key, the values form-encoded (URLSearchParams) with a space as `%20`. */
function qualifierQuery(qualifiers: Partial<Record<PurlQualifier, string | undefined>> | undefined): string {
  if (!qualifiers) return '';
  const pairs: string[] = [];
  for (const key of Object.keys(qualifiers).sort() as PurlQualifier[]) {
    const value = qualifiers[key]?.trim();
    if (value) pairs.push(`${key}=${formEncode(value)}`);
  }
  return pairs.join('&');
}

/** encodeURIComponent leaves `!'()~` as they are, the form encoding does not; it writes lone surrogates as U+FFFD. */
function formEncode(value: string): string {
  return encodeURIComponent(value.toWellFormed()).replace(
    /[!'()~]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}
