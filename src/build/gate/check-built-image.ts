import { predicateTypes } from '../../attest/index.ts';
import type { Sbom } from '../../catalog/index.ts';
import { type Digest, type Limits, SgciError } from '../../core/index.ts';
import type { Image } from '../../oci/index.ts';
import { defaultPolicy, type Policy } from '../../policy/index.ts';
import type { ScanReport } from '../../report/index.ts';
import { type ChecksOutcome, runScan } from '../../scan/index.ts';
import { assertSbomsAgree } from '../sbom/index.ts';

/** One `sgci check` check the build asserted, with its result on the built image. */
export interface AssertedCheck {
  readonly id: string;
  readonly result: ScanReport['results'][number]['result'];
  /** Why it did not decide (not-applicable, manual); absent otherwise. */
  readonly reason?: string;
}

/** What the build asserts of one platform's image: every check it decides, and those that failed. */
export interface GateReport {
  readonly platform: string;
  readonly policy: string;
  readonly asserted: readonly AssertedCheck[];
  /** Checks the image decides that this build does not assert, each with why (and its result, for the reader). */
  readonly unasserted: readonly (AssertedCheck & { readonly why: string })[];
  readonly failed: readonly string[];
}

/** The provenance the build signs, given to the checks as the verified attestation it will be once attached. */
export interface SignedProvenance {
  /** The digest the provenance and the signature are attached to (the pushed root). */
  readonly digest: Digest;
  readonly predicate: Record<string, unknown>;
}

export interface CheckBuiltImageOptions {
  readonly now: Date;
  readonly limits?: Limits;
  /** Run the checks too (item 8): under this policy (default: sgci's default policy). */
  readonly gate?: {
    readonly policy?: Policy;
    readonly signed?: SignedProvenance;
    /** Checks the build file says are not the build's to assert, by ID, with why. */
    readonly unasserted?: ReadonlyMap<string, string>;
  };
}

/**
 * The checks a build asserts: those the image decides; with a signature, also those that in addition read
 * signatures and attestations (the base checks), since the build itself signs the provenance they read.
 * Checks that need only attestations, a Dockerfile, manifests or history are not the build's to assert.
 */
function gateOf(
  checks: ChecksOutcome,
  platform: string,
  signed: boolean,
  unasserted: ReadonlyMap<string, string>,
): GateReport {
  const decided = checks.report.results
    .filter((r) => r.automation.includes('image') && (signed || !r.automation.includes('attestation')))
    .map((r) => ({ id: r.id, result: r.result, ...(r.reason ? { reason: r.reason } : {}) }));
  const asserted = decided.filter((c) => !unasserted.has(c.id));
  return {
    platform,
    policy: checks.report.policy.name,
    asserted,
    unasserted: decided.flatMap((c) => {
      const why = unasserted.get(c.id);
      return why === undefined ? [] : [{ ...c, why }];
    }),
    failed: asserted.filter((c) => c.result === 'fail').map((c) => c.id),
  };
}

/**
 * Scans one built platform image with the one pipeline, in one pass: its SBOM must agree with the build's own
 * (`assertSbomsAgree`), and with `gate` no check the build asserts may fail. Throws BUILD_REFUSED naming what
 * differs or failed; returns the scanned SBOM and the gate report.
 */
export async function checkBuiltImage(
  image: Image,
  declared: Sbom,
  options: CheckBuiltImageOptions,
): Promise<{ sbom: Sbom; gate?: GateReport }> {
  const signed = options.gate?.signed;
  const outcome = await runScan(
    {
      subject: { image },
      needs: { vulns: false, checks: options.gate !== undefined },
      policy: options.gate?.policy ?? defaultPolicy,
      now: options.now,
      ...(options.limits ? { limits: options.limits } : {}),
    },
    signed
      ? {
          verifyAttestations: async (description) => ({
            signatures: [{ digest: description.digest ?? signed.digest, verified: true }],
            attestations: [
              {
                digest: signed.digest,
                predicateType: predicateTypes.slsaprovenance1,
                verified: true,
                predicate: signed.predicate,
              },
            ],
          }),
        }
      : {},
  );
  assertSbomsAgree(declared, outcome.sbom);
  if (!outcome.checks) return { sbom: outcome.sbom };
  const platform = declared.subject.platform ?? '';
  const gate = gateOf(outcome.checks, platform, signed !== undefined, options.gate?.unasserted ?? new Map());
  if (gate.failed.length > 0) {
    const lines = gate.failed.map((id) => {
      const r = outcome.checks?.report.results.find((x) => x.id === id);
      return `${id} (${r?.remediation ?? r?.title.en ?? ''})`;
    });
    throw new SgciError(
      'BUILD_REFUSED',
      `${declared.subject.name} ${platform}`.trim(),
      `the built image fails sgci check: ${lines.join('; ')}`,
    );
  }
  return { sbom: outcome.sbom, gate };
}
