import type { Check } from '../check.ts';
import type { LocalizedEvidence } from '../evidence.ts';
import { bsi } from '../references.ts';
import { eachContainer, manifestEvidence } from './workload-helpers.ts';

export const run004: Check = {
  id: 'SGCI-RUN-004',
  section: 'RUN',
  title: { en: 'Read-only root filesystem', de: 'Schreibgeschütztes Root-Dateisystem' },
  level: 'SHOULD',
  references: [bsi('SYS.1.6.A23')],
  automation: ['manifest', 'image'],
  decides:
    'Every container sets readOnlyRootFilesystem: true; the image declares VOLUMEs for the paths it writes (listed).',
  remediation:
    'Set securityContext.readOnlyRootFilesystem: true and mount volumes for the paths the application writes.',
  remediationDe:
    'securityContext.readOnlyRootFilesystem: true setzen und Volumes für die Pfade einbinden, in die die Anwendung schreibt.',
  evaluate(ctx) {
    const volumes = Object.keys(ctx.image?.config.config?.Volumes ?? {}).sort();
    const volumeEvidence: LocalizedEvidence[] = ctx.image
      ? [{ kind: 'config', field: 'Volumes', value: volumes.length ? volumes.join(', ') : '(none)' }]
      : [];
    if (!ctx.manifests) {
      return {
        status: 'not-applicable',
        reason: 'readOnlyRootFilesystem is set in Kubernetes manifests, none given (--manifests)',
        reasonDe: 'readOnlyRootFilesystem wird in Kubernetes-Manifesten gesetzt, keine angegeben (--manifests)',
        evidence: volumeEvidence,
      };
    }
    const evidence: LocalizedEvidence[] = [...volumeEvidence];
    let failed = false;
    for (const { workload, container } of eachContainer(ctx.manifests)) {
      const ro = container.securityContext?.readOnlyRootFilesystem;
      if (ro !== true) failed = true;
      evidence.push(
        manifestEvidence(
          workload,
          container,
          'securityContext.readOnlyRootFilesystem',
          ro,
          ro === true ? undefined : { en: 'not true', de: 'nicht true' },
        ),
      );
    }
    if (failed) return { status: 'fail', evidence, remediation: this.remediation };
    return { status: 'pass', evidence };
  },
};
