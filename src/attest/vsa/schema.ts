import { z } from 'zod';

/**
 * The SLSA Verification Summary Attestation predicate, v1 (https://slsa.dev/spec/v1.1/verification_summary,
 * with `verifier.version` from 1.1): what a consumer may rely on in any VSA, sgci's or another verifier's.
 * Unknown fields pass through, as the in-toto parsing rules require of consumers.
 */

/** RFC 3339 in UTC ("Z"), the in-toto Timestamp field type. */
const Timestamp = z.iso.datetime();
/** An absolute URI (in-toto TypeURI): a scheme, a colon, no white space. */
const TypeUri = z.string().regex(/^[a-z][a-z0-9+.-]*:\S+$/i, 'must be an absolute URI');
/** in-toto DigestSet: lower-case algorithm names to their (hex) values; at least one. */
const DigestSet = z
  .record(z.string().regex(/^[a-z0-9_-]+$/, 'algorithm names are lower case'), z.string().min(1))
  .refine((set) => Object.keys(set).length > 0, 'needs at least one digest');
/** A SlsaResult: `SLSA_<TRACK>_LEVEL_<N>`, `FAILED`, or a producer's own value. */
const SlsaResult = z.string().min(1);

const trackOf = (level: string): string | undefined => /^SLSA_([A-Z0-9]+)_LEVEL_/.exec(level)?.[1];

export const VerificationSummaryPredicate = z.looseObject({
  verifier: z.looseObject({
    id: TypeUri,
    version: z.record(z.string(), z.string()).optional(),
  }),
  // Required in 1.0, optional since 1.1: read both.
  timeVerified: Timestamp.optional(),
  resourceUri: z.string().min(1),
  policy: z.looseObject({ uri: TypeUri, digest: DigestSet.optional() }),
  inputAttestations: z.array(z.looseObject({ uri: z.string().min(1).optional(), digest: DigestSet })).optional(),
  verificationResult: z.enum(['PASSED', 'FAILED']),
  verifiedLevels: z.array(SlsaResult).refine((levels) => {
    const tracks = levels.map(trackOf).filter((t) => t !== undefined);
    return new Set(tracks).size === tracks.length;
  }, 'more than one level of one SLSA track'),
  dependencyLevels: z.record(SlsaResult, z.number().int().nonnegative()).optional(),
  slsaVersion: z
    .string()
    .regex(/^\d+\.\d+$/, 'must be MAJOR.MINOR')
    .optional(),
});
export type VerificationSummaryPredicate = z.infer<typeof VerificationSummaryPredicate>;

/**
 * Where sgci's own fields live inside the predicate: SLSA lets producers add fields named by URIs. The URI is the
 * project's (the SARIF output names the same home); the `/v1` changes when a field changes meaning.
 */
export const sgciVerdictField = 'https://opencode.de/sgci/vsa/v1';

/** The outcome of one hardening check as the catalogue recorded it (sgci's check statuses). */
export const VerdictCheckResult = z.enum(['pass', 'fail', 'warn', 'not-applicable', 'manual']);
export type VerdictCheckResult = z.infer<typeof VerdictCheckResult>;

/** sgci's extension: the validity period, the catalogue policy's version and every check's result. */
export const SgciVerdict = z
  .looseObject({
    validFrom: Timestamp,
    validUntil: Timestamp,
    policyVersion: z.string().min(1),
    checks: z.array(z.object({ id: z.string().min(1), level: z.enum(['MUST', 'SHOULD']), result: VerdictCheckResult })),
  })
  .refine((v) => Date.parse(v.validFrom) < Date.parse(v.validUntil), 'validFrom must be before validUntil');
export type SgciVerdict = z.infer<typeof SgciVerdict>;

/** Where and why a value does not match its schema: the first issue, one line. */
export function firstIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return 'does not match the schema';
  return `${issue.path.map(String).join('.') || '(top level)'}: ${issue.message}`;
}
