import assert from 'node:assert/strict';
import { test } from 'node:test';
import { memoryAdvisories } from '../../../test/helpers/memory-advisories.ts';
import type { Package } from '../../catalog/index.ts';
import type { Sbom } from '../../sbom/index.ts';
import { apkScheme, mavenScheme, semverScheme } from '../../version/index.ts';
import type { OsvAffected, OsvEvent, OsvRecord } from '../osv/record.ts';
import { findVulnerabilities } from './match.ts';
import { evaluateAffected } from './range.ts';

const entry = (ecosystem: string, type: 'ECOSYSTEM' | 'SEMVER', ...ranges: OsvEvent[][]): OsvAffected => ({
  package: { ecosystem, name: 'x' },
  ranges: ranges.map((events) => ({ type, events })),
});

test("an Alpine fix written in sudo's scheme (1.9.5p2-r0) is ordered, not compared as text", () => {
  const sudo = entry('Alpine:v3.13', 'ECOSYSTEM', [{ introduced: '0' }, { fixed: '1.9.5p2-r0' }]);
  assert.equal(evaluateAffected(sudo, '1.9.5p1-r0', apkScheme).affected, true);
  assert.equal(evaluateAffected(sudo, '1.9.5p2-r0', apkScheme).affected, false);
  // As text, "1.9.10-r0" < "1.9.5p2-r0": the old comparison reported a fixed sudo as vulnerable.
  assert.deepEqual(evaluateAffected(sudo, '1.9.10-r0', apkScheme), { affected: false });
});

test('a range bound the ordering rejects makes the verdict unknown with the reason, never a guess', () => {
  // "4.17.x" is no SemVer version; as text "4.17.20" < "4.17.x" would have reported lodash 4.17.20 as affected.
  const wildcardFix = entry('npm', 'SEMVER', [{ introduced: '0' }, { fixed: '4.17.x' }]);
  assert.deepEqual(evaluateAffected(wildcardFix, '4.17.20', semverScheme), {
    affected: false,
    unknown: { subject: 'range', reason: 'its SEMVER range has fixed "4.17.x", not a valid semver version' },
  });
  // As text, "1.0.0" < "r1.0" would have hidden the match.
  const badStart = entry('npm', 'SEMVER', [{ introduced: 'r1.0' }, { fixed: '2.0.0' }]);
  assert.deepEqual(evaluateAffected(badStart, '1.5.0', semverScheme), {
    affected: false,
    unknown: { subject: 'range', reason: 'its SEMVER range has introduced "r1.0", not a valid semver version' },
  });
  const badLast = entry('Maven', 'ECOSYSTEM', [{ introduced: '2.0' }, { last_affected: '2.14 final' }]);
  assert.equal(evaluateAffected(badLast, '2.14.1', mavenScheme).unknown?.subject, 'range');
  const badLimit = entry('npm', 'SEMVER', [{ introduced: '0' }, { limit: 'next' }]);
  assert.equal(evaluateAffected(badLimit, '1.0.0', semverScheme).unknown?.subject, 'range');
});

test('the unbounded markers introduced "0" and limit "*" are not versions and not errors', () => {
  const open = entry('npm', 'SEMVER', [{ introduced: '0' }, { limit: '*' }]);
  assert.deepEqual(evaluateAffected(open, '1.0.0', semverScheme), {
    affected: true,
    fixed: [],
    reason: 'SEMVER introduced 0, no fix',
  });
});

test('a decidable range still decides; the undecidable one is reported beside it', () => {
  const mixed = entry(
    'npm',
    'SEMVER',
    [{ introduced: '0' }, { fixed: 'soon' }],
    [{ introduced: '1.0.0' }, { fixed: '1.2.0' }],
  );
  const verdict = evaluateAffected(mixed, '1.1.0', semverScheme);
  assert.equal(verdict.affected, true);
  assert.deepEqual(verdict.affected && verdict.fixed, ['1.2.0'], 'the fix nobody can place is not listed');
  assert.match(verdict.unknown?.reason ?? '', /fixed "soon"/);
  const listed = { ...entry('npm', 'SEMVER', [{ introduced: '0' }, { fixed: 'soon' }]), versions: ['1.1.0'] };
  assert.equal(evaluateAffected(listed, '1.1.0', semverScheme).unknown?.subject, 'range');
});

test('an installed version the ordering rejects is unknown for the package, as before', () => {
  const range = entry('npm', 'SEMVER', [{ introduced: '0' }, { fixed: '2.0.0' }]);
  assert.deepEqual(evaluateAffected(range, 'not-a-version', semverScheme), {
    affected: false,
    unknown: { subject: 'version', reason: 'version not-a-version is not a valid semver version' },
  });
});

test('matching reports an undecidable advisory in the notes with the package and the advisory id', async () => {
  const lodash: Package = {
    id: 'id-lodash',
    name: 'lodash',
    version: '4.17.20',
    ecosystem: 'npm',
    type: 'library',
    purl: 'pkg:npm/lodash@4.17.20',
    locations: [],
    licenses: [],
    foundBy: 'test',
    layer: 0,
    metadata: { kind: 'language' },
  };
  const sbom: Sbom = {
    subject: { name: 'app:1', digest: `sha256:${'a'.repeat(64)}` as Sbom['subject']['digest'] & string },
    packages: [lodash],
    relationships: [],
    unidentifiedExecutables: [],
    unknowns: [],
    tool: { name: 'sgci', version: 'test' },
  };
  const record: OsvRecord = {
    id: 'GHSA-test-0001',
    modified: '2024-01-01T00:00:00Z',
    affected: [
      {
        package: { ecosystem: 'npm', name: 'lodash' },
        ranges: [{ type: 'SEMVER', events: [{ introduced: '0' }, { fixed: '4.17.x' }] }],
      },
    ],
  };
  const { findings, notes } = await findVulnerabilities(sbom, memoryAdvisories([record]));
  assert.deepEqual(findings, []);
  assert.deepEqual(notes, [
    'pkg:npm/lodash@4.17.20: GHSA-test-0001 not evaluated: its SEMVER range has fixed "4.17.x", not a valid semver version',
  ]);
});
