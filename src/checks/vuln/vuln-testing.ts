/** Finding builder for VULN check tests. */
import type { Finding, Severity } from '../../vuln/types.ts';

export function testFinding(id: string, severity: Severity, options: Partial<Finding> = {}): Finding {
  return {
    id: `${id}:pkg:deb/debian/openssl@3.0.11-1`,
    vulnerability: {
      id,
      aliases: [`CVE-${id}`],
      severity,
      severitySource: severity === 'UNKNOWN' ? { kind: 'policy', treatedAs: 'HIGH' } : { kind: 'advisory', id },
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
}
