import type { Check } from '../check.ts';
import { tr } from '../references.ts';

export const build011: Check = {
  id: 'SGCI-BUILD-011',
  section: 'BUILD',
  title: { en: 'Source packages contain only repository content', de: 'Quellpakete enthalten nur Repository-Inhalte' },
  level: 'MUST',
  references: [tr('TR-03185-2.BR.05')],
  automation: ['manual'],
  decides: 'A reviewer compares the released source packages with the repository.',
  remediation: 'Generate source packages from the tagged repository state only (git archive) and document it.',
  remediationDe: 'Quellpakete nur aus dem getaggten Repository-Stand erzeugen (git archive) und dies dokumentieren.',
  evaluate() {
    return {
      status: 'manual',
      reason: 'whether released source packages contain only repository content is decided outside the image',
      reasonDe:
        'ob veröffentlichte Quellpakete nur Repository-Inhalte enthalten, wird außerhalb des Images entschieden',
    };
  },
};
