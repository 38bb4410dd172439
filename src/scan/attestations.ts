import type { RegistryAccess, Signer } from '../attest/index.ts';
import { purl } from '../catalog/index.ts';
import type { Digest } from '../core/index.ts';
import type { RegistryReference } from '../oci/reference/index.ts';
import type { VexStatement, VulnReport } from '../vuln/index.ts';

/** One predicate of `sgci scan --attest`, with the text written to --out beside it (the same bytes, parsed). */
export interface ScanAttestation {
  readonly file: string;
  readonly text: string;
  readonly predicateType: string;
  readonly predicate: unknown;
}

/**
 * The image as an OpenVEX product: the OCI purl of the scanned manifest digest (`pkg:oci/NAME@sha256:…?
 * repository_url=REGISTRY/REPO`), the form OpenVEX recommends and that `sgci vulns --vex` matches by digest.
 */
export function ociProductPurl(ref: RegistryReference, digest: Digest): string {
  const name = ref.repository.slice(ref.repository.lastIndexOf('/') + 1);
  return purl('oci', undefined, name, digest, { repository_url: `${ref.registry}/${ref.repository}` });
}

/**
 * The VEX a scan produced: one statement per finding a VEX statement applied to (suppressed or kept), restated for
 * this image (product) and the finding's package (subcomponent), with the original status and reasons. A scan with
 * no such finding gives a document without statements: still a valid OpenVEX 0.2 document, and attesting it records
 * that no VEX decision applied to this image at scan time.
 */
export function scanVexStatements(vulns: VulnReport, product: string): VexStatement[] {
  const statements: VexStatement[] = [];
  for (const finding of vulns.matches) {
    const vex = finding.vex;
    if (!vex) continue;
    statements.push({
      vulnerability: { id: finding.vulnerability.id, aliases: finding.vulnerability.aliases },
      products: [product],
      subcomponents: [finding.package.purl],
      status: vex.status,
      ...(vex.justification ? { justification: vex.justification } : {}),
      ...(vex.impactStatement ? { impactStatement: vex.impactStatement } : {}),
      ...(vex.actionStatement ? { actionStatement: vex.actionStatement } : {}),
      ...(vex.timestamp ? { timestamp: vex.timestamp } : {}),
      document: vex.document,
      format: vex.format,
    });
  }
  return statements;
}

/**
 * The predicates `sgci scan --attest` signs: the CycloneDX SBOM exactly as written to sbom.cdx.json and the
 * OpenVEX document written to vex.openvex.json. Author `sgci`, timestamp the scan's evaluation time, so the
 * same scan with `--now` gives the same document.
 */
export async function scanAttestations(
  sbomText: string,
  vulns: VulnReport,
  ref: RegistryReference,
  digest: Digest,
): Promise<ScanAttestation[]> {
  // loaded here, not at start-up: the vulnerability module compiles the OSV schema when it loads (~0.1 s)
  const { toOpenVex } = await import('../vuln/index.ts');
  const { checkPredicateShape, predicateTypes } = await import('../attest/index.ts');
  const vexText = toOpenVex(scanVexStatements(vulns, ociProductPurl(ref, digest)), {
    author: 'sgci',
    timestamp: vulns.evaluatedAt,
  });
  const items: ScanAttestation[] = [
    { file: 'sbom.cdx.json', text: sbomText, predicateType: predicateTypes.cyclonedx, predicate: JSON.parse(sbomText) },
    { file: 'vex.openvex.json', text: vexText, predicateType: predicateTypes.openvex, predicate: JSON.parse(vexText) },
  ];
  for (const item of items) checkPredicateShape(item.predicate, item.predicateType, item.file);
  return items;
}

/**
 * Signs a scan's predicates for the scanned manifest digest and pushes them in one `.att` manifest beside the image,
 * as cosign does; returns what was pushed (`ref (digest)`).
 */
export async function publishScanAttestations(
  registry: RegistryAccess,
  ref: RegistryReference,
  digest: Digest,
  signer: Signer,
  items: readonly ScanAttestation[],
): Promise<string[]> {
  // the signing code loads with the first attestation, not with every command that scans
  const { planAttestations, pushPlan, resolveImage } = await import('../attest/index.ts');
  const resolved = await resolveImage(registry, { registry: ref.registry, repository: ref.repository, digest });
  const plan = await planAttestations(registry, resolved, signer, items);
  const pushed = await pushPlan(registry, plan);
  return pushed.map((p) => `${p.ref} (${p.digest})`);
}
