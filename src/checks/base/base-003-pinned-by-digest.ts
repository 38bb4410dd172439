import type { Check } from '../check.ts';
import type { LocalizedEvidence, Text } from '../evidence.ts';
import { metadata } from '../facts/labels.ts';
import type { DockerfileInput } from '../inputs/dockerfile.ts';
import { missingInput } from '../missing-input.ts';
import { bsi, nist } from '../references.ts';
import { withoutBaseImage } from './base-identity.ts';

/** Why a FROM is not pinned; `untagged`/`latest` are what hadolint calls DL3006/DL3007. */
export type PinProblem = 'untagged' | 'latest' | 'tag-only' | 'unresolved';

export interface FromPin {
  readonly line: number;
  readonly stage: number;
  readonly image: string;
  readonly problem?: PinProblem;
}

/** Classifies every external FROM: stage references and scratch are not images and need no pin. */
export function fromPins(dockerfile: DockerfileInput): FromPin[] {
  const pins: FromPin[] = [];
  for (const stage of dockerfile.stages) {
    const from = stage.from;
    if (from.stage !== undefined || from.scratch) continue;
    let problem: PinProblem | undefined;
    if (from.unresolved) problem = 'unresolved';
    else if (!from.digest) problem = !from.tag ? 'untagged' : from.tag === 'latest' ? 'latest' : 'tag-only';
    pins.push({ line: from.line, stage: stage.index, image: from.image, ...(problem ? { problem } : {}) });
  }
  return pins;
}

const explain: Record<PinProblem, Text> = {
  untagged: {
    en: 'no tag and no digest: resolves to whatever :latest is today',
    de: 'weder Tag noch Digest: verweist auf das, was heute :latest ist',
  },
  latest: { en: 'the mutable :latest tag', de: 'das veränderliche Tag :latest' },
  'tag-only': {
    en: 'a tag without @sha256 digest: the tag can be moved',
    de: 'ein Tag ohne @sha256-Digest: das Tag kann verschoben werden',
  },
  unresolved: {
    en: 'the image is an ARG without a default: the pin cannot be checked',
    de: 'das Image ist ein ARG ohne Standardwert: die Festlegung kann nicht geprüft werden',
  },
};

export const base003: Check = {
  id: 'SGCI-BASE-003',
  section: 'BASE',
  title: { en: 'Base image referenced by digest', de: 'Base-Image per Digest referenziert' },
  level: 'SHOULD',
  references: [nist('4.2.2'), bsi('SYS.1.6.A6')],
  automation: ['dockerfile', 'image', 'attestation'],
  decides:
    'Every FROM of the Dockerfile is pinned with @sha256:… (stage references and scratch excepted); the image carries the org.opencontainers.image.base.digest annotation. Not applicable to an image without a base: one a verified sgci build provenance says was built from packages only.',
  remediation: 'Pin every FROM as image:tag@sha256:<digest> and record org.opencontainers.image.base.digest.',
  remediationDe: 'Jedes FROM als image:tag@sha256:<digest> festlegen und org.opencontainers.image.base.digest setzen.',
  evaluate(ctx) {
    if (!ctx.image && !ctx.dockerfile) return missingInput.imageOrDockerfile;
    const scratch = withoutBaseImage(ctx);
    if (scratch) return scratch;
    const evidence: LocalizedEvidence[] = [];
    let failed = false;
    let warned = false;
    if (ctx.dockerfile) {
      for (const pin of fromPins(ctx.dockerfile)) {
        evidence.push({
          kind: 'dockerfile',
          path: ctx.dockerfile.path,
          line: pin.line,
          instruction: `FROM ${pin.image}`,
          stage: pin.stage,
          message: pin.problem ? `${pin.problem}: ${explain[pin.problem].en}` : 'pinned by digest',
          messageDe: pin.problem ? `${pin.problem}: ${explain[pin.problem].de}` : 'per Digest festgelegt',
        });
        if (pin.problem === 'unresolved') warned = true;
        else if (pin.problem) failed = true;
      }
    }
    if (ctx.image) {
      const digest = metadata(ctx.image)['org.opencontainers.image.base.digest'];
      if (digest) evidence.push({ kind: 'config', field: 'org.opencontainers.image.base.digest', value: digest });
      else {
        evidence.push({
          kind: 'note',
          message: 'the image has no org.opencontainers.image.base.digest annotation',
          messageDe: 'das Image hat keine Annotation org.opencontainers.image.base.digest',
        });
        failed = true;
      }
    }
    if (failed) return { status: 'fail', evidence, remediation: this.remediation };
    if (warned)
      return {
        status: 'warn',
        evidence,
        remediation: 'Give the base image ARG a pinned default (image@sha256:…).',
        remediationDe: 'Dem ARG des Basis-Images einen festgepinnten Standardwert geben (image@sha256:…).',
      };
    return { status: 'pass', evidence };
  },
};
