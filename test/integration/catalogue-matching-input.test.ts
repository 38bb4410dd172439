/**
 * What a version's scan keeps for re-matching (a few kilobytes beside the version, catalogue/rematch/matching-input.ts)
 * gives the same vulnerability report as the whole SBOM of the stored pass, for every fixture image, against the
 * corpus's npm and Debian advisories and one advisory per installed Debian source package and npm package (so
 * source-package matches and findings the distro owns are among them). The input goes through JSON as the
 * database stores it.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { matchingInputOf, matchingSbomOf } from '../../src/catalogue/rematch/matching-input.ts';
import { defaultLimits } from '../../src/core/index.ts';
import { openImage } from '../../src/oci/source/index.ts';
import { defaultPolicy, slaPolicyOf } from '../../src/policy/index.ts';
import type { Sbom } from '../../src/sbom/index.ts';
import { runScan, storeMatcher } from '../../src/scan/index.ts';
import { openStore, type Store } from '../../src/store/index.ts';
import { importAdvisories, parseAdvisorySource } from '../../src/vuln/index.ts';
import { corpusDir, type FixtureName, fixture, fixtureNames, fixturesMissing } from '../helpers/fixtures.ts';

const now = new Date('2026-12-01T09:00:00Z');
const dir = mkdtempSync(join(tmpdir(), 'sgci-matching-input-'));
let store: Store;
const sboms = new Map<FixtureName, Sbom>();

/** Advisories naming every Debian source package and npm package of the fixtures, fixed just above what is installed. */
function advisoriesForEveryPackage(): Uint8Array[] {
  const records: object[] = [];
  for (const sbom of sboms.values()) {
    for (const p of sbom.packages) {
      const id = `OSV-2098-${records.length}`;
      if (p.metadata.kind === 'deb')
        records.push({
          id,
          modified: now.toISOString(),
          affected: [
            {
              package: { ecosystem: 'Debian:12', name: p.metadata.sourceName ?? p.name },
              ranges: [
                {
                  type: 'ECOSYSTEM',
                  events: [{ introduced: '0' }, { fixed: `${p.metadata.sourceVersion ?? p.version}+test1` }],
                },
              ],
            },
          ],
        });
      if (p.ecosystem === 'npm')
        records.push({
          id,
          modified: now.toISOString(),
          affected: [{ package: { ecosystem: 'npm', name: p.name }, versions: [p.version] }],
        });
    }
  }
  return records.map((r) => Buffer.from(JSON.stringify(r)));
}

before(async () => {
  if (fixturesMissing()) return;
  for (const name of fixtureNames) {
    await using image = await openImage(`docker-archive:${fixture(name).dockerArchive}`, { limits: defaultLimits });
    const scan = { subject: { image }, needs: { vulns: false, checks: false }, policy: defaultPolicy, now };
    sboms.set(name, (await runScan(scan)).sbom);
  }
  store = await openStore({ engine: 'sqlite', dataDir: dir, databaseUrl: '' });
  const osv = join(corpusDir(), 'osv');
  await importAdvisories(
    store,
    ['npm', 'debian/derived-osv'].map((d) => parseAdvisorySource(join(osv, d))),
    {
      skipInvalid: true,
    },
  );
  const generated = advisoriesForEveryPackage();
  await importAdvisories(
    store,
    generated.map((bytes, i) => ({ kind: 'bytes' as const, name: `OSV-2098-${i}.json`, bytes })),
  );
});
after(async () => {
  await store?.close();
  rmSync(dir, { recursive: true, force: true });
});

test('every fixture: the matching input finds what the whole SBOM finds', { skip: fixturesMissing() }, async () => {
  const match = storeMatcher(store);
  const request = { vex: [], notes: [], sla: slaPolicyOf(defaultPolicy), now };
  const seen = { sourcePackage: 0, ownedByDistro: 0, findings: 0 };
  for (const [name, sbom] of sboms) {
    const input = JSON.parse(JSON.stringify(matchingInputOf(sbom)));
    const whole = await match(sbom, request);
    const compact = await match(matchingSbomOf(input, sbom.subject), request);
    assert.ok('report' in whole && 'report' in compact);
    assert.deepEqual(compact.report, whole.report, name);
    assert.ok(JSON.stringify(input).length * 5 < JSON.stringify(sbom).length, `${name}: a fraction of the SBOM`);
    for (const f of whole.report.matches) {
      seen.findings++;
      if (f.details.some((d) => d.by === 'distro-source-package')) seen.sourcePackage++;
      if (f.judgement === 'os-owned-upstream') seen.ownedByDistro++;
    }
  }
  assert.ok(seen.findings > 100, `findings to compare: ${seen.findings}`);
  assert.ok(seen.sourcePackage > 0, 'some found by their Debian source package');
  assert.ok(seen.ownedByDistro > 0, 'some owned by an OS package');
});
