import { packageManagers } from '../base/base-001-minimal-image.ts';
import type { FilesystemCheck } from '../check.ts';
import type { LocalizedEvidence } from '../evidence.ts';
import { findBinaries } from '../facts/binaries.ts';
import { ownerIndex, ownerNote } from '../facts/owners.ts';
import { missingInput } from '../missing-input.ts';
import { bsi } from '../references.ts';
import { eachContainer, manifestEvidence } from './workload-helpers.ts';

const codePaths = /^\/(usr|bin|sbin|lib|lib64|opt|app|srv)(\/|$)/;

export const run010: FilesystemCheck = {
  id: 'SGCI-RUN-010',
  section: 'RUN',
  reads: 'filesystem',
  title: { en: 'Immutable at runtime', de: 'Zur Laufzeit unveränderlich' },
  level: 'SHOULD',
  references: [bsi('SYS.1.6.A9'), bsi('SYS.1.6.A14')],
  automation: ['manifest', 'image'],
  decides:
    'No package manager in the image (see SGCI-BASE-001); manifests mount no writable volume over code paths (/usr, /bin, /lib, /opt, /app).',
  remediation: 'Remove the package manager from the runtime image and mount code paths read-only (or not at all).',
  remediationDe:
    'Den Paketmanager aus dem Laufzeit-Image entfernen und Code-Pfade nur lesend (oder gar nicht) einbinden.',
  evaluate(ctx) {
    if (!ctx.fs && !ctx.manifests) return missingInput.imageOrManifests;
    const evidence: LocalizedEvidence[] = [];
    let failed = false;
    if (ctx.fs) {
      const owners = ownerIndex(ctx.sbom);
      for (const entry of findBinaries(ctx.fs.squashed, new Set(packageManagers))) {
        failed = true;
        evidence.push({
          kind: 'file',
          path: entry.path,
          layer: entry.layer,
          message: `package manager; ${ownerNote(owners, entry.path, ctx.sbom !== undefined)}`,
          messageDe: `Paketmanager; ${ownerNote(owners, entry.path, ctx.sbom !== undefined, 'de')}`,
        });
      }
    }
    if (ctx.manifests) {
      for (const { workload, container } of eachContainer(ctx.manifests)) {
        const workdir = ctx.image?.config.config?.WorkingDir;
        for (const mount of container.volumeMounts ?? []) {
          const code =
            codePaths.test(mount.mountPath) ||
            (workdir !== undefined && workdir !== '/' && mount.mountPath === workdir);
          if (code && mount.readOnly !== true) {
            failed = true;
            evidence.push(
              manifestEvidence(workload, container, `volumeMounts[${mount.mountPath}]`, mount.name, {
                en: 'writable mount over a code path',
                de: 'beschreibbarer Mount über einem Code-Pfad',
              }),
            );
          }
        }
      }
    }
    if (failed) return { status: 'fail', evidence, remediation: this.remediation };
    evidence.push({
      kind: 'note',
      message: 'no package manager and no writable code mounts',
      messageDe: 'kein Paketmanager und keine beschreibbaren Mounts über Code-Pfaden',
    });
    return { status: 'pass', evidence };
  },
};
