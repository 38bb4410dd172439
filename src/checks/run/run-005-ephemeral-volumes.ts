import type { Check } from '../check.ts';
import type { LocalizedEvidence } from '../evidence.ts';
import { missingInput } from '../missing-input.ts';
import { bsi } from '../references.ts';
import { eachContainer, manifestEvidence } from './workload-helpers.ts';

/** Paths where software writes temporary data. */
/** Volume kinds Kubernetes always mounts read-only. */
const readOnlySources = ['secret', 'configMap', 'projected', 'downwardAPI'];

const temporary = /^\/(tmp|var\/tmp|run|var\/run|var\/cache)(\/|$)|\/\.cache(\/|$)|\/tmp(\/|$)/;

export const run005: Check = {
  id: 'SGCI-RUN-005',
  section: 'RUN',
  title: { en: 'Temporary data on ephemeral volumes', de: 'Temporäre Daten auf flüchtigen Volumes' },
  level: 'SHOULD',
  references: [bsi('SYS.1.6.A23')],
  automation: ['manifest'],
  decides:
    'Writable temporary paths (/tmp, /var/tmp, /run, caches) are mounted from emptyDir or ephemeral volumes, not hostPath.',
  remediation: 'Mount an emptyDir volume at /tmp (and other temporary paths) of every container.',
  remediationDe: 'Ein emptyDir-Volume unter /tmp (und anderen temporären Pfaden) jedes Containers einbinden.',
  evaluate(ctx) {
    if (!ctx.manifests) return missingInput.manifests;
    const evidence: LocalizedEvidence[] = [];
    let failed = false;
    let warned = false;
    for (const { workload, container } of eachContainer(ctx.manifests)) {
      const volumes = new Map((workload.pod.volumes ?? []).map((v) => [v.name, v]));
      // a Secret, ConfigMap or projected token under /var/run/secrets is read-only content, not temporary data
      const temps = (container.volumeMounts ?? []).filter((m) => {
        if (!temporary.test(m.mountPath)) return false;
        const volume = volumes.get(m.name);
        const readOnlySource = volume !== undefined && readOnlySources.some((kind) => kind in volume);
        return !(readOnlySource || m.readOnly === true);
      });
      if (temps.length === 0) {
        warned = true;
        evidence.push(
          manifestEvidence(workload, container, 'volumeMounts', undefined, {
            en: 'no ephemeral volume at /tmp: temporary data lands in the container filesystem',
            de: 'kein flüchtiges Volume unter /tmp: temporäre Daten landen im Dateisystem des Containers',
          }),
        );
        continue;
      }
      for (const mount of temps) {
        const volume = volumes.get(mount.name);
        const ephemeral = volume !== undefined && ('emptyDir' in volume || 'ephemeral' in volume);
        if (!ephemeral) failed = true;
        evidence.push(
          manifestEvidence(
            workload,
            container,
            `volumeMounts[${mount.mountPath}]`,
            mount.name,
            ephemeral
              ? { en: 'emptyDir/ephemeral', de: 'emptyDir/ephemeral' }
              : {
                  en: `volume ${mount.name} is not emptyDir/ephemeral`,
                  de: `Volume ${mount.name} ist nicht emptyDir/ephemeral`,
                },
          ),
        );
      }
    }
    if (failed) return { status: 'fail', evidence, remediation: this.remediation };
    if (warned) return { status: 'warn', evidence, remediation: this.remediation };
    return { status: 'pass', evidence };
  },
};
