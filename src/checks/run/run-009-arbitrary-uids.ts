import type { Check } from '../check.ts';
import type { Evidence } from '../evidence.ts';
import { passwdPaths, resolveUser } from '../facts/users.ts';
import { bsi } from '../references.ts';

const virtual = /^\/(proc|sys|dev)(\/|$)/;

export const run009: Check = {
  id: 'SGCI-RUN-009',
  section: 'RUN',
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
    if (!ctx.image || !ctx.fs)
      return { status: 'not-applicable', reason: 'the image filesystem was not read (no image given)' };
    const tree = ctx.fs.squashed;
    const user = await resolveUser(ctx.image.config.config?.User, tree);
    if (!user.ok)
      return {
        status: 'fail',
        evidence: [{ kind: 'config', field: 'User', message: user.reason }],
        remediation: this.remediation,
      };
    const evidence: Evidence[] = [];
    let failed = false;
    const judge = (path: string, why: string): void => {
      const entry = tree.get(path, { followSymlinks: true });
      if (entry?.type !== 'dir') return;
      const groupWritable = entry.gid === 0 && (entry.mode & 0o020) !== 0;
      const worldWritable = (entry.mode & 0o002) !== 0;
      const ok = groupWritable || worldWritable;
      if (!ok) failed = true;
      evidence.push({
        kind: 'file',
        path,
        layer: entry.layer,
        message: `${why}; owner ${entry.uid}:${entry.gid} mode ${(entry.mode & 0o7777).toString(8).padStart(4, '0')}${ok ? '' : ': not writable by group 0'}`,
      });
    };
    for (const volume of Object.keys(ctx.image.config.config?.Volumes ?? {}).sort()) judge(volume, 'declared VOLUME');
    if (user.uid !== 0) {
      for (const entry of tree.entries()) {
        if (entry.type === 'dir' && entry.uid === user.uid && !virtual.test(entry.path))
          judge(entry.path, `owned by the runtime UID ${user.uid}`);
      }
    }
    if (failed) return { status: 'fail', evidence, remediation: this.remediation };
    if (evidence.length === 0)
      evidence.push({ kind: 'note', message: 'no declared volumes and no directories tied to the runtime UID' });
    return { status: 'pass', evidence };
  },
};
