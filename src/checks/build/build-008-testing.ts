import type { Check } from '../check.ts';
import { tr } from '../references.ts';
import { attestationGap, noVerifier, verifiedAttestations } from './attestation-helpers.ts';

const isTestResult = (t: string): boolean => t.startsWith('https://in-toto.io/attestation/test-result/');

export const build008: Check = {
  id: 'SGCI-BUILD-008',
  section: 'BUILD',
  title: { en: 'Testing procedures implemented', de: 'Testverfahren umgesetzt' },
  level: 'MUST',
  references: [tr('TR-03185-2.QA.04')],
  automation: ['attestation', 'manual'],
  decides: 'A verified test-result attestation for the digest; otherwise a reviewer checks the test procedures.',
  remediation: 'Attest the test results of the release build (in-toto test-result predicate) for the image digest.',
  remediationDe: 'Die Testergebnisse des Release-Builds für den Image-Digest attestieren (in-toto test-result).',
  evaluate(ctx) {
    const what = { en: 'a test-result attestation', de: 'eine Attestierung der Testergebnisse (test-result)' };
    const gap = attestationGap(ctx, what);
    if (gap || !ctx.attestations) return gap ?? noVerifier(what);
    const found = verifiedAttestations(ctx, isTestResult);
    if (found.length === 0)
      return {
        status: 'manual',
        reason: 'no test-result attestation: a reviewer checks the test procedures',
        reasonDe: 'keine Attestierung der Testergebnisse (test-result): ein Prüfer bewertet die Testverfahren',
      };
    return {
      status: 'pass',
      evidence: found.map((a) => ({ kind: 'attestation', digest: a.digest, predicateType: a.predicateType })),
    };
  },
};
