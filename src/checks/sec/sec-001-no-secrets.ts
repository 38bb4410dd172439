import type { Check } from '../check.ts';
import { bsi, nist } from '../references.ts';

export const sec001: Check = {
  id: 'SGCI-SEC-001',
  section: 'SEC',
  title: { en: 'No secrets in the image', de: 'Keine Geheimnisse im Image' },
  level: 'MUST',
  references: [nist('4.1.4'), nist('4.2.2'), bsi('SYS.1.6.A8')],
  automation: ['image'],
  decides:
    'Private keys, cloud and API tokens, passwords in files of every layer (also files deleted later), in config Env, labels and history created_by; evidence names layer and path, never the secret.',
  remediation:
    'Remove the secret from every layer (rebuild, do not delete in a later layer), rotate it, and inject secrets at runtime.',
  remediationDe:
    'Das Geheimnis aus allen Layern entfernen (neu bauen, nicht in einem späteren Layer löschen), es austauschen und Geheimnisse zur Laufzeit einbinden.',
  evaluate(ctx) {
    if (!ctx.secrets)
      return {
        status: 'not-applicable',
        reason: 'the secret scanner did not run (no image given)',
        reasonDe: 'der Scanner für Geheimnisse lief nicht (kein Image angegeben)',
      };
    if (ctx.secrets.length === 0)
      return {
        status: 'pass',
        evidence: [
          {
            kind: 'note',
            message: 'no secrets found in files, Env, labels or history',
            messageDe: 'keine Geheimnisse in Dateien, Env, Labels oder History gefunden',
          },
        ],
      };
    return {
      status: 'fail',
      evidence: ctx.secrets.map((s) => {
        const path = s.location === 'file' ? s.path : s.field;
        return {
          kind: 'secret' as const,
          rule: s.rule,
          location: s.location,
          ...(path === undefined ? {} : { path }),
          ...(s.layer === undefined ? {} : { layer: s.layer }),
          ...(s.line === undefined ? {} : { line: s.line }),
          fingerprint: s.fingerprint,
          message: s.deleted ? `${s.description} (removed by a later layer, still shipped)` : s.description,
          messageDe: s.deleted
            ? `${s.descriptionDe} (von einer späteren Schicht entfernt, wird dennoch ausgeliefert)`
            : s.descriptionDe,
        };
      }),
      remediation: this.remediation,
    };
  },
};
