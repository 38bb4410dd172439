import type { Check } from '../check.ts';
import type { LocalizedEvidence } from '../evidence.ts';
import { missingInput } from '../missing-input.ts';
import { bsi, nist } from '../references.ts';
import { eachContainer, effective, manifestEvidence } from './workload-helpers.ts';

export const run003: Check = {
  id: 'SGCI-RUN-003',
  section: 'RUN',
  title: { en: 'Runtime security profile defined', de: 'Laufzeit-Sicherheitsprofil definiert' },
  level: 'SHOULD',
  references: [nist('4.4.3'), nist('4.4.4'), bsi('SYS.1.6.A21')],
  automation: ['manifest'],
  decides:
    'Every container has a seccompProfile (not Unconfined), an AppArmor profile or SELinux options (own or pod level).',
  remediation: 'Set securityContext.seccompProfile.type: RuntimeDefault (or a Localhost profile) for the pod.',
  remediationDe: 'securityContext.seccompProfile.type: RuntimeDefault (oder ein Localhost-Profil) für den Pod setzen.',
  evaluate(ctx) {
    if (!ctx.manifests) return missingInput.manifests;
    const evidence: LocalizedEvidence[] = [];
    let failed = false;
    for (const { workload, container } of eachContainer(ctx.manifests)) {
      const seccomp = effective(workload, container, 'seccompProfile')?.value as { type?: string } | undefined;
      const apparmor = effective(workload, container, 'appArmorProfile')?.value as { type?: string } | undefined;
      const apparmorAnnotation =
        workload.annotations[`container.apparmor.security.beta.kubernetes.io/${container.name}`];
      const selinux = effective(workload, container, 'seLinuxOptions')?.value;
      const profiles = [
        seccomp?.type && seccomp.type !== 'Unconfined' ? `seccomp ${seccomp.type}` : undefined,
        apparmor?.type && apparmor.type !== 'Unconfined' ? `AppArmor ${apparmor.type}` : undefined,
        apparmorAnnotation && apparmorAnnotation !== 'unconfined' ? `AppArmor ${apparmorAnnotation}` : undefined,
        selinux ? 'SELinux options' : undefined,
      ].filter((p): p is string => p !== undefined);
      if (profiles.length === 0) {
        failed = true;
        evidence.push(
          manifestEvidence(workload, container, 'securityContext.seccompProfile', seccomp, {
            en: 'no seccomp, AppArmor or SELinux profile',
            de: 'kein seccomp-, AppArmor- oder SELinux-Profil',
          }),
        );
      } else evidence.push(manifestEvidence(workload, container, 'securityContext', profiles.join(', ')));
    }
    if (failed) return { status: 'fail', evidence, remediation: this.remediation };
    return { status: 'pass', evidence };
  },
};
