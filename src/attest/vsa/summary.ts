import { type Digest, digestAlgorithm, digestHex, SgciError, toolVersion } from '../../core/index.ts';
import { formatRegistryReference } from '../../oci/reference/index.ts';
import type { Signer } from '../keys/index.ts';
import { predicateTypes } from '../media-types/index.ts';
import { type DsseEnvelope, envelopeBytes } from '../sign/dsse.ts';
import { dockerReference, signStatement } from '../sign/sign-image.ts';
import { buildStatement, type InTotoStatement } from '../sign/statement.ts';
import {
  firstIssue,
  SgciVerdict,
  sgciVerdictField,
  type VerdictCheckResult,
  VerificationSummaryPredicate,
} from './schema.ts';

/**
 * sgci's own `verifiedLevels` values, one track where the higher implies the lower (so only the highest is
 * written, as SLSA asks of its tracks):
 * - `SGCI_BASELINE_PASSED`: every MUST check passed or did not apply;
 * - `SGCI_HARDENED_PASSED`: every check, MUST and SHOULD, passed or did not apply.
 */
export type SgciLevel = 'SGCI_BASELINE_PASSED' | 'SGCI_HARDENED_PASSED';

/** One hardening check as the catalogue decided it (after review, for manual checks). */
export interface VerdictCheck {
  readonly id: string;
  readonly level: 'MUST' | 'SHOULD';
  readonly result: VerdictCheckResult;
}

/** Everything a catalogue verdict states; nothing is read from a clock or the environment. */
export interface VerificationSummaryInput {
  /** The admitted image: its repository is the subject's name, its manifest digest the subject's digest. */
  readonly image: { readonly registry: string; readonly repository: string; readonly digest: Digest };
  /** The catalogue's URI (`verifier.id`): consumers accept VSAs only from the verifier they trust. */
  readonly verifierId: string;
  readonly timeVerified: Date;
  /** The catalogue policy evaluated: where it is published, the digest of its bytes, its version. */
  readonly policy: { readonly uri: string; readonly digest: Digest; readonly version: string };
  /** Every attestation the verdict rests on (SBOM, VEX, scan result …), each with where to fetch it. */
  readonly inputAttestations: readonly { readonly uri: string; readonly digest: Digest }[];
  /** The catalogue's decision under its policy (exceptions included). */
  readonly verificationResult: 'PASSED' | 'FAILED';
  /** The checks the decision rests on; at least one, each ID once. */
  readonly checks: readonly VerdictCheck[];
  /** The verdict holds from `validFrom` (default: `timeVerified`) until `validUntil`; after that it is expired. */
  readonly validFrom?: Date;
  readonly validUntil: Date;
  /** Set only when the catalogue verified the image's SLSA build provenance with a trusted key: its build level. */
  readonly slsaBuildLevel?: 0 | 1 | 2 | 3;
  /** Transitive dependencies per level (e.g. admitted base images), when the catalogue verified them. */
  readonly dependencyLevels?: Readonly<Record<string, number>>;
}

/** The SLSA version the levels refer to (the VSA fields used include 1.1's `verifier.version`). */
const slsaVersion = '1.1';

/**
 * The in-toto Statement v1 of a catalogue verdict: a SLSA verification summary (VSA v1) of one image with sgci's
 * per-check results and validity period under `sgciVerdictField`. The same input gives the same bytes: lists
 * are sorted, maps are written in key order. The result is checked against the VSA v1 schema before it is returned.
 */
