import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Distro, Package } from '../../catalog/package.ts';
import { isMatchable } from '../../vuln/index.ts';
import { testPackage, testSbom } from '../sbom-testing.ts';
import { testContext } from '../testing.ts';
import { comp002 } from './comp-002-purls-matchable.ts';

const debian: Distro = { id: 'debian', versionId: '12' };
const npm = (name: string): Package =>
  testPackage(name, '4.17.1', { ecosystem: 'npm', metadata: { kind: 'language' } as Package['metadata'] });
const busybox = testPackage('busybox', '1.36', {
  ecosystem: 'binary',
  purl: 'pkg:generic/busybox@1.36',
  metadata: { kind: 'binary' } as Package['metadata'],
});

async function uncoveredPurls(packages: Package[], distro?: Distro): Promise<string[]> {
  const result = await comp002.evaluate(testContext({ sbom: testSbom(packages, distro ? { distro } : {}) }));
  return (result.evidence ?? []).flatMap((e) => (e.kind === 'package' ? [e.purl] : []));
}

test('a deb of a Debian release and an npm package are covered; a classifier-only binary is not', async () => {
  assert.deepEqual(await uncoveredPurls([testPackage('bash'), npm('express'), busybox], debian), [
    'pkg:generic/busybox@1.36',
  ]);
  assert.equal(
    (await comp002.evaluate(testContext({ sbom: testSbom([testPackage('bash'), npm('express')], { distro: debian }) })))
      .status,
    'pass',
  );
});

test('COMP-002 and the matcher agree on every package: OS packages of a distro OSV does not publish are uncovered', async () => {
  const mariner: Distro = { id: 'mariner', versionId: '2.0' };
  const rpm = testPackage('openssl', '1.1.1k-1.cm2', { purl: 'pkg:rpm/mariner/openssl@1.1.1k-1.cm2' });
  const packages = [testPackage('bash'), npm('express'), busybox, rpm];
  for (const distro of [debian, mariner, { id: 'debian' } satisfies Distro]) {
    const expected = packages.filter((p) => !isMatchable(p, distro)).map((p) => p.purl);
    assert.deepEqual(await uncoveredPurls(packages, distro), expected, distro.id);
  }
  // the matcher never searches Mariner: the check must not count its packages as covered
  assert.ok((await uncoveredPurls([rpm], mariner)).includes(rpm.purl));
  // without a release version no distro advisories apply either
  assert.ok((await uncoveredPurls([testPackage('bash')], { id: 'debian' })).includes('pkg:deb/debian/bash@1.0'));
});
