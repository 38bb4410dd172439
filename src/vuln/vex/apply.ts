import { PackageURL } from 'packageurl-js';
import type { SbomSubject } from '../../sbom/index.ts';
import type { Finding, VexRef, VexStatement } from '../types.ts';

function parsePurl(text: string): PackageURL | undefined {
  try {
    return PackageURL.fromString(text);
  } catch {
    return undefined;
  }
}

/** A statement's purl matches a package purl when type, namespace and name agree and its version/qualifiers, if given, too. */
export function purlMatches(statementPurl: string, packagePurl: string): boolean {
  if (statementPurl === packagePurl) return true;
  const s = parsePurl(statementPurl);
  const p = parsePurl(packagePurl);
  if (!s || !p) return false;
  if (s.type !== p.type || (s.namespace ?? '') !== (p.namespace ?? '') || s.name !== p.name) return false;
  if (s.version && s.version !== p.version) return false;
  for (const [k, v] of Object.entries(s.qualifiers ?? {})) if (p.qualifiers?.[k] !== v) return false;
  return true;
}

/** Does a statement's product name the scanned image: its digest, its repository, or an OCI purl of either. */
function productMatchesSubject(product: string, subject: SbomSubject): boolean {
  const digest = subject.digest ? String(subject.digest) : undefined;
  const repository = subject.name.replace(/@sha256:[0-9a-f]{64}$/, '').replace(/:[^/:]+$/, '');
  if (digest && (product === digest || product.endsWith(`@${digest}`))) return true;
  if (product === subject.name || product === repository) return true;
  const purl = product.startsWith('pkg:oci/') ? parsePurl(product) : undefined;
  if (purl) {
    const version = purl.version ? decodeURIComponent(purl.version) : undefined;
    if (digest && version === digest) return true;
    const url = purl.qualifiers?.repository_url;
    if (!version && url && (url === repository || `${url}/${purl.name}` === repository)) return true;
    if (!version && !url && repository.endsWith(`/${purl.name}`)) return true;
  }
  return false;
}

function statementApplies(statement: VexStatement, finding: Omit<Finding, 'sla'>, subject: SbomSubject): boolean {
  const findingIds = new Set([finding.vulnerability.id, ...finding.vulnerability.aliases]);
  const statementIds = [statement.vulnerability.id, ...statement.vulnerability.aliases];
  if (!statementIds.some((id) => findingIds.has(id))) return false;
  const productOk =
    statement.products.length === 0 ||
    statement.products.some((p) => productMatchesSubject(p, subject) || purlMatches(p, finding.package.purl));
  if (!productOk) return false;
  const productIsPackage = statement.products.some((p) => purlMatches(p, finding.package.purl));
  return (
    statement.subcomponents.length === 0 ||
    productIsPackage ||
    statement.subcomponents.some((s) => purlMatches(s, finding.package.purl))
  );
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
  return findings.map((finding) => {
    let chosen: VexStatement | undefined;
    for (const statement of statements) {
      if (!statementApplies(statement, finding, subject)) continue;
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
