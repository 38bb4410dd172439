import { buildStatement, envelopeBytes, signStatement } from '../../attest/index.ts';
import { type Digest, SgciError } from '../../core/index.ts';
import { applyVex, toOpenVex, type VexStatement } from '../../vuln/index.ts';
import type { Principal } from '../accounts/principal.ts';
import type { Catalogue, CatalogueDb } from '../db/open.ts';
import type { StoredScanResult } from '../submissions/result.ts';
import { canSee } from '../submissions/view.ts';
import type { VerdictSigning } from '../verdicts/issue.ts';
import { type CsafPublisher, toCsafVex } from './csaf.ts';
import type { VexDecision } from './decision.ts';
import { type VersionFigures, versionFigures } from './figures.ts';
import type { CatalogueVexSource } from './source.ts';
import { productOf, versionStatements } from './statements.ts';
import { type StoredVersion, storedVersionOf } from './versions.ts';

/** The predicate type of the signed export: OpenVEX 0.2, as the document's `@context` names it. */
export const openVexPredicateType = 'https://openvex.dev/ns/v0.2.0';

/** A stored version `principal` may see, with its result; NOT_FOUND otherwise. */
export async function visibleVersion(
  db: CatalogueDb,
  principal: Principal | undefined,
  submission: string,
): Promise<{ version: StoredVersion; result: StoredScanResult | null }> {
  const stored = await storedVersionOf(db, submission);
  if (!canSee(principal, stored.version)) throw new SgciError('NOT_FOUND', submission, 'no such submission');
  return stored;
}

/** The published figures of a version `principal` may see, from its stored reports (the documents it serves). */
export async function versionFiguresOf(
  db: CatalogueDb,
  principal: Principal | undefined,
  submission: string,
): Promise<VersionFigures> {
  const { result } = await visibleVersion(db, principal, submission);
  if (!result) throw new SgciError('NOT_FOUND', submission, 'the version has no scan result yet');
  return versionFigures(result.vulns, result.checks);
}

/** The catalogue's decisions in force for one version, as exported. */
export interface VersionDecisions {
  readonly version: StoredVersion;
  readonly statements: readonly VexStatement[];
  /** The newest decision's time (else the version's evaluation): the documents' timestamp, stable while nothing changes. */
  readonly timestamp: string;
}

/**
 * The decisions in force for a version the principal may see (else NOT_FOUND) that meet one of its findings: its
 * own, and those inherited from its admitted bases, narrowed to the packages with findings (a base's SBOM lists
 * every package). A decision that meets no finding changes no count, and a catalogue-wide one would otherwise
 * appear in every version's document. Expired decisions are not exported: they no longer state anything.
 */
export async function versionDecisions(
  catalogue: Catalogue,
  source: CatalogueVexSource,
  principal: Principal | undefined,
  submission: string,
  now: Date,
): Promise<VersionDecisions> {
  const { version, result } = await visibleVersion(catalogue.db, principal, submission);
  const applied = await source.decisionsFor(version, now);
  const inForce = (list: readonly VexDecision[]) => list.filter((d) => d.state === 'in-force');
  const findings = (result?.vulns.matches ?? []).map((f) => ({ ...f, suppressed: false, vex: null }));
  /** The packages with a finding of this vulnerability: what an inherited decision about it is narrowed to. */
  const purlsNaming = (vulnerability: string) =>
    new Set(
      findings
        .filter((f) => [f.vulnerability.id, ...f.vulnerability.aliases].includes(vulnerability))
        .map((f) => f.package.purl),
    );
  const subject = result?.vulns.subject ?? version.subject;
  const statements = versionStatements(
    version,
    inForce(applied.own),
    applied.inherited.flatMap(({ base, decisions }) =>
      inForce(decisions).map((decision) => {
        const named = purlsNaming(decision.vulnerability);
        return { base: { ...base, purls: base.purls.filter((purl) => named.has(purl)) }, decisions: [decision] };
      }),
    ),
  ).filter((s) => applyVex(findings, [s], subject).some((f) => f.vex !== null));
  const newest = statements
    .map((s) => s.timestamp ?? '')
    .sort()
    .at(-1);
  return { version, statements, timestamp: newest || result?.vulns.evaluatedAt || now.toISOString() };
}

/**
 * OpenVEX 0.2 of a version's decisions, each statement's source (the decision, and the base it is inherited from)
 * in `status_notes`.
 */
export function openVexOf(decisions: VersionDecisions, author: string): string {
  const text = toOpenVex(decisions.statements, { author, timestamp: decisions.timestamp });
  const document = JSON.parse(text) as { statements: Record<string, unknown>[] };
  for (const [i, statement] of document.statements.entries()) {
    const source = decisions.statements[i];
    if (source) statement.status_notes = source.document;
  }
  return `${JSON.stringify(document, null, 2)}\n`;
}

/** CSAF 2.0 VEX of a version's decisions; NOT_FOUND when none applies (the profile needs a vulnerability). */
export function csafOf(decisions: VersionDecisions, publisher: CsafPublisher): string {
  const { version } = decisions;
  if (decisions.statements.length === 0)
    throw new SgciError('NOT_FOUND', version.submission, 'no catalogue decision applies to this version');
  return toCsafVex(decisions.statements, {
    publisher,
    title: `VEX decisions for ${version.image}@${version.digest}`,
    timestamp: decisions.timestamp,
    trackingPrefix: `sgci-vex-${version.digest.slice('sha256:'.length, 'sha256:'.length + 12)}`,
    productNames: { [productOf(version)]: `${version.image}@${version.digest}` },
  });
}

/**
 * The OpenVEX document signed with the catalogue's key as an in-toto statement about the version's digest, in the
 * DSSE envelope cosign writes (as the verdicts are): the bytes a consumer verifies with the catalogue's public key.
 */
export async function signedOpenVexOf(decisions: VersionDecisions, signing: VerdictSigning): Promise<Uint8Array> {
  const { version } = decisions;
  const predicate = JSON.parse(openVexOf(decisions, signing.verifierId));
  const statement = buildStatement(version.repository, version.digest as Digest, openVexPredicateType, predicate);
  return envelopeBytes(await signStatement(signing.signer, statement));
}
