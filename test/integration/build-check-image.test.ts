import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { checkBuiltImage } from '../../src/build/gate/index.ts';
import { assembleImage, parseBuildConfig } from '../../src/build/index.ts';
import { buildProvenance } from '../../src/build/provenance/index.ts';
import { compareSboms, declaredSbom, encodeBuildSboms } from '../../src/build/sbom/index.ts';
import { copyrightOf, dpkgDebAvailable, makeDeb, staticBuildYaml, staticLikeDebs } from '../../src/build/testing.ts';
import { SgciError } from '../../src/core/index.ts';
import { openImage } from '../../src/oci/source/index.ts';

const skip = dpkgDebAvailable ? false : 'dpkg-deb is not installed (apt-get install dpkg)';
const now = new Date('2025-01-02T00:00:00Z');

async function built(extraYaml = 'outputs:\n  sbom: [cyclonedx-1.6, spdx-2.3]\n') {
  const debs = mkdtempSync(join(tmpdir(), 'sgci-debs-'));
  const packages = await staticLikeDebs(debs);
  const layout = join(mkdtempSync(join(tmpdir(), 'sgci-layout-')), 'oci');
  const config = parseBuildConfig(staticBuildYaml(extraYaml), 'static.yaml');
  const input = { platform: 'linux/amd64' as const, packages };
  const image = await assembleImage(config, [input], { layout, baseDir: debs });
  const report = image.report.platforms[0];
  assert.ok(report);
  return { debs, packages, layout, config, input, report };
}

test('the SBOM of the resolution names every package as the scan of the built image does, with the .deb sha256', {
  skip,
  timeout: 300_000,
}, async () => {
  const { packages, layout, config, input, report } = await built();
  const declared = await declaredSbom(config, input, report);
  await using image = await openImage(`oci-dir:${layout}:latest`);
  const { sbom: scanned, gate } = await checkBuiltImage(image, declared, { now });
  assert.equal(gate, undefined);
  assert.equal(declared.packages.length, packages.length);
  assert.deepEqual(compareSboms(declared, scanned), []);

  const lib = declared.packages.find((p) => p.name === 'libsgci0');
  assert.equal(lib?.purl, 'pkg:deb/debian/libsgci0@1.2-3?arch=amd64&distro=debian-12&upstream=sgci-lib');
  assert.deepEqual(lib?.licenses, ['MIT']);
  assert.deepEqual(declared.packages.find((p) => p.name === 'base-files')?.licenses, ['GPL-2.0-or-later']);

  const [cyclonedx, spdx] = encodeBuildSboms(declared, config.outputs.sbom);
  const libSha256 = packages.find((p) => p.name === 'libsgci0')?.sha256;
  const component = JSON.parse(cyclonedx?.text ?? '').components.find((c: { name: string }) => c.name === 'libsgci0');
  assert.equal(JSON.parse(cyclonedx?.text ?? '').specVersion, '1.6');
  assert.deepEqual(component.hashes, [{ alg: 'SHA-256', content: libSha256 }]);
  assert.equal(component.purl, lib?.purl);
  const spdxDoc = JSON.parse(spdx?.text ?? '');
  assert.equal(spdxDoc.spdxVersion, 'SPDX-2.3');
  const spdxLib = spdxDoc.packages.find((p: { name: string }) => p.name === 'libsgci0');
  assert.deepEqual(spdxLib.checksums, [{ algorithm: 'SHA256', checksumValue: libSha256 }]);
  assert.equal(spdxLib.externalRefs[0].referenceLocator, lib?.purl);
  assert.equal(spdxLib.licenseDeclared, 'MIT');
});

test('a build whose image does not hold what was resolved fails naming every package that differs', {
  skip,
  timeout: 300_000,
}, async () => {
  const { debs, packages, layout, config, report } = await built();
  // the resolution the SBOM is made from: netbase in another version and one package the image never got
  const other = [
    ...packages.filter((p) => p.name !== 'netbase'),
    makeDeb(debs, { name: 'netbase', version: '6.5', arch: 'all', files: [copyrightOf('netbase', 'GPL-2.0-only')] }),
    makeDeb(debs, { name: 'libextra1', version: '2.0-1', files: [copyrightOf('libextra1')] }),
  ];
  const declared = await declaredSbom(config, { platform: 'linux/amd64', packages: other }, report);
  await using image = await openImage(`oci-dir:${layout}:latest`);
  const error = await checkBuiltImage(image, declared, { now }).then(
    () => assert.fail('the cross-check passed'),
    (e: unknown) => e,
  );
  assert.ok(error instanceof SgciError, String(error));
  assert.equal(error.code, 'BUILD_REFUSED');
  assert.match(error.message, /libextra1:amd64 presence: build resolved, scan absent/);
  assert.match(error.message, /netbase:all version: build 6\.5, scan 6\.4/);
  assert.match(error.message, /netbase:all purl: build pkg:deb\/debian\/netbase@6\.5/);
  assert.doesNotMatch(error.message, /tzdata|base-files|libsgci0/);
});

