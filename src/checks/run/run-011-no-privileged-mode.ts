import type { FileEntry } from '../../oci/index.ts';
import type { FilesystemCheck } from '../check.ts';
import type { LocalizedEvidence, Text } from '../evidence.ts';
import { missingInput } from '../missing-input.ts';
import { bsi } from '../references.ts';
import { eachContainer, manifestEvidence } from './workload-helpers.ts';

function privilegeOf(entry: FileEntry): Text | undefined {
  if (entry.type !== 'file' && entry.type !== 'hardlink') return undefined;
  const bits = [
    (entry.mode & 0o4000) !== 0 ? { en: 'setuid', de: 'setuid' } : undefined,
    (entry.mode & 0o2000) !== 0 ? { en: 'setgid', de: 'setgid' } : undefined,
    entry.xattrs?.['security.capability'] ? { en: 'file capabilities', de: 'Datei-Capabilities' } : undefined,
  ].filter((b): b is Text => b !== undefined);
  if (bits.length === 0) return undefined;
  return { en: bits.map((b) => b.en).join(' + '), de: bits.map((b) => b.de).join(' + ') };
}

export const run011: FilesystemCheck = {
  id: 'SGCI-RUN-011',
  section: 'RUN',
  reads: 'filesystem',
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
    if (!ctx.fs && !ctx.manifests) return missingInput.imageOrManifests;
    const evidence: LocalizedEvidence[] = [];
    if (ctx.fs) {
      for (const entry of ctx.fs.squashed.entries()) {
        const p = privilegeOf(entry);
        if (!p) continue;
        const mode = (entry.mode & 0o7777).toString(8).padStart(4, '0');
        evidence.push({
          kind: 'file',
          path: entry.path,
          layer: entry.layer,
          message: `${p.en} mode ${mode} owner ${entry.uid}`,
          messageDe: `${p.de} Modus ${mode} Eigentümer ${entry.uid}`,
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
            message: `${p.en} (removed later, still shipped)`,
            messageDe: `${p.de} (später entfernt, wird weiterhin ausgeliefert)`,
          });
      }
    }
    if (ctx.manifests) {
      for (const workload of ctx.manifests.workloads) {
        for (const ns of ['hostPID', 'hostIPC', 'hostNetwork'] as const) {
          if (workload.pod[ns] === true)
            evidence.push(
              manifestEvidence(workload, undefined, `spec.${ns}`, true, {
                en: 'shares a host namespace',
                de: 'teilt einen Host-Namespace',
              }),
            );
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
              { en: 'not false', de: 'nicht false' },
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
              { en: 'does not drop ALL', de: 'capabilities.drop enthält nicht ALL' },
            ),
          );
      }
    }
    if (evidence.length > 0) return { status: 'fail', evidence, remediation: this.remediation };
    return {
      status: 'pass',
      evidence: [
        {
          kind: 'note',
          message: 'no setuid/setgid files, no file capabilities, no privileged settings',
          messageDe: 'keine setuid-/setgid-Dateien, keine Datei-Capabilities, keine privilegierten Einstellungen',
        },
      ],
    };
  },
};
