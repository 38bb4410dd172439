import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { Ajv } from 'ajv';
import { corpusDir } from '../../test/helpers/fixtures.ts';
import { memoryAdvisories } from '../../test/helpers/memory-advisories.ts';
import { gitlabContainerScanningSchema } from '../../test/helpers/schemas/gitlab-container-scanning.ts';
import type { Package } from '../catalog/index.ts';
import type { Sbom } from '../sbom/index.ts';
import { matchSbom, type OsvRecord, parseVex, type VulnReport } from '../vuln/index.ts';
import { renderVulnReport } from './vulns/index.ts';

const corpus = join(corpusDir(), 'osv');
const ajv = new Ajv({ strict: true, allErrors: true });
const validateGitlab = ajv.compile(gitlabContainerScanningSchema);

function npmRecord(id: string): OsvRecord {
  return JSON.parse(readFileSync(join(corpus, 'npm', `${id}.json`), 'utf8')) as OsvRecord;
}

function pkg(name: string, version: string, extra: Partial<Package> = {}): Package {
  return {
    id: `id-${name}`,
    name,
    version,
    ecosystem: 'npm',
    type: 'library',
    purl: `pkg:npm/${name}@${version}`,
    locations: [],
    licenses: [],
    foundBy: 'test',
    layer: 0,
    metadata: { kind: 'language' },
    ...extra,
  };
}

/**
 * Real GHSA records for body-parser (CVSS 3.1 and 4.0), lodash, and cookie, plus one hostile record: 25 aliases,
 * a non-web reference, a malformed CVSS 4.0 vector. One finding is suppressed by VEX, one package is owned by an
 * OS package: both must stay in the report, flagged.
 */
async function report(distro: boolean): Promise<VulnReport> {
  const hostile: OsvRecord = {
    id: 'GHSA-xxxx-xxxx-xxxx',
    modified: '2024-05-01T00:00:00Z',
    published: '2024-05-01T00:00:00Z',
    summary: 'A package with a long name and many aliases',
    aliases: Array.from({ length: 25 }, (_, i) => `CVE-2024-${String(10000 + i)}`),
    severity: [{ type: 'CVSS_V4', score: 'CVSS:4.0/AV:N/AC:L' }],
    references: [
      { type: 'WEB', url: 'https://example.org/advisory' },
      { type: 'PACKAGE', url: 'git://example.org/repo.git' },
    ],
    affected: [
      {
        package: { ecosystem: 'npm', name: `@scope/${'a'.repeat(240)}` },
        ranges: [{ type: 'SEMVER', events: [{ introduced: '0' }, { fixed: '2.0.0' }] }],
      },
    ],
  };
  const records = [
    npmRecord('GHSA-qwcr-r2fm-qrc7'),
    npmRecord('GHSA-35jh-r3h4-6jhm'),
    npmRecord('GHSA-pxg6-pf52-xh8x'),
    hostile,
  ];
  const owner = pkg('node-cookie', '0.5.0-1', {
    id: 'id-node-cookie',
    ecosystem: 'deb',
    purl: 'pkg:deb/debian/node-cookie@0.5.0-1?distro=debian-12',
    metadata: { kind: 'deb' },
  });
  const sbom: Sbom = {
    subject: { name: 'registry.example/team/app:1.2.3' },
    ...(distro ? { distro: { id: 'debian', versionId: '12' } } : {}),
    packages: [
      pkg('body-parser', '1.20.2'),
      pkg('lodash', '4.17.20'),
      pkg('cookie', '0.5.0'),
      pkg(`@scope/${'a'.repeat(240)}`, '1.0.0', { purl: `pkg:npm/%40scope/${'a'.repeat(240)}@1.0.0` }),
      owner,
    ],
    relationships: [{ from: 'id-node-cookie', to: 'id-cookie', type: 'owns' }],
    unidentifiedExecutables: [],
    unknowns: [],
    tool: { name: 'sgci', version: 'test' },
  };
  const vex = parseVex(
    JSON.stringify({
      '@context': 'https://openvex.dev/ns/v0.2.0',
      '@id': 'https://example.org/vex/1',
      author: 'Team Plattform',
      timestamp: '2024-06-01T00:00:00Z',
      version: 1,
      statements: [
        {
          vulnerability: { name: 'CVE-2021-23337' },
          status: 'not_affected',
          justification: 'vulnerable_code_not_in_execute_path',
        },
      ],
    }),
    'vex.json',
  );
  return matchSbom(sbom, memoryAdvisories(records, 'corpus'), { vex, now: new Date('2025-01-01T12:00:00.123Z') });
}

