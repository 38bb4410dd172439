import type { Check } from '../check.ts';
import type { LocalizedEvidence } from '../evidence.ts';
import { missingInput } from '../missing-input.ts';
import { bsi } from '../references.ts';
import { eachContainer, manifestEvidence } from './workload-helpers.ts';

const readOnlySources = ['configMap', 'secret', 'projected', 'downwardAPI'];

export const run006: Check = {
  id: 'SGCI-RUN-006',
  section: 'RUN',
  title: { en: 'Read-only data on read-only volumes', de: 'Nur gelesene Daten auf schreibgeschützten Volumes' },
  level: 'SHOULD',
  references: [bsi('SYS.1.6.A23')],
  automation: ['manifest'],
  decides: 'ConfigMap, Secret, projected and downwardAPI volumes are mounted readOnly: true.',
  remediation: 'Set readOnly: true on every volumeMount of a configMap, secret or projected volume.',
  remediationDe: 'readOnly: true für jedes volumeMount eines configMap-, secret- oder projected-Volumes setzen.',
  evaluate(ctx) {
    if (!ctx.manifests) return missingInput.manifests;
    const evidence: LocalizedEvidence[] = [];
    let failed = false;
    for (const { workload, container } of eachContainer(ctx.manifests)) {
      const volumes = new Map((workload.pod.volumes ?? []).map((v) => [v.name, v]));
      for (const mount of container.volumeMounts ?? []) {
        const volume = volumes.get(mount.name);
        const source = readOnlySources.find((s) => volume && s in volume);
        if (!source) continue;
        if (mount.readOnly !== true) failed = true;
        evidence.push(
          manifestEvidence(workload, container, `volumeMounts[${mount.mountPath}].readOnly`, mount.readOnly, {
            en: `${source} volume ${mount.name}${mount.readOnly === true ? '' : ' mounted writable'}`,
            de: `${source}-Volume ${mount.name}${mount.readOnly === true ? '' : ' beschreibbar eingebunden'}`,
          }),
        );
      }
    }
    if (failed) return { status: 'fail', evidence, remediation: this.remediation };
    if (evidence.length === 0)
      evidence.push({
        kind: 'note',
        message: 'no configMap/secret/projected volumes mounted',
        messageDe: 'keine configMap-/secret-/projected-Volumes eingebunden',
      });
    return { status: 'pass', evidence };
  },
};
