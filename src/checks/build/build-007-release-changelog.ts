import type { Check } from '../check.ts';
import { metadata } from '../facts/labels.ts';
import { missingInput } from '../missing-input.ts';
import { tr } from '../references.ts';

const changelogKeys = [
  'org.opencontainers.image.documentation',
  'org.opencontainers.image.changelog',
  'org.opencontainers.image.url',
];

export const build007: Check = {
  id: 'SGCI-BUILD-007',
  section: 'BUILD',
  title: { en: 'Release changelog provided', de: 'Release-Changelog vorhanden' },
  level: 'MUST',
  references: [tr('TR-03185-2.BR.04')],
  automation: ['image', 'manual'],
  decides:
    "An org.opencontainers.image.documentation/changelog reference is present; whether the changelog is descriptive is a reviewer's call.",
  remediation: 'Set LABEL org.opencontainers.image.documentation=<URL of the release notes/changelog>.',
  remediationDe: 'LABEL org.opencontainers.image.documentation=<URL der Release Notes/des Changelogs> setzen.',
  evaluate(ctx) {
    if (!ctx.image) return missingInput.image;
    const meta = metadata(ctx.image);
    const present = changelogKeys.filter((k) => meta[k]);
    if (present.length === 0) {
      return {
        status: 'fail',
        evidence: [
          {
            kind: 'note',
            message: `none of ${changelogKeys.join(', ')} set`,
            messageDe: `keines der Labels ${changelogKeys.join(', ')} gesetzt`,
          },
        ],
        remediation: this.remediation,
      };
    }
    return {
      status: 'manual',
      reason:
        'a changelog reference is present; a reviewer judges whether it documents functional and security changes',
      reasonDe:
        'ein Verweis auf ein Changelog ist vorhanden; ein Prüfer beurteilt, ob es funktionale und sicherheitsrelevante Änderungen dokumentiert',
      evidence: present.map((k) => ({ kind: 'config' as const, field: `Labels.${k}`, value: meta[k] })),
    };
  },
};