export function verificationSummary(input: VerificationSummaryInput): InTotoStatement {
  const name = dockerReference(input.image);
  const checks = sortedChecks(input.checks, name);
  const timeVerified = timestamp(input.timeVerified, 'timeVerified', name);
  const verdict = {
    validFrom: input.validFrom ? timestamp(input.validFrom, 'validFrom', name) : timeVerified,
    validUntil: timestamp(input.validUntil, 'validUntil', name),
    policyVersion: input.policy.version,
    checks,
  };
  const predicate = {
    verifier: { id: input.verifierId, version: { sgci: toolVersion } },
    timeVerified,
    resourceUri: formatRegistryReference(input.image),
    policy: { uri: input.policy.uri, digest: digestSet(input.policy.digest) },
    inputAttestations: sortedAttestations(input.inputAttestations),
    verificationResult: input.verificationResult,
    verifiedLevels: verifiedLevels(input, checks),
    ...(input.dependencyLevels ? { dependencyLevels: sortedRecord(input.dependencyLevels) } : {}),
    slsaVersion,
    [sgciVerdictField]: verdict,
  };
  const parsed = VerificationSummaryPredicate.safeParse(predicate);
  if (!parsed.success)
    throw new SgciError('USAGE', name, `verification summary is invalid: ${firstIssue(parsed.error)}`);
  const parsedVerdict = SgciVerdict.safeParse(verdict);
  if (!parsedVerdict.success) {
    throw new SgciError('USAGE', name, `verification summary is invalid: ${firstIssue(parsedVerdict.error)}`);
  }
  return buildStatement(name, input.image.digest, predicateTypes.vsa, predicate);
}

/** A signed verdict: the statement, its DSSE envelope, and the envelope's bytes as pushed and served. */
export interface IssuedVerificationSummary {
  readonly statement: InTotoStatement;
  readonly envelope: DsseEnvelope;
  /** `envelopeBytes(envelope)`: the `.att` layer's bytes and the body of the catalogue's `GET …/vsa`. */
  readonly bytes: Uint8Array;
}

/** Builds and signs a verdict; attach it with `planSignedAttestation(registry, image, issued.envelope)`. */
export async function issueVerificationSummary(
  signer: Signer,
  input: VerificationSummaryInput,
): Promise<IssuedVerificationSummary> {
  const statement = verificationSummary(input);
  const envelope = await signStatement(signer, statement);
  return { statement, envelope, bytes: envelopeBytes(envelope) };
}

function timestamp(date: Date, field: string, input: string): string {
  if (Number.isNaN(date.getTime())) throw new SgciError('USAGE', input, `${field} is not a valid time`);
  return date.toISOString();
}

function digestSet(digest: Digest): Record<string, string> {
  return { [digestAlgorithm(digest)]: digestHex(digest) };
}

const byString = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

function sortedChecks(checks: readonly VerdictCheck[], input: string): VerdictCheck[] {
  if (checks.length === 0) throw new SgciError('USAGE', input, 'a verdict needs the checks it rests on');
  const sorted = checks.map(({ id, level, result }) => ({ id, level, result })).sort((a, b) => byString(a.id, b.id));
  const repeated = sorted.find((c, i) => i > 0 && sorted[i - 1]?.id === c.id);
  if (repeated) throw new SgciError('USAGE', input, `check ${repeated.id} is listed twice`);
  return sorted;
}

function sortedAttestations(
  attestations: VerificationSummaryInput['inputAttestations'],
): { uri: string; digest: Record<string, string> }[] {
  const unique = new Map(attestations.map((a) => [`${a.uri}\n${a.digest}`, a]));
  return [...unique.entries()]
    .sort(([a], [b]) => byString(a, b))
    .map(([, a]) => ({ uri: a.uri, digest: digestSet(a.digest) }));
}

function sortedRecord(record: Readonly<Record<string, number>>): Record<string, number> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => byString(a, b)));
}

/** FAILED for a failed verdict (as SLSA asks); else the SLSA build level if verified, and sgci's level if reached. */
function verifiedLevels(input: VerificationSummaryInput, checks: readonly VerdictCheck[]): string[] {
  if (input.verificationResult === 'FAILED') return ['FAILED'];
  const levels: string[] = [];
  if (input.slsaBuildLevel !== undefined) levels.push(`SLSA_BUILD_LEVEL_${input.slsaBuildLevel}`);
  const sgci = sgciLevel(checks);
  if (sgci) levels.push(sgci);
  return levels.sort(byString);
}

function sgciLevel(checks: readonly VerdictCheck[]): SgciLevel | undefined {
  const clean = (c: VerdictCheck) => c.result === 'pass' || c.result === 'not-applicable';
  if (checks.every(clean)) return 'SGCI_HARDENED_PASSED';
  if (checks.filter((c) => c.level === 'MUST').every(clean)) return 'SGCI_BASELINE_PASSED';
  return undefined;
}
