/** Finding builder for VULN check tests. */
import { defaultPolicy, slaPolicyOf } from '../../policy/index.ts';
import { type Finding, type Severity, slaOf } from '../../vuln/index.ts';
import { testNow } from '../testing.ts';

/** A finding as the matcher reports it: its SLA state set from the built-in policy at the tests' clock. */
export function testFinding(id: string, severity: Severity, options: Partial<Finding> = {}): Finding {
  const finding: Finding = {
    id: `${id}:pkg:deb/debian/openssl@3.0.11-1`,
    vulnerability: { id, aliases: [`CVE-${id}`], severity, scores: [], references: [], source: 'test' },
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
  const sla = slaOf(finding, slaPolicyOf(defaultPolicy), testNow);
  return sla && !options.sla ? { ...finding, sla } : finding;
}
