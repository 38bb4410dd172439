/** Finding builder for VULN check tests. */
import { defaultPolicy, type Policy, slaPolicyOf } from '../../policy/index.ts';
import { type Finding, type Severity, slaOf } from '../../vuln/index.ts';
import { testNow } from '../testing.ts';

/**
 * A finding as the matcher reports it under `policy` (the built-in one by default): its SLA state at the tests'
 * clock, and for an unrated finding the severity it is treated as (the policy's `unknownSeverity`).
 */
export function testFinding(
  id: string,
  severity: Severity,
  options: Partial<Finding> = {},
  policy: Policy = defaultPolicy,
): Finding {
  const finding: Finding = {
    id: `${id}:pkg:deb/debian/openssl@3.0.11-1`,
    vulnerability: {
      id,
      aliases: [`CVE-${id}`],
      severity,
      severitySource:
        severity === 'UNKNOWN' ? { kind: 'policy', treatedAs: policy.unknownSeverity } : { kind: 'advisory', id },
      scores: [],
      references: [],
      source: 'test',
    },
    package: {
      id: 'p',
      name: 'openssl',
      version: '3.0.11-1',
      purl: 'pkg:deb/debian/openssl@3.0.11-1',
      ecosystem: 'deb',
    },
    fixedVersions: ['3.0.15-1'],
    fixState: 'fixed',
    fixAvailableAt: '2026-05-01T00:00:00Z',
    details: [],
    judgement: 'open',
    suppressed: false,
    vex: null,
    ...options,
  };
  const sla = slaOf(finding, slaPolicyOf(policy), testNow);
  return sla && !options.sla ? { ...finding, sla } : finding;
}
