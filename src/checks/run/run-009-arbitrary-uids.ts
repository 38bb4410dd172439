import type { FilesystemCheck } from '../check.ts';
import type { LocalizedEvidence, Text } from '../evidence.ts';
import { passwdPaths, resolveUser } from '../facts/users.ts';
import { missingInput } from '../missing-input.ts';
import { bsi } from '../references.ts';

const virtual = /^\/(proc|sys|dev)(\/|$)/;

export const run009: FilesystemCheck = {
  id: 'SGCI-RUN-009',
  section: 'RUN',
  reads: 'filesystem',
  title: { en: 'Works with arbitrary UIDs', de: 'Lauffähig mit beliebigen UIDs' },
  level: 'MUST',
  references: [bsi('SYS.1.6 (Softwarelieferant: keine Bindung an User-IDs)')],
  automation: ['image'],
  decides:
    'Directories the application writes (declared VOLUMEs, directories owned by the runtime UID) are group-owned by GID 0 with group write (g=u), so a random UID in group 0 can use them.',
  remediation: 'chgrp -R 0 <dir> && chmod -R g=u <dir> for every directory the application writes.',
  remediationDe:
    'chgrp -R 0 <Verzeichnis> && chmod -R g=u <Verzeichnis> für jedes Verzeichnis, in das die Anwendung schreibt.',
  needs: { paths: [...passwdPaths] },
  async evaluate(ctx) {
    if (!ctx.image || !ctx.fs) return missingInput.filesystem;
    const tree = ctx.fs.squashed;
    const user = await resolveUser(ctx.image.config.config?.User, tree);
    if (!user.ok)
      return {
        status: 'fail',
        evidence: [{ kind: 'config', field: 'User', message: user.reason, messageDe: user.reasonDe }],
        remediation: this.remediation,
      };
    const evidence: LocalizedEvidence[] = [];
    let failed = false;
    const judge = (path: string, why: Text): void => {
      const entry = tree.get(path, { followSymlinks: true });
      if (entry?.type !== 'dir') return;
      const groupWritable = entry.gid === 0 && (entry.mode & 0o020) !== 0;
      const worldWritable = (entry.mode & 0o002) !== 0;
      const ok = groupWritable || worldWritable;
      if (!ok) failed = true;
      const mode = (entry.mode & 0o7777).toString(8).padStart(4, '0');
      evidence.push({
        kind: 'file',
        path,
        layer: entry.layer,
        message: `${why.en}; owner ${entry.uid}:${entry.gid} mode ${mode}${ok ? '' : ': not writable by group 0'}`,
        messageDe: `${why.de}; Eigentümer ${entry.uid}:${entry.gid} Modus ${mode}${ok ? '' : ': für Gruppe 0 nicht beschreibbar'}`,
      });
    };
    for (const volume of Object.keys(ctx.image.config.config?.Volumes ?? {}).sort())
      judge(volume, { en: 'declared VOLUME', de: 'deklariertes VOLUME' });
    if (user.uid !== 0) {
      for (const entry of tree.entries()) {
        if (entry.type === 'dir' && entry.uid === user.uid && !virtual.test(entry.path))
          judge(entry.path, {
            en: `owned by the runtime UID ${user.uid}`,
            de: `im Besitz der Laufzeit-UID ${user.uid}`,
          });
      }
    }
    if (failed) return { status: 'fail', evidence, remediation: this.remediation };
    if (evidence.length === 0)
      evidence.push({
        kind: 'note',
        message: 'no declared volumes and no directories tied to the runtime UID',
        messageDe: 'keine deklarierten Volumes und keine an die Laufzeit-UID gebundenen Verzeichnisse',
      });
    return { status: 'pass', evidence };
  },
};
