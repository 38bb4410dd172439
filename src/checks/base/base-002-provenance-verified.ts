import { attestationGap } from '../build/attestation-helpers.ts';
import type { Check } from '../check.ts';
import type { LocalizedEvidence } from '../evidence.ts';
import { missingInput } from '../missing-input.ts';
import { bsi, nist } from '../references.ts';
import { baseIdentity, withoutBaseImage } from './base-identity.ts';

export const base002: Check = {
  id: 'SGCI-BASE-002',
  section: 'BASE',
  title: { en: 'Base image provenance verified', de: 'Herkunft des Base-Images verifiziert' },
  level: 'MUST',
  references: [nist('4.1.5'), bsi('SYS.1.6.A6'), bsi('SYS.1.6.A12')],
  automation: ['image', 'attestation'],
  decides:
    'The base image is identified (annotations org.opencontainers.image.base.name/base.digest or the Dockerfile FROM) and its signature verifies against a trusted key of the policy. Not applicable to an image without a base: one a verified sgci build provenance says was built from packages only.',
  remediation:
    'Record the base with org.opencontainers.image.base.name/.digest annotations and use a base image signed by a key listed in the policy.',
  remediationDe:
    'Das Base-Image mit den Annotationen org.opencontainers.image.base.name/.digest festhalten und ein Base-Image verwenden, das mit einem in der Policy hinterlegten Schlüssel signiert ist.',
  evaluate(ctx) {
    if (!ctx.image && !ctx.dockerfile) return missingInput.imageOrDockerfile;
    const scratch = withoutBaseImage(ctx);
    if (scratch) return scratch;
    const base = baseIdentity(ctx);
    if (!base.name && !base.digest) {
      return {
        status: 'fail',
        evidence: [
          {
            kind: 'note',
            message: 'no org.opencontainers.image.base.name/base.digest annotation and no Dockerfile FROM',
            messageDe: 'keine Annotation org.opencontainers.image.base.name/base.digest und kein FROM im Dockerfile',
          },
        ],
        remediation: this.remediation,
      };
    }
    const gap = attestationGap(ctx, {
      en: "the base image's signature",
      de: 'die Signatur des Basis-Images',
    });
    if (gap || !ctx.attestations) {
      return {
        status: 'manual',
        reason: `base identified; ${gap?.status === 'manual' ? gap.reason : "the base image's signature was not verified"}`,
        reasonDe: `Basis-Image identifiziert; ${gap?.status === 'manual' ? gap.reasonDe : 'die Signatur des Basis-Images wurde nicht verifiziert'}`,
        evidence: base.evidence,
      };
    }
    const verified = ctx.attestations.signatures.filter((s) => s.verified && s.digest === base.digest);
    if (verified.length > 0) {
      return {
        status: 'pass',
        evidence: [
          ...base.evidence,
          ...verified.map((s): LocalizedEvidence => {
            const signature = { kind: 'attestation', digest: s.digest, predicateType: 'cosign signature' } as const;
            return s.keyId ? { ...signature, message: `key ${s.keyId}`, messageDe: `Schlüssel ${s.keyId}` } : signature;
          }),
        ],
      };
    }
    return {
      status: 'fail',
      evidence: [
        ...base.evidence,
        {
          kind: 'note',
          message: 'no verified signature over the base image digest',
          messageDe: 'keine verifizierte Signatur über den Digest des Basis-Images',
        },
      ],
      remediation: this.remediation,
    };
  },
};
