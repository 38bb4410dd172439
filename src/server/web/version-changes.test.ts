import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ScanReport } from '../../report/index.ts';
import type { Sbom } from '../../sbom/index.ts';
import type { Finding, VulnReport } from '../../vuln/index.ts';
import { type VersionRecord, versionChanges } from './version-changes.ts';

function sbom(packages: [string, string, string][]): Sbom {
  return { packages: packages.map(([ecosystem, name, version]) => ({ ecosystem, name, version })) } as unknown as Sbom;
}

function finding(id: string, name: string, version: string, extra: Partial<Finding> = {}): Finding {
  return {
    id: `${id}:${name}`,
    vulnerability: { id, severity: 'HIGH' },
    package: { name, version, ecosystem: 'npm' },
    suppressed: false,
    vex: null,
    ...extra,
  } as unknown as Finding;
}

function version(packages: [string, string, string][], findings: Finding[], checks: [string, string][]): VersionRecord {
  return {
    sbom: sbom(packages),
    vulns: { matches: findings } as unknown as VulnReport,
    checks: {
      results: checks.map(([id, result]) => ({ id, result, title: { de: `T ${id}`, en: `T ${id}` } })),
    } as unknown as ScanReport,
  };
}

test('packages added, removed and changed by ecosystem and name; an unchanged one is not listed', () => {
  const changes = versionChanges(
    version(
      [
        ['npm', 'lodash', '4.17.20'],
        ['npm', 'qs', '6.7.0'],
        ['deb', 'bash', '5.2'],
      ],
      [],
      [],
    ),
    version(
      [
        ['npm', 'lodash', '4.17.21'],
        ['deb', 'bash', '5.2'],
        ['pypi', 'requests', '2.32.0'],
      ],
      [],
      [],
    ),
  );
  assert.deepEqual(changes.packages.added, [{ ecosystem: 'pypi', name: 'requests', from: [], to: ['2.32.0'] }]);
  assert.deepEqual(changes.packages.removed, [{ ecosystem: 'npm', name: 'qs', from: ['6.7.0'], to: [] }]);
  assert.deepEqual(changes.packages.changed, [
    { ecosystem: 'npm', name: 'lodash', from: ['4.17.20'], to: ['4.17.21'] },
  ]);
});

test('a finding is the same across a package upgrade; new, gone and re-assessed ones are told apart', () => {
  const changes = versionChanges(
    version(
      [],
      [finding('CVE-1', 'lodash', '4.17.20'), finding('CVE-2', 'qs', '6.7.0'), finding('CVE-3', 'a', '1')],
      [],
    ),
    version(
      [],
      [
        finding('CVE-1', 'lodash', '4.17.21'),
        finding('CVE-3', 'a', '1', { suppressed: true }),
        finding('CVE-4', 'b', '2'),
      ],
      [],
    ),
  );
  assert.deepEqual(
    changes.findings.added.map((c) => c.to?.vulnerability.id),
    ['CVE-4'],
  );
  assert.deepEqual(
    changes.findings.removed.map((c) => c.from?.vulnerability.id),
    ['CVE-2'],
  );
  assert.deepEqual(
    changes.findings.changed.map((c) => [c.from?.suppressed, c.to?.suppressed]),
    [[false, true]],
  );
});

test('check results that changed, appeared or went', () => {
  const changes = versionChanges(
    version(
      [],
      [],
      [
        ['SGCI-BASE-001', 'fail'],
        ['SGCI-RUN-008', 'pass'],
        ['SGCI-SEC-001', 'pass'],
      ],
    ),
    version(
      [],
      [],
      [
        ['SGCI-BASE-001', 'pass'],
        ['SGCI-RUN-008', 'pass'],
        ['SGCI-VULN-004', 'warn'],
      ],
    ),
  );
  assert.deepEqual(
    changes.checks.map((c) => [c.id, c.from, c.to]),
    [
      ['SGCI-BASE-001', 'fail', 'pass'],
      ['SGCI-SEC-001', 'pass', undefined],
      ['SGCI-VULN-004', undefined, 'warn'],
    ],
  );
});
