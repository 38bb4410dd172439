import { PackageURL } from 'packageurl-js';
import type { SbomSubject } from '../../sbom/index.ts';
import type { Finding, VexRef, VexStatement } from '../types.ts';

/** A statement's purl matches a package purl when type, namespace and name agree and its version/qualifiers, if given, too. */
export function purlMatches(statementPurl: string, packagePurl: string): boolean {
  return parsedPurlMatches(statementPurl, parsePurl(statementPurl), packagePurl, parsePurl(packagePurl));
}

function parsePurl(text: string): PackageURL | undefined {
  try {
    return PackageURL.fromString(text);
  } catch {
    return undefined;
  }
}

function parsedPurlMatches(
  statementText: string,
  s: PackageURL | undefined,
  packageText: string,
  p: PackageURL | undefined,
): boolean {
  if (statementText === packageText) return true;
  if (!s || !p) return false;
  if (s.type !== p.type || (s.namespace ?? '') !== (p.namespace ?? '') || s.name !== p.name) return false;
  if (s.version && s.version !== p.version) return false;
  for (const [k, v] of Object.entries(s.qualifiers ?? {})) if (p.qualifiers?.[k] !== v) return false;
  return true;
}

/** Does a statement's product name the scanned image: its digest, its repository, or an OCI purl of either. */
function subjectMatcher(subject: SbomSubject): (product: string, purl: PackageURL | undefined) => boolean {
  const digest = subject.digest ? String(subject.digest) : undefined;
  const repository = subject.name.replace(/@sha256:[0-9a-f]{64}$/, '').replace(/:[^/:]+$/, '');
  return (product, purl) => {
    if (digest && (product === digest || product.endsWith(`@${digest}`))) return true;
    if (product === subject.name || product === repository) return true;
    if (purl?.type === 'oci') {
      const version = purl.version ? decodeURIComponent(purl.version) : undefined;
      if (digest && version === digest) return true;
      const url = purl.qualifiers?.repository_url;
      if (!version && url && (url === repository || `${url}/${purl.name}` === repository)) return true;
      if (!version && !url && repository.endsWith(`/${purl.name}`)) return true;
    }
    return false;
  };
}

/** A statement with its purls parsed and its subject test answered, once per `applyVex` call. */
interface PreparedStatement {
  readonly statement: VexStatement;
  /** No products, or one that names the scanned image: the statement is about this image. */
  readonly namesImage: boolean;
  readonly products: readonly { readonly text: string; readonly purl: PackageURL | undefined }[];
  readonly subcomponents: readonly { readonly text: string; readonly purl: PackageURL | undefined }[];
}

function prepare(statement: VexStatement, namesSubject: ReturnType<typeof subjectMatcher>): PreparedStatement {
  const products = statement.products.map((text) => ({ text, purl: parsePurl(text) }));
  return {
    statement,
    namesImage: products.length === 0 || products.some((p) => namesSubject(p.text, p.purl)),
    products,
    subcomponents: statement.subcomponents.map((text) => ({ text, purl: parsePurl(text) })),
  };
}

/** Whether a statement naming one of the finding's ids covers the finding's package in this image. */
function statementApplies(prepared: PreparedStatement, purl: string, parsed: PackageURL | undefined): boolean {
  const covers = (p: { text: string; purl: PackageURL | undefined }) => parsedPurlMatches(p.text, p.purl, purl, parsed);
  const productIsPackage = prepared.products.some(covers);
  if (!prepared.namesImage && !productIsPackage) return false;
  return prepared.subcomponents.length === 0 || productIsPackage || prepared.subcomponents.some(covers);
}

/** Statements per vulnerability id and alias (in document order), so a finding meets only statements about it. */
function indexById(statements: readonly PreparedStatement[]): Map<string, PreparedStatement[]> {
  const index = new Map<string, PreparedStatement[]>();
  for (const prepared of statements) {
    const { id, aliases } = prepared.statement.vulnerability;
    for (const key of new Set([id, ...aliases])) {
      const list = index.get(key);
      if (list) list.push(prepared);
      else index.set(key, [prepared]);
    }
  }
  return index;
}

function refOf(statement: VexStatement): VexRef {
  const ref: Record<string, unknown> = {
    status: statement.status,
    document: statement.document,
    format: statement.format,
  };
  for (const key of ['justification', 'impactStatement', 'actionStatement', 'author', 'timestamp'] as const)
    if (statement[key]) ref[key] = statement[key];
  if (statement.id) ref.statementId = statement.id;
  return ref as unknown as VexRef;
}

/**
 * Applies VEX statements: the newest applicable statement decides (OpenVEX semantics; later documents win ties).
 * `not_affected` and `fixed` suppress; `affected` and `under_investigation` keep the finding active. Nothing is
 * removed: a suppressed finding carries the statement that suppressed it.
 */
export function applyVex<F extends Omit<Finding, 'sla'>>(
  findings: readonly F[],
  statements: readonly VexStatement[],
  subject: SbomSubject,
): F[] {
  const namesSubject = subjectMatcher(subject);
  const prepared = statements.map((statement) => prepare(statement, namesSubject));
  const order = new Map(prepared.map((p, position) => [p, position]));
  const byId = indexById(prepared);
  return findings.map((finding) => {
    const lists = [...new Set([finding.vulnerability.id, ...finding.vulnerability.aliases])]
      .map((id) => byId.get(id))
      .filter((list) => list !== undefined);
    // In document order: of statements with the same timestamp, the later one wins.
    const candidates =
      lists.length <= 1
        ? (lists[0] ?? [])
        : [...new Set(lists.flat())].sort((a, b) => (order.get(a) ?? 0) - (order.get(b) ?? 0));
    // most findings have no statement about them: their purl is not parsed
    if (candidates.length === 0) return finding;
    const purl = finding.package.purl;
    const parsed = parsePurl(purl);
    let chosen: VexStatement | undefined;
    for (const candidate of candidates) {
      if (!statementApplies(candidate, purl, parsed)) continue;
      const { statement } = candidate;
      if (!chosen || (statement.timestamp ?? '') >= (chosen.timestamp ?? '')) chosen = statement;
    }
    if (!chosen) return finding;
    return {
      ...finding,
      suppressed: chosen.status === 'not_affected' || chosen.status === 'fixed',
      vex: refOf(chosen),
    };
  });
}
