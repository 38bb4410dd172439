import { isCatalogerFailure } from '../../catalog/index.ts';
import { type Check, failing } from '../check.ts';
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
    'An SBOM was generated and no cataloger failed (a failed one fails the check); the share of executable files (ELF, scripts with a shebang, .jar, .so) owned by a catalogued package; unowned executables are listed.',
  remediation:
    'Install software through a package manager or add package metadata (dist-info, package.json, pom.properties) for it.',
  remediationDe:
    'Software über einen Paketmanager installieren oder Paket-Metadaten (dist-info, package.json, pom.properties) mitliefern.',
  evaluate(ctx) {
    if (!ctx.sbom) return missingInput.sbom;
    // a cataloger that threw left out every package it would have found: the catalogue is incomplete
    const failed = ctx.sbom.unknowns.filter(isCatalogerFailure);
    if (failed.length > 0) {
      return failing(
        this,
        failed.map((u) => ({
          kind: 'note' as const,
          message: `${u.reason}: its components are missing from the SBOM`,
          messageDe: `${u.reason}: seine Komponenten fehlen in der SBOM`,
        })),
        {
          remediation: {
            en: 'sgci could not catalogue every component of this image: report the failure to the sgci maintainers.',
            de: 'sgci konnte nicht alle Komponenten dieses Images katalogisieren: den Fehler an die Betreuer von sgci melden.',
          },
        },
      );
    }
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
