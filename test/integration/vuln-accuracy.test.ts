/**
 * Accuracy: findings for the fixture images equal an independent oracle computed here, with dpkg itself
 * (`dpkg --compare-versions`), the semver package and @renovatebot/pep440, from the same advisories.
 * debian-full: Debian:12 advisories generated around the image's real source package versions;
 * node-app: the real GHSA records of corpus/osv/npm; python-app: the real PYSEC records of corpus/osv/pypi.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import * as pep440 from '@renovatebot/pep440';
import semver from 'semver';
import { catalogerNeeds, catalogFilesystem } from '../../src/catalog/index.ts';
import { defaultLimits } from '../../src/core/index.ts';
import { describeImage } from '../../src/oci/image/index.ts';
import { openImage } from '../../src/oci/source/index.ts';
import type { Sbom } from '../../src/sbom/index.ts';
import { type AdvisoryReader, matchSbom, type OsvRecord, severityRowsOf, validateOsv } from '../../src/vuln/index.ts';
import { corpusDir, type FixtureName, fixture, fixturesMissing } from '../helpers/fixtures.ts';

async function sbomOf(name: FixtureName): Promise<Sbom> {
  await using image = await openImage(`docker-archive:${fixture(name).dockerArchive}`, { limits: defaultLimits });
  const needs = catalogerNeeds();
  const fs = await image.filesystem(needs);
  return catalogFilesystem(describeImage(image), fs, needs);
}

/** The lookup the store does (ecosystem + exact/normalised name), over records in memory. */
function memoryAdvisories(records: readonly OsvRecord[]): AdvisoryReader {
  const norm = (eco: string, name: string) => (eco === 'PyPI' ? name.toLowerCase().replace(/[-_.]+/g, '-') : name);
  return {
    findByPackages: async (keys) =>
      records.flatMap((r) =>
        keys
          .filter((k) =>
            (r.affected ?? []).some(
              (a) => a.package && a.package.ecosystem === k.ecosystem && norm(k.ecosystem, a.package.name) === k.name,
            ),
          )
          .map((k) => ({ ...k, id: r.id, affected: r.affected ?? [] })),
      ),
    getMany: async (ids) =>
      records
        .filter((r) => ids.includes(r.id))
        .map((r) => ({ id: r.id, source: 'test', raw: r as unknown as Record<string, unknown> })),
    summary: async () => ({ advisories: records.length }),
    severities: async (ids) => records.flatMap(severityRowsOf).filter((row) => ids.includes(row.vulnerabilityId)),
  };
}

function readRecords(dir: string): OsvRecord[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')) as OsvRecord)
    .filter((r) => !r.withdrawn);
}

/** (advisory id, package purl) for every advisory a finding was built from. */
function foundPairs(report: Awaited<ReturnType<typeof matchSbom>>): string[] {
  return report.matches.flatMap((f) => f.details.map((d) => `${d.found.advisory} ${f.package.purl}`)).sort();
}

/** Oracle for introduced/fixed/last_affected ranges with an independent comparison (`lt(a, b)`). */
function oracleAffected(
  events: readonly Record<string, string>[],
  version: string,
  lt: (a: string, b: string) => boolean,
): boolean {
  // Each introduced opens an interval closed by the next fixed/last_affected in the record's order
  // (every record used here lists its events in ascending order).
  let affected = false;
  for (let i = 0; i < events.length; i++) {
    const intro = events[i]?.introduced;
    if (intro === undefined) continue;
    const close = events
      .slice(i + 1)
      .find((e) => e.fixed !== undefined || e.last_affected !== undefined || e.introduced !== undefined);
    const atOrAbove = intro === '0' || !lt(version, intro);
    if (!atOrAbove) continue;
    if (!close || close.introduced !== undefined) affected = true;
    else if (close.fixed !== undefined && lt(version, close.fixed)) affected = true;
    else if (close.last_affected !== undefined && !lt(close.last_affected, version)) affected = true;
  }
  return affected;
}