test('sgci vulns -o gitlab conforms to the container-scanning report schema 15.x', async () => {
  for (const distro of [true, false]) {
    const r = await report(distro);
    const gitlab = JSON.parse(renderVulnReport(r, 'gitlab'));
    assert.ok(validateGitlab(gitlab), ajv.errorsText(validateGitlab.errors, { separator: '\n' }));
    assert.equal(gitlab.vulnerabilities.length, r.matches.length, 'suppressed and OS-owned findings stay');
    assert.equal(gitlab.vulnerabilities.length, 4);
    assert.equal(gitlab.scan.start_time, '2025-01-01T12:00:00');
    assert.equal(gitlab.vulnerabilities[0].location.operating_system, distro ? 'debian 12' : 'Unknown');
    const byName = new Map(gitlab.vulnerabilities.map((v: { name: string }) => [v.name, v]));
    const flagged = gitlab.vulnerabilities.filter((v: { flags?: unknown[] }) => v.flags);
    assert.equal(flagged.length, 2, 'the VEX-suppressed lodash finding and the OS-owned cookie finding');
    const bodyParser = byName.get('CVE-2024-45590 in body-parser') as { severity: string } | undefined;
    assert.equal(bodyParser?.severity, 'High');
    // The hostile record: identifiers capped at GitLab's 20 (its own id first), only web links, name within 255.
    const hostile = gitlab.vulnerabilities.find((v: { identifiers: { value: string }[] }) =>
      v.identifiers.some((i) => i.value === 'GHSA-xxxx-xxxx-xxxx'),
    );
    assert.equal(hostile.identifiers.length, 20);
    assert.deepEqual(hostile.links, [{ url: 'https://example.org/advisory' }]);
    assert.ok(hostile.name.length <= 255);
    assert.ok(r.notes.some((n) => n.includes('malformed CVSS 4.0 vector')));
  }
});

/** The parts of a GitLab report the negative cases break. */
interface GitlabReport {
  version: string;
  scan: { type: string; start_time: string; analyzer: { vendor?: unknown } };
  vulnerabilities: { severity: string; identifiers: unknown[]; location: { image?: string } }[];
}

test('the GitLab schema rejects reports GitLab would reject', async () => {
  const valid = JSON.parse(renderVulnReport(await report(true), 'gitlab')) as GitlabReport;
  assert.ok(validateGitlab(valid));
  const broken: [string, (g: GitlabReport, v: GitlabReport['vulnerabilities'][number]) => void][] = [
    ['OSV word as severity', (_, v) => (v.severity = 'Moderate')],
    ['no identifiers', (_, v) => (v.identifiers = [])],
    ['ISO time with zone', (g) => (g.scan.start_time = '2025-01-01T12:00:00.123Z')],
    ['other scan type', (g) => (g.scan.type = 'dependency_scanning')],
    ['no vendor', (g) => delete g.scan.analyzer.vendor],
    ['no image', (_, v) => delete v.location.image],
    ['schema 14', (g) => (g.version = '14.1.2')],
  ];
  for (const [what, mutate] of broken) {
    const copy = structuredClone(valid);
    mutate(copy, copy.vulnerabilities[0] as GitlabReport['vulnerabilities'][number]);
    assert.equal(validateGitlab(copy), false, what);
  }
});
