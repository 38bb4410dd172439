import type { Check } from '../check.ts';
import { bsi } from '../references.ts';

export const run007: Check = {
  id: 'SGCI-RUN-007',
  section: 'RUN',
  title: { en: 'Designed for restart and node migration', de: 'Für Neustart und Knotenwechsel ausgelegt' },
  level: 'SHOULD',
  references: [bsi('APP.4.4.A19')],
  automation: ['manual'],
  decides: 'A reviewer confirms the application is stateless with transactional processing.',
  remediation: 'Keep state in external services and make processing transactional so a restart loses nothing.',
  remediationDe:
    'Zustand in externen Diensten halten und die Verarbeitung transaktional gestalten, damit ein Neustart nichts verliert.',
  evaluate() {
    return {
      status: 'manual',
      reason: 'statelessness and transactional processing cannot be decided from the image',
      reasonDe: 'Zustandslosigkeit und transaktionale Verarbeitung lassen sich aus dem Image nicht beurteilen',
    };
  },
};