test('debian-full: findings equal dpkg --compare-versions over generated Debian:12 advisories', {
  skip: fixturesMissing(),
}, async (t) => {
  const sbom = await sbomOf('debian-full');
  assert.equal(sbom.distro?.id, 'debian');
  assert.equal(sbom.distro?.versionId?.split('.')[0], '12');
  const debs = sbom.packages.filter((p) => p.metadata.kind === 'deb');
  assert.ok(debs.length > 50, `debian-full has ${debs.length} deb packages`);
  const sources = new Map<string, string>();
  for (const p of debs)
    if (p.metadata.kind === 'deb') sources.set(p.metadata.sourceName ?? p.name, p.metadata.sourceVersion ?? p.version);
  // Around each real source version: above, equal, below (tilde), epoch-bumped, and as last_affected.
  const records: OsvRecord[] = [];
  const checks: { id: string; source: string; installed: string; op: 'lt' | 'le'; bound: string }[] = [];
  let n = 0;
  for (const [source, version] of [...sources].sort()) {
    const variants: [string, 'fixed' | 'last_affected'][] = [
      [`${version}+sgci1`, 'fixed'],
      [version, 'fixed'],
      [`${version}~sgci1`, 'fixed'],
      [version.includes(':') ? version : `1:${version}`, 'fixed'],
      [version, 'last_affected'],
    ];
    for (const [bound, kind] of variants) {
      const id = `DEBIAN-CVE-2099-${String(++n).padStart(5, '0')}`;
      records.push({
        id,
        modified: '2025-01-01T00:00:00Z',
        published: '2025-01-01T00:00:00Z',
        upstream: [`CVE-2099-${String(n).padStart(5, '0')}`],
        affected: [
          {
            package: { ecosystem: 'Debian:12', name: source },
            ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { [kind]: bound }] }],
          },
        ],
      });
      checks.push({ id, source, installed: version, op: kind === 'fixed' ? 'lt' : 'le', bound });
    }
  }
  for (const r of records.slice(0, 20)) assert.deepEqual(validateOsv(r), []);
  // dpkg decides every (installed, bound) pair in one shell process.
  const script =
    'while read -r a op b; do if dpkg --compare-versions "$a" "$op" "$b"; then echo 1; else echo 0; fi; done';
  const out = spawnSync('sh', ['-c', script], {
    input: checks.map((c) => `${c.installed} ${c.op} ${c.bound}\n`).join(''),
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  assert.equal(out.status, 0, out.stderr);
  const verdicts = out.stdout.trim().split('\n');
  const affectedSources = new Map<string, string[]>();
  checks.forEach((c, i) => {
    if (verdicts[i] === '1') affectedSources.set(c.source, [...(affectedSources.get(c.source) ?? []), c.id]);
  });
  const expected = debs
    .flatMap((p) =>
      (affectedSources.get(p.metadata.kind === 'deb' ? (p.metadata.sourceName ?? p.name) : p.name) ?? []).map(
        (id) => `${id} ${p.purl}`,
      ),
    )
    .sort();
  const report = await matchSbom(sbom, memoryAdvisories(records), { now: new Date('2026-01-01T00:00:00Z') });
  assert.ok(expected.length >= debs.length * 2, 'the oracle finds the above-version and last_affected advisories');
  assert.deepEqual(foundPairs(report), expected);
  t.diagnostic(
    `${debs.length} deb packages, ${sources.size} source packages, ${records.length} advisories: ${expected.length} findings equal the dpkg oracle`,
  );
});

test('node-app: findings equal a semver oracle over the real GHSA records', { skip: fixturesMissing() }, async (t) => {
  const sbom = await sbomOf('node-app');
  const records = readRecords(join(corpusDir(), 'osv', 'npm'));
  const npm = sbom.packages.filter((p) => p.ecosystem === 'npm');
  const expected: string[] = [];
  for (const p of npm)
    for (const r of records)
      for (const a of r.affected ?? []) {
        if (a.package?.ecosystem !== 'npm' || a.package.name !== p.name) continue;
        const hit = (a.ranges ?? []).some(
          (range) =>
            range.type !== 'GIT' &&
            oracleAffected(range.events as Record<string, string>[], p.version, (x, y) => semver.lt(x, y)),
        );
        if (hit || a.versions?.includes(p.version)) {
          expected.push(`${r.id} ${p.purl}`);
          break;
        }
      }
  expected.sort();
  const report = await matchSbom(sbom, memoryAdvisories(records), { now: new Date('2026-01-01T00:00:00Z') });
  assert.ok(expected.length >= 10, `oracle found ${expected.length}`);
  assert.ok(expected.some((e) => e.startsWith('GHSA-35jh-r3h4-6jhm pkg:npm/lodash@4.17.20')));
  assert.deepEqual(foundPairs(report), [...new Set(expected)].sort());
  t.diagnostic(
    `${npm.length} npm packages, ${records.length} advisories: ${new Set(expected).size} findings equal the semver oracle`,
  );
});

test('python-app: findings equal a PEP 440 oracle over the real PYSEC records', {
  skip: fixturesMissing(),
}, async (t) => {
  const sbom = await sbomOf('python-app');
  const records = readRecords(join(corpusDir(), 'osv', 'pypi'));
  const norm = (name: string) => name.toLowerCase().replace(/[-_.]+/g, '-');
  const pypi = sbom.packages.filter((p) => p.ecosystem === 'pypi');
  assert.ok(pypi.some((p) => norm(p.name) === 'requests'));
  const expected: string[] = [];
  for (const p of pypi)
    for (const r of records)
      for (const a of r.affected ?? []) {
        if (a.package?.ecosystem !== 'PyPI' || norm(a.package.name) !== norm(p.name)) continue;
        const hit = (a.ranges ?? []).some(
          (range) =>
            range.type !== 'GIT' &&
            oracleAffected(range.events as Record<string, string>[], p.version, (x, y) => pep440.lt(x, y)),
        );
        if (hit || a.versions?.includes(p.version)) {
          expected.push(`${r.id} ${p.purl}`);
          break;
        }
      }
  const report = await matchSbom(sbom, memoryAdvisories(records), { now: new Date('2026-01-01T00:00:00Z') });
  assert.ok(expected.length >= 1, `oracle found ${expected.length}`);
  assert.deepEqual(foundPairs(report), [...new Set(expected)].sort());
  t.diagnostic(
    `${pypi.length} PyPI packages, ${records.length} advisories: ${new Set(expected).size} findings equal the PEP 440 oracle`,
  );
});
