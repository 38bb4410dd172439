import type { FileEntry } from '../../oci/types.ts';
import type { Check } from '../check.ts';
import type { Evidence } from '../evidence.ts';
import { bsi } from '../references.ts';
import { eachContainer, manifestEvidence } from './workload-helpers.ts';

function privilegeOf(entry: FileEntry): string | undefined {
  if (entry.type !== 'file' && entry.type !== 'hardlink') return undefined;
  const bits = [
    (entry.mode & 0o4000) !== 0 ? 'setuid' : '',
    (entry.mode & 0o2000) !== 0 ? 'setgid' : '',
    entry.xattrs?.['security.capability'] ? 'file capabilities' : '',
  ]
    .filter(Boolean)
    .join(' + ');
  return bits || undefined;
}

export const run011: Check = {
  id: 'SGCI-RUN-011',
  section: 'RUN',
  title: { en: 'No privileged mode', de: 'Kein privilegierter Modus' },
  level: 'SHOULD',
  references: [bsi('SYS.1.6.A17')],
  automation: ['image', 'manifest'],
  decides:
    'No setuid/setgid files and no file capabilities (security.capability) in any layer; manifests: privileged false, allowPrivilegeEscalation false, capabilities drop ALL, no host namespaces.',
  remediation:
    'chmod u-s,g-s the files (or remove them), and set privileged: false, allowPrivilegeEscalation: false, capabilities.drop: [ALL].',
  remediationDe:
    'Bei den Dateien chmod u-s,g-s ausführen (oder sie entfernen) und privileged: false, allowPrivilegeEscalation: false, capabilities.drop: [ALL] setzen.',
  evaluate(ctx) {
    if (!ctx.fs && !ctx.manifests) return { status: 'not-applicable', reason: 'neither an image nor manifests given' };
    const evidence: Evidence[] = [];
    if (ctx.fs) {
      for (const entry of ctx.fs.squashed.entries()) {
        const p = privilegeOf(entry);
        if (p)
          evidence.push({
            kind: 'file',
            path: entry.path,
            layer: entry.layer,
            message: `${p} mode ${(entry.mode & 0o7777).toString(8).padStart(4, '0')} owner ${entry.uid}`,
          });
      }
      for (const entry of ctx.fs.hidden) {
        const p = privilegeOf(entry);
        if (p)
          evidence.push({
            kind: 'file',
            path: entry.path,
            layer: entry.layer,
            hidden: true,
            message: `${p} (removed later, still shipped)`,
          });
      }
    }
    if (ctx.manifests) {
      for (const workload of ctx.manifests.workloads) {
        for (const ns of ['hostPID', 'hostIPC', 'hostNetwork'] as const) {
          if (workload.pod[ns] === true)
            evidence.push(manifestEvidence(workload, undefined, `spec.${ns}`, true, 'shares a host namespace'));
        }
      }
      for (const { workload, container } of eachContainer(ctx.manifests)) {
        const sc = container.securityContext;
        if (sc?.privileged === true)
          evidence.push(manifestEvidence(workload, container, 'securityContext.privileged', true));
        if (sc?.allowPrivilegeEscalation !== false)
          evidence.push(
            manifestEvidence(
              workload,
              container,
              'securityContext.allowPrivilegeEscalation',
              sc?.allowPrivilegeEscalation,
              'not false',
            ),
          );
        const drop = (sc?.capabilities?.drop ?? []).map((c) => c.toUpperCase());
        if (!drop.includes('ALL'))
          evidence.push(
            manifestEvidence(
              workload,
              container,
              'securityContext.capabilities.drop',
              drop.length ? drop.join(',') : undefined,
              'does not drop ALL',
            ),
          );
      }
    }
    if (evidence.length > 0) return { status: 'fail', evidence, remediation: this.remediation };
    return {
      status: 'pass',
      evidence: [{ kind: 'note', message: 'no setuid/setgid files, no file capabilities, no privileged settings' }],
    };
  },
};
