import type { Check } from '../check.ts';
import { bsi } from '../references.ts';

export const run013: Check = {
  id: 'SGCI-RUN-013',
  section: 'RUN',
  title: { en: 'Logging supports forensic analysis', de: 'Protokollierung unterstützt forensische Analyse' },
  level: 'SHOULD',
  references: [bsi('SYS.1.6.A22')],
  automation: ['manual'],
  decides:
    'A reviewer confirms structured logs of requests, authentication, authorisation failures and configuration changes, without sensitive data.',
  remediation: 'Log security-relevant events in a structured format without secrets or personal data.',
  remediationDe:
    'Sicherheitsrelevante Ereignisse strukturiert und ohne Geheimnisse oder personenbezogene Daten protokollieren.',
  evaluate() {
    return {
      status: 'manual',
      reason: 'what the application logs cannot be decided from the image',
      reasonDe: 'was die Anwendung protokolliert, lässt sich aus dem Image nicht beurteilen',
    };
  },
};
