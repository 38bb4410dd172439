import type { Check } from '../check.ts';
import { missingInput } from '../missing-input.ts';
import { bsi, nist, tr } from '../references.ts';

const maxListed = 100;

export const comp001: Check = {
  id: 'SGCI-COMP-001',
  section: 'COMP',
  title: { en: 'All components identified', de: 'Alle Komponenten identifiziert' },
  level: 'MUST',
  references: [nist('4.1.1'), bsi('SYS.1.6.A14'), tr('TR-03185-2.QA.01')],
  automation: ['image'],
  decides:
    'An SBOM was generated; the share of executable files (ELF, scripts with a shebang, .jar, .so) owned by a catalogued package; unowned executables are listed.',
  remediation:
    'Install software through a package manager or add package metadata (dist-info, package.json, pom.properties) for it.',
  remediationDe:
    'Software über einen Paketmanager installieren oder Paket-Metadaten (dist-info, package.json, pom.properties) mitliefern.',
  evaluate(ctx) {
    if (!ctx.sbom) return missingInput.sbom;
    const unowned = [...ctx.sbom.unidentifiedExecutables].sort((a, b) => (a.path < b.path ? -1 : 1));
    const summary = {
      kind: 'note' as const,
      message: `${ctx.sbom.packages.length} components catalogued; ${unowned.length} executables owned by no package`,
      messageDe: `${ctx.sbom.packages.length} Komponenten katalogisiert; ${unowned.length} ausführbare Dateien keinem Paket zugeordnet`,
    };
    if (unowned.length === 0) return { status: 'pass', evidence: [summary] };
    return {
      status: 'warn',
      evidence: [
        summary,
        ...unowned.slice(0, maxListed).map((e) => ({
          kind: 'file' as const,
          path: e.path,
          layer: e.layer,
          message: 'executable owned by no catalogued package',
          messageDe: 'ausführbare Datei keinem katalogisierten Paket zugeordnet',
        })),
        ...(unowned.length > maxListed
          ? [
              {
                kind: 'note' as const,
                message: `${unowned.length - maxListed} more not listed`,
                messageDe: `${unowned.length - maxListed} weitere nicht aufgeführt`,
              },
            ]
          : []),
      ],
      remediation: this.remediation,
    };
  },
};
