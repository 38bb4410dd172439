import type { FilesystemCheck } from '../check.ts';
import type { LocalizedEvidence } from '../evidence.ts';
import { findBinaries } from '../facts/binaries.ts';
import { ownerIndex, ownerNote } from '../facts/owners.ts';
import { missingInput } from '../missing-input.ts';
import { bsi } from '../references.ts';

export const remoteAccessDaemons = [
  'sshd',
  'dropbear',
  'dropbearmulti',
  'telnetd',
  'in.telnetd',
  'utelnetd',
  'rshd',
  'in.rshd',
  'rlogind',
  'in.rlogind',
  'rexecd',
  'in.rexecd',
  'vncserver',
  'Xvnc',
  'x11vnc',
  'Xtightvnc',
  'tigervncserver',
  'xrdp',
  'xrdp-sesman',
  'teleport',
  'shellinaboxd',
  'ttyd',
] as const;

/** Packages that exist to provide remote access, even if the daemon binary was moved. */
const remoteAccessPackages = new Set([
  'openssh-server',
  'dropbear',
  'dropbear-bin',
  'telnetd',
  'inetutils-telnetd',
  'tigervnc-standalone-server',
  'x11vnc',
  'xrdp',
  'rsh-server',
  'tightvncserver',
]);

export const comp006: FilesystemCheck = {
  id: 'SGCI-COMP-006',
  section: 'COMP',
  reads: 'filesystem',
  title: { en: 'No remote access tools', de: 'Keine Fernwartungswerkzeuge' },
  level: 'SHOULD',
  references: [bsi('SYS.1.6.A16')],
  automation: ['image'],
  decides:
    'No sshd, dropbear, telnetd, VNC/RDP servers or remote-shell daemons in the image (binaries or their packages).',
  remediation:
    "Remove SSH/telnet/VNC/RDP servers; use the platform's exec/debug facilities instead of remote maintenance.",
  remediationDe:
    'SSH-, Telnet-, VNC- und RDP-Server entfernen; statt Fernwartung die Exec-/Debug-Mittel der Plattform nutzen.',
  evaluate(ctx) {
    if (!ctx.fs) return missingInput.filesystem;
    const owners = ownerIndex(ctx.sbom);
    const evidence: LocalizedEvidence[] = findBinaries(ctx.fs.squashed, new Set(remoteAccessDaemons)).map((e) => ({
      kind: 'file',
      path: e.path,
      layer: e.layer,
      message: `remote access daemon; ${ownerNote(owners, e.path, ctx.sbom !== undefined)}`,
      messageDe: `Fernzugriffsdienst; ${ownerNote(owners, e.path, ctx.sbom !== undefined, 'de')}`,
    }));
    for (const pkg of ctx.sbom?.packages ?? []) {
      if (remoteAccessPackages.has(pkg.name))
        evidence.push({
          kind: 'package',
          purl: pkg.purl,
          name: pkg.name,
          message: 'remote access server package',
          messageDe: 'Paket eines Fernzugriffsservers',
        });
    }
    if (evidence.length > 0) return { status: 'fail', evidence, remediation: this.remediation };
    return {
      status: 'pass',
      evidence: [
        {
          kind: 'note',
          message: `none of ${remoteAccessDaemons.length} remote access daemons found`,
          messageDe: `keiner der ${remoteAccessDaemons.length} Fernzugriffsdienste gefunden`,
        },
      ],
    };
  },
};
