import type { FilesystemCheck } from '../check.ts';
import type { LocalizedEvidence, Text } from '../evidence.ts';
import { findBinaries } from '../facts/binaries.ts';
import { ownerIndex, ownerNote } from '../facts/owners.ts';
import { missingInput } from '../missing-input.ts';
import { bsi, nist } from '../references.ts';

export const shells = ['sh', 'bash', 'ash', 'dash', 'zsh', 'ksh', 'mksh', 'busybox'] as const;
export const packageManagers = ['apt', 'apt-get', 'dpkg', 'apk', 'rpm', 'yum', 'dnf', 'microdnf'] as const;
export const debugTools = [
  'curl',
  'wget',
  'nc',
  'netcat',
  'ncat',
  'telnet',
  'gdb',
  'strace',
  'tcpdump',
  'vi',
  'vim',
] as const;

type Kind = Text;
const shell: Kind = { en: 'shell', de: 'Shell' };
const packageManager: Kind = { en: 'package manager', de: 'Paketmanager' };
const debugTool: Kind = { en: 'debug/network tool', de: 'Debug-/Netzwerkwerkzeug' };
const kinds = new Map<string, Kind>([
  ...shells.map((n) => [n, shell] as const),
  ...packageManagers.map((n) => [n, packageManager] as const),
  ...debugTools.map((n) => [n, debugTool] as const),
]);

export const base001: FilesystemCheck = {
  id: 'SGCI-BASE-001',
  section: 'BASE',
  reads: 'filesystem',
  title: { en: 'Minimal base image', de: 'Minimales Base-Image' },
  level: 'SHOULD',
  references: [nist('4.1.2'), nist('4.5.1'), bsi('SYS.1.6.A6')],
  automation: ['image'],
  decides:
    'No shell (sh, bash, ash, dash, zsh, busybox applets), no OS package manager (apt, dpkg, apk, rpm, yum, dnf, microdnf) and no debug/network tools (curl, wget, nc, telnet, gdb, strace, tcpdump, vi) on the PATH of the image.',
  remediation: 'Build the runtime stage FROM a distroless, scratch or minimal image and copy in only the application.',
  remediationDe:
    'Die Laufzeitstufe auf einem Distroless-, Scratch- oder minimalen Image aufbauen und nur die Anwendung hineinkopieren.',
  evaluate(ctx) {
    if (!ctx.fs) return missingInput.filesystem;
    const owners = ownerIndex(ctx.sbom);
    const found = findBinaries(ctx.fs.squashed, new Set(kinds.keys()));
    const evidence: LocalizedEvidence[] = found.map((entry) => {
      const kind = kinds.get(entry.path.slice(entry.path.lastIndexOf('/') + 1));
      return {
        kind: 'file',
        path: entry.path,
        layer: entry.layer,
        message: `${kind?.en}; ${ownerNote(owners, entry.path, ctx.sbom !== undefined)}`,
        messageDe: `${kind?.de}; ${ownerNote(owners, entry.path, ctx.sbom !== undefined, 'de')}`,
      };
    });
    if (evidence.length === 0) {
      return {
        status: 'pass',
        evidence: [
          {
            kind: 'note',
            message: `none of ${kinds.size} shells, package managers or debug tools on the PATH`,
            messageDe: `keine der ${kinds.size} Shells, Paketmanager oder Debug-Werkzeuge im PATH`,
          },
        ],
      };
    }
    return { status: 'fail', evidence, remediation: this.remediation };
  },
};
