import type { Check } from '../check.ts';
import type { LocalizedEvidence } from '../evidence.ts';
import { finalStage, lastInstruction } from '../inputs/dockerfile.ts';
import { missingInput } from '../missing-input.ts';
import { bsi } from '../references.ts';
import { eachContainer, manifestEvidence } from './workload-helpers.ts';

export const run008: Check = {
  id: 'SGCI-RUN-008',
  section: 'RUN',
  title: { en: 'Health probes defined', de: 'Health-Probes definiert' },
  level: 'SHOULD',
  references: [bsi('APP.4.4.A11')],
  automation: ['image', 'manifest', 'dockerfile'],
  decides:
    'The image config has a Healthcheck (not NONE), the final Dockerfile stage a HEALTHCHECK, or every container in the manifests a liveness, readiness or startup probe.',
  remediation: 'Add a HEALTHCHECK to the image or liveness/readiness/startup probes to every container.',
  remediationDe: 'Dem Image einen HEALTHCHECK oder jedem Container liveness-/readiness-/startup-Probes geben.',
  evaluate(ctx) {
    if (!ctx.image && !ctx.manifests && !ctx.dockerfile) return missingInput.anyInput;
    const evidence: LocalizedEvidence[] = [];
    let imageHas = false;
    let dockerfileHas: boolean | undefined;
    let manifestsHave: boolean | undefined;
    if (ctx.image) {
      const test = ctx.image.config.config?.Healthcheck?.Test ?? [];
      imageHas = test.length > 0 && test[0] !== 'NONE';
      const config = {
        kind: 'config',
        field: 'Healthcheck.Test',
        value: test.length ? JSON.stringify(test) : '(none)',
      } as const;
      evidence.push(test[0] === 'NONE' ? { ...config, message: 'disabled', messageDe: 'deaktiviert' } : config);
    }
    if (ctx.dockerfile) {
      const last = finalStage(ctx.dockerfile);
      const found = last ? lastInstruction(ctx.dockerfile, last, 'HEALTHCHECK') : undefined;
      dockerfileHas = found !== undefined && found.instruction.args[0]?.toUpperCase() !== 'NONE';
      if (found) {
        const instruction = {
          kind: 'dockerfile',
          path: ctx.dockerfile.path,
          line: found.instruction.line,
          instruction: `HEALTHCHECK ${found.instruction.raw}`,
          stage: found.stage.index,
        } as const;
        evidence.push(dockerfileHas ? instruction : { ...instruction, message: 'disabled', messageDe: 'deaktiviert' });
      } else
        evidence.push({
          kind: 'note',
          message: `${ctx.dockerfile.path}: the final stage has no HEALTHCHECK`,
          messageDe: `${ctx.dockerfile.path}: die letzte Stage hat kein HEALTHCHECK`,
        });
    }
    if (ctx.manifests) {
      manifestsHave = true;
      for (const { workload, container } of eachContainer(ctx.manifests)) {
        if (container.init) continue;
        const probes = (['livenessProbe', 'readinessProbe', 'startupProbe'] as const).filter(
          (p) => container[p] !== undefined,
        );
        if (probes.length === 0) manifestsHave = false;
        evidence.push(
          manifestEvidence(
            workload,
            container,
            'probes',
            probes.length ? probes.join(', ') : undefined,
            probes.length ? undefined : { en: 'no probe', de: 'keine Probe' },
          ),
        );
      }
    }
    if (imageHas || dockerfileHas === true || manifestsHave === true) return { status: 'pass', evidence };
    return { status: 'fail', evidence, remediation: this.remediation };
  },
};