test('licences that differ between the two SBOMs are a disagreement too', { skip, timeout: 300_000 }, async () => {
  const { config, input, report } = await built();
  const declared = await declaredSbom(config, input, report);
  const relicensed = {
    ...declared,
    packages: declared.packages.map((p) => (p.name === 'tzdata' ? { ...p, licenses: ['CC0-1.0'] } : p)),
  };
  assert.deepEqual(compareSboms(declared, relicensed), [
    { package: 'tzdata:all', field: 'licenses', declared: 'public-domain', scanned: 'CC0-1.0' },
  ]);
});

test('the build asserts the checks the image decides; the base checks only with the provenance it signs', {
  skip,
  timeout: 300_000,
}, async () => {
  const { config, input, report, layout } = await built();
  const declared = await declaredSbom(config, input, report);
  await using image = await openImage(`oci-dir:${layout}:latest`);
  const unsigned = (await checkBuiltImage(image, declared, { now, gate: {} })).gate;
  assert.ok(unsigned);
  assert.deepEqual(unsigned.failed, []);
  const ids = unsigned.asserted.map((c) => c.id);
  for (const id of ['SGCI-BASE-001', 'SGCI-RUN-001', 'SGCI-COMP-001', 'SGCI-COMP-003', 'SGCI-BUILD-006'])
    assert.ok(ids.includes(id), `${id} not asserted: ${ids.join(', ')}`);
  assert.ok(!ids.includes('SGCI-BASE-002') && !ids.includes('SGCI-BASE-003'), ids.join(', '));
  console.log(
    `asserted ${unsigned.asserted.length} checks: ${unsigned.asserted.map((c) => `${c.id}=${c.result}`).join(' ')}`,
  );

  const signed = {
    digest: report.manifest,
    predicate: buildProvenance({
      config,
      lock: { configDigest: 'sha256:0', suites: [], architectures: [] },
      buildFile: { path: 'static.yaml', sha256: '0'.repeat(64) },
      keys: [],
      extraFiles: [],
      image: { digest: report.manifest, platforms: [{ platform: report.platform, manifest: report.manifest }] },
    }),
  };
  const attested = (await checkBuiltImage(image, declared, { now, gate: { signed } })).gate;
  assert.deepEqual(attested?.failed, []);
  for (const id of ['SGCI-BASE-002', 'SGCI-BASE-003'])
    assert.equal(attested?.asserted.find((c) => c.id === id)?.result, 'not-applicable', id);
});

test('a built image that fails a check the build asserts fails the build, naming the check', {
  skip,
  timeout: 300_000,
}, async () => {
  const { config, input, report, layout } = await built();
  const unlabelled = parseBuildConfig(staticBuildYaml().replace(/ {2}labels:\n( {4}.*\n)+/, ''), 'static.yaml');
  assert.deepEqual(unlabelled.image.labels, {});
  const again = await assembleImage(unlabelled, [input], { layout: `${layout}-unlabelled`, baseDir: tmpdir() });
  const declared = await declaredSbom(config, input, report);
  await using image = await openImage(`oci-dir:${again.layout}:latest`);
  const error = await checkBuiltImage(image, declared, { now, gate: {} }).then(
    () => assert.fail('the gate passed'),
    (e: unknown) => e,
  );
  assert.ok(error instanceof SgciError, String(error));
  assert.equal(error.code, 'BUILD_REFUSED');
  assert.match(error.message, /fails sgci check: .*SGCI-BUILD-006/);
});

test('a check the build file says is not the build’s to assert is reported with why, and fails nothing', {
  skip,
  timeout: 300_000,
}, async () => {
  const { input, layout } = await built();
  const plain = parseBuildConfig(staticBuildYaml().replace(/ {2}healthcheck:\n( {4}.*\n)+/, ''), 'static.yaml');
  assert.equal(plain.config.healthcheck, undefined);
  const again = await assembleImage(plain, [input], { layout: `${layout}-plain`, baseDir: tmpdir() });
  const report = again.report.platforms[0];
  assert.ok(report);
  const declared = await declaredSbom(plain, input, report);
  await using image = await openImage(`oci-dir:${again.layout}:latest`);
  await assert.rejects(checkBuiltImage(image, declared, { now, gate: {} }), /fails sgci check: SGCI-RUN-008/);
  const why = 'no health check configured';
  const { gate } = await checkBuiltImage(image, declared, {
    now,
    gate: { unasserted: new Map([['SGCI-RUN-008', why]]) },
  });
  assert.deepEqual(gate?.failed, []);
  assert.deepEqual(
    gate?.unasserted.map((c) => [c.id, c.result, c.why]),
    [['SGCI-RUN-008', 'fail', why]],
  );
  assert.ok(!gate?.asserted.some((c) => c.id === 'SGCI-RUN-008'));
});
