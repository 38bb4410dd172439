import { type BaseImageCategory, classifyBaseImage } from '../../policy/index.ts';
import type { Check } from '../check.ts';
import { missingInput } from '../missing-input.ts';
import { bsi } from '../references.ts';
import { baseIdentity } from './base-identity.ts';

const categoryDe: Record<BaseImageCategory, string> = {
  preferred: 'bevorzugt',
  allowed: 'erlaubt',
  restricted: 'eingeschränkt',
  forbidden: 'verboten',
};

export const base005: Check = {
  id: 'SGCI-BASE-005',
  section: 'BASE',
  title: { en: 'Base image allowed by policy', de: 'Base-Image laut Policy erlaubt' },
  level: 'MUST',
  references: [bsi('SYS.1.6.A6')],
  automation: ['image', 'dockerfile'],
  decides:
    'The category of the base per policy: preferred (alpine, distroless, scratch), allowed (debian-slim, ubuntu LTS), restricted (official node, python, dotnet), forbidden (unknown/unofficial).',
  remediation: 'Build on a preferred (alpine, distroless, scratch) or allowed (debian-slim, ubuntu LTS) base image.',
  remediationDe:
    'Auf einem bevorzugten (alpine, distroless, scratch) oder erlaubten (debian-slim, ubuntu LTS) Base-Image aufbauen.',
  evaluate(ctx) {
    if (!ctx.image && !ctx.dockerfile) return missingInput.imageOrDockerfile;
    const base = baseIdentity(ctx);
    if (!base.name) {
      const distro = ctx.sbom?.distro;
      return {
        status: 'manual',
        reason:
          'the base image is not identified (no org.opencontainers.image.base.name annotation, no Dockerfile FROM); the distribution alone does not name it',
        reasonDe:
          'das Basis-Image ist nicht identifiziert (keine Annotation org.opencontainers.image.base.name, kein FROM im Dockerfile); die Distribution allein benennt es nicht',
        evidence: [
          ...base.evidence,
          ...(distro
            ? [
                {
                  kind: 'note' as const,
                  message: `distribution: ${distro.prettyName ?? `${distro.id} ${distro.versionId ?? ''}`}`,
                  messageDe: `Distribution: ${distro.prettyName ?? `${distro.id} ${distro.versionId ?? ''}`}`,
                },
              ]
            : []),
        ],
      };
    }
    const verdict = classifyBaseImage(base.name, ctx.policy);
    const evidence = [
      ...base.evidence,
      {
        kind: 'note' as const,
        message: `${verdict.normalized}: ${verdict.category}${verdict.pattern ? ` (policy pattern ${verdict.pattern})` : ' (matches no policy pattern)'}`,
        messageDe: `${verdict.normalized}: ${categoryDe[verdict.category]}${verdict.pattern ? ` (Policy-Muster ${verdict.pattern})` : ' (passt auf kein Policy-Muster)'}`,
      },
    ];
    if (verdict.category === 'forbidden') return { status: 'fail', evidence, remediation: this.remediation };
    if (verdict.category === 'restricted') {
      return {
        status: 'warn',
        evidence,
        remediation:
          'Restricted bases (official node, python, dotnet) are allowed only as official images; prefer a minimal base.',
        remediationDe:
          'Eingeschränkte Basis-Images (offizielle node-, python-, dotnet-Images) sind nur als offizielle Images erlaubt; ein minimales Basis-Image vorziehen.',
      };
    }
    return { status: 'pass', evidence };
  },
};
