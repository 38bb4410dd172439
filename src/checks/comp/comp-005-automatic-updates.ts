import type { Check } from '../check.ts';
import { bsi, nist } from '../references.ts';

export const comp005: Check = {
  id: 'SGCI-COMP-005',
  section: 'COMP',
  title: { en: 'Components updated automatically', de: 'Komponenten automatisch aktualisiert' },
  level: 'SHOULD',
  references: [nist('4.1.1'), bsi('SYS.1.6.A14')],
  automation: ['history', 'manual'],
  decides:
    "The observed rebuild frequency of the tag (the platform's history); otherwise a reviewer checks the update pipeline.",
  remediation: 'Automate dependency and base image updates (Renovate/Dependabot) with rebuilds and tests.',
  remediationDe: 'Abhängigkeits- und Base-Image-Updates automatisieren (Renovate/Dependabot) mit Neubau und Tests.',
  evaluate() {
    return {
      status: 'manual',
      reason: "needs the platform's history of the tag's rebuilds; a reviewer checks the update automation meanwhile",
      reasonDe:
        'erfordert die Historie der Neubauten des Tags aus der Plattform; bis dahin prüft ein Prüfer die Update-Automatisierung',
    };
  },
};
