import type { FilesystemCheck } from '../check.ts';
import type { LocalizedEvidence, Text } from '../evidence.ts';
import { passwdPaths, readAccounts, resolveUser } from '../facts/users.ts';
import { missingInput } from '../missing-input.ts';
import { bsi } from '../references.ts';

export const run012: FilesystemCheck = {
  id: 'SGCI-RUN-012',
  section: 'RUN',
  reads: 'filesystem',
  title: { en: 'Container UIDs/GIDs have no host permissions', de: 'Container-UIDs/GIDs ohne Rechte auf dem Host' },
  level: 'SHOULD',
  references: [bsi('SYS.1.6.A18')],
  automation: ['image', 'manual'],
  decides:
    "The runtime UID and GID are not 0 and lie outside the policy's host UID range; the host side (user namespaces) is a reviewer's call.",
  remediation: 'Run as a UID/GID outside the host range (e.g. 65532:65532).',
  remediationDe: 'Mit einer UID/GID außerhalb des Host-Bereichs laufen (z. B. 65532:65532).',
  needs: { paths: [...passwdPaths] },
  async evaluate(ctx) {
    if (!ctx.image) return missingInput.image;
    const user = await resolveUser(ctx.image.config.config?.User, ctx.fs?.squashed);
    if (!user.ok)
      return {
        status: 'fail',
        evidence: [{ kind: 'config', field: 'User', message: user.reason, messageDe: user.reasonDe }],
        remediation: this.remediation,
      };
    let gid = user.gid;
    let gidHow: Text = { en: 'from User', de: 'aus User' };
    if (gid === undefined) {
      // The runtime takes the primary group of the UID's passwd entry, else GID 0.
      const accounts = ctx.fs ? await readAccounts(ctx.fs.squashed) : undefined;
      const account = accounts?.find((a) => a.uid === user.uid);
      gid = account?.gid ?? 0;
      gidHow = account
        ? { en: `primary group of ${account.name}`, de: `primäre Gruppe von ${account.name}` }
        : {
            en: 'no passwd entry: the runtime uses GID 0',
            de: 'kein passwd-Eintrag: die Laufzeitumgebung verwendet GID 0',
          };
    }
    const { min, max } = ctx.policy.hostUidRange;
    const inRange = (id: number) => id === 0 || (id >= min && id <= max);
    const evidence: LocalizedEvidence[] = [
      {
        kind: 'config',
        field: 'User',
        value: ctx.image.config.config?.User ?? '',
        message: `UID ${user.uid}, GID ${gid} (${gidHow.en}); host range ${min}-${max}`,
        messageDe: `UID ${user.uid}, GID ${gid} (${gidHow.de}); Host-Bereich ${min}-${max}`,
      },
    ];
    if (inRange(user.uid) || inRange(gid)) return { status: 'fail', evidence, remediation: this.remediation };
    return { status: 'pass', evidence };
  },
};
