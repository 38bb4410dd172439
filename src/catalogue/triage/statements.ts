import type { Digest } from '../../core/index.ts';
import { ociProductPurl } from '../../scan/index.ts';
import { purlMatches, type VexStatement } from '../../vuln/index.ts';
import type { VersionScope } from '../services.ts';
import { splitRepository } from '../verdicts/issue.ts';
import type { VexDecision } from './decision.ts';

/** An admitted version of another image whose layers a version starts with: its image-scoped decisions apply. */
export interface BaseLayers {
  readonly submission: string;
  readonly image: string;
  readonly digest: string;
  /** The package URLs its own SBOM lists: the packages its layers bring; inherited decisions cover only these. */
  readonly purls: readonly string[];
}

/** The product a version's statements name: the OCI purl of its digest, as OpenVEX recommends and the matcher reads. */
export function productOf(version: Pick<VersionScope, 'repository' | 'digest'>): string {
  return ociProductPurl(splitRepository(version.repository), version.digest as Digest);
}

const documentPrefix = 'catalogue VEX decision';

/** The statement id of a decision: the same in every version's statements and exports. */
export function statementIdOf(decisionId: string): string {
  return `vex-decision-${decisionId}`;
}

/** The decision a statement the catalogue made came from, or undefined for a contributor's own VEX. */
export function decisionIdOf(statementId: string | undefined): string | undefined {
  return statementId?.startsWith('vex-decision-') ? statementId.slice('vex-decision-'.length) : undefined;
}

/**
 * A decision as the VEX statement the matcher applies to one version, or undefined when it does not apply there.
 * - In force: the decision's status and reasons; the finding shows it (suppressed ones stay listed).
 * - Expired: `under_investigation`, which keeps the finding active, with the document saying which decision
 *   expired when: the report shows the finding re-opened and why. Its timestamp stays the decision's, so a newer
 *   decision about the same finding wins over the expired one.
 * - Withdrawn: nothing; the withdrawal is in the events.
 * Inherited (`base`): restricted to the packages of the base's layers and marked "inherited from BASE@digest".
 */
export function decisionStatement(decision: VexDecision, product: string, base?: BaseLayers): VexStatement | undefined {
  if (decision.state === 'withdrawn') return undefined;
  const narrowed = decision.scope.purl;
  let subcomponents: readonly string[] = narrowed ? [narrowed] : [];
  if (base) {
    subcomponents = base.purls.filter((purl) => !narrowed || purlMatches(narrowed, purl));
    if (subcomponents.length === 0) return undefined;
  }
  const inherited = base ? `, inherited from ${base.image}@${base.digest}` : '';
  const common = {
    id: statementIdOf(decision.id),
    vulnerability: { id: decision.vulnerability, aliases: [] },
    products: [product],
    subcomponents: [...subcomponents],
    author: decision.author.name,
    timestamp: decision.createdAt,
    format: 'store' as const,
  };
  if (decision.state === 'expired') {
    return {
      ...common,
      status: 'under_investigation',
      document: `${documentPrefix} ${decision.id} expired on ${decision.expiresAt}, finding re-opened${inherited}`,
    };
  }
  return {
    ...common,
    status: decision.status,
    ...(decision.justification ? { justification: decision.justification } : {}),
    ...(decision.impactStatement ? { impactStatement: decision.impactStatement } : {}),
    ...(decision.actionStatement ? { actionStatement: decision.actionStatement } : {}),
    document: `${documentPrefix} ${decision.id}${inherited}`,
  };
}

/**
 * The statements of a version: its own decisions (by package URL, image, organisation) and those inherited from the
 * admitted bases it is built on, oldest decision first (of two decisions with one timestamp the later applies).
 */
export function versionStatements(
  version: Pick<VersionScope, 'repository' | 'digest'>,
  own: readonly VexDecision[],
  inherited: readonly { readonly base: BaseLayers; readonly decisions: readonly VexDecision[] }[],
): VexStatement[] {
  const product = productOf(version);
  // a draft (dry run) has no number yet: it comes last, as it would once recorded
  const order = (d: VexDecision) => (/^\d+$/.test(d.id) ? Number(d.id) : Number.POSITIVE_INFINITY);
  const entries: { order: number; statement: VexStatement | undefined }[] = [
    ...own.map((d) => ({ order: order(d), statement: decisionStatement(d, product) })),
    ...inherited.flatMap(({ base, decisions }) =>
      decisions.map((d) => ({ order: order(d), statement: decisionStatement(d, product, base) })),
    ),
  ];
  return entries.sort((a, b) => a.order - b.order).flatMap((e) => (e.statement ? [e.statement] : []));
}
