import type { Check } from '../check.ts';
import { metadata } from '../facts/labels.ts';
import { missingInput } from '../missing-input.ts';
import { tr } from '../references.ts';

export const build006: Check = {
  id: 'SGCI-BUILD-006',
  section: 'BUILD',
  title: { en: 'Build instructions are public', de: 'Build-Anleitung ist öffentlich' },
  level: 'MUST',
  references: [tr('TR-03185-2.BR.01')],
  automation: ['image'],
  decides: 'The org.opencontainers.image.source label (and revision) points at a source repository.',
  remediation:
    'Set LABEL org.opencontainers.image.source=<repository URL> and org.opencontainers.image.revision=<commit>.',
  remediationDe:
    'LABEL org.opencontainers.image.source=<Repository-URL> und org.opencontainers.image.revision=<Commit> setzen.',
  evaluate(ctx) {
    if (!ctx.image) return missingInput.image;
    const meta = metadata(ctx.image);
    const source = meta['org.opencontainers.image.source'];
    const revision = meta['org.opencontainers.image.revision'];
    if (!source || !/^(https?:\/\/|git@|ssh:\/\/|git:\/\/)\S+$/.test(source)) {
      return {
        status: 'fail',
        evidence: [
          {
            kind: 'config',
            field: 'Labels.org.opencontainers.image.source',
            ...(source
              ? { value: source, message: 'not a repository URL', messageDe: 'keine Repository-URL' }
              : { message: 'missing', messageDe: 'fehlt' }),
          },
        ],
        remediation: this.remediation,
      };
    }
    const evidence = [
      { kind: 'config' as const, field: 'Labels.org.opencontainers.image.source', value: source },
      revision
        ? { kind: 'config' as const, field: 'Labels.org.opencontainers.image.revision', value: revision }
        : {
            kind: 'config' as const,
            field: 'Labels.org.opencontainers.image.revision',
            message: 'missing',
            messageDe: 'fehlt',
          },
    ];
    if (!revision)
      return {
        status: 'warn',
        evidence,
        remediation: 'Set LABEL org.opencontainers.image.revision=<commit>.',
        remediationDe: 'LABEL org.opencontainers.image.revision=<Commit> setzen.',
      };
    return { status: 'pass', evidence };
  },
};
