import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { generateP256, LocalSigner, predicateTypes, verifyImage } from '../../src/attest/index.ts';
import { assembleImage, parseBuildConfig, pushLayout } from '../../src/build/index.ts';
import { attestBuild, buildProvenance, type LockedInputs, readLocalInputs } from '../../src/build/provenance/index.ts';
import { declaredSbom, encodeBuildSboms } from '../../src/build/sbom/index.ts';
import { dpkgDebAvailable, makeDeb, staticBuildYaml, staticLikeDebs } from '../../src/build/testing.ts';
import { defaultLimits, toolVersion } from '../../src/core/index.ts';
import { RegistryClient } from '../../src/oci/registry/index.ts';
import { startRegistry } from '../helpers/registry.ts';

const skip = dpkgDebAvailable ? false : 'dpkg-deb is not installed (apt-get install dpkg)';
const mirror = 'https://debian.mirror.example/debian';

/** The lock a resolution of these packages records: one suite, its indices, each package's pool file and digest. */
function lockOf(platforms: Record<string, readonly { name: string; version: string; arch: string; sha256: string }[]>) {
  const lock: LockedInputs = {
    configDigest: `sha256:${'c'.repeat(64)}`,
    suites: [
      {
        url: mirror,
        suite: 'bookworm',
        snapshot: '2026-01-01T00:00:00Z',
        inRelease: { sha256: 'a'.repeat(64), size: 151_000 },
        signer: '4D64FEC119C2029067D6E791F8D2585B8783D481',
        signingKey: '4D64FEC119C2029067D6E791F8D2585B8783D481',
        date: '2025-12-20T09:00:00Z',
        validUntil: null,
        indices: [{ path: 'main/binary-amd64/Packages.xz', sha256: 'b'.repeat(64), size: 8_000_000 }],
      },
    ],
    architectures: Object.entries(platforms).map(([architecture, packages]) => ({
      architecture,
      packages: packages.map((p) => ({
        name: p.name,
        version: p.version,
        architecture: p.arch,
        url: mirror,
        suite: 'bookworm',
        component: 'main',
        filename: `pool/main/${p.name[0]}/${p.name}/${p.name}_${p.version}_${p.arch}.deb`,
        size: 1000,
        sha256: p.sha256,
        source: p.name,
        sourceVersion: p.version,
        why: `requested: ${p.name}`,
      })),
      excluded: [],
    })),
  };
  return lock;
}

test('a signed two-platform build carries its SBOMs per platform and its provenance on the index, all verifiable', {
  skip,
  timeout: 300_000,
}, async () => {
  const registry = await startRegistry({ auth: 'none' });
  const client = new RegistryClient({ limits: defaultLimits });
  try {
    await signedBuild(registry.host, client);
  } finally {
    await client.close();
    await registry.stop();
  }
});

/** Builds, pushes, signs and attests to `host`, then verifies what a consumer would. */
async function signedBuild(host: string, client: RegistryClient): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'sgci-build-attest-'));
  const amd64 = await staticLikeDebs(dir);
  const arm64 = [
    ...amd64.filter((p) => p.arch === 'all'),
    makeDeb(dir, { name: 'libsgci0', version: '1.2-3', arch: 'arm64', source: 'sgci-lib', files: [] }),
  ];
  const yaml = staticBuildYaml('outputs:\n  sbom: [cyclonedx-1.6, spdx-2.3]\n').replace(
    'platforms: [linux/amd64]',
    'platforms: [linux/amd64, linux/arm64]',
  );
  const buildFile = join(dir, 'static.yaml');
  writeFileSync(buildFile, yaml);
  mkdirSync(join(dir, 'keys'));
  writeFileSync(join(dir, 'keys', 'debian-bookworm.asc'), 'the pinned public key\n');
  const config = parseBuildConfig(yaml, buildFile);
  const inputs = [
    { platform: 'linux/amd64' as const, packages: amd64 },
    { platform: 'linux/arm64' as const, packages: arm64 },
  ];
  const built = await assembleImage(config, inputs, { layout: join(dir, 'oci'), baseDir: dir });
  const target = { registry: host, repository: 'sgci/static' };
  assert.equal(await pushLayout(built.layout, client, target, config.image.tags), built.digest);

  const platforms = [];
  for (const [i, report] of built.report.platforms.entries()) {
    const input = inputs[i];
    assert.ok(input);
    const sbom = await declaredSbom(config, input, report);
    platforms.push({ manifest: report.manifest, sboms: encodeBuildSboms(sbom, config.outputs.sbom) });
  }
  const lock = lockOf({ amd64, arm64 });
  const provenance = buildProvenance({
    config,
    lock,
    ...(await readLocalInputs(config, buildFile)),
    extraFiles: [],
    image: {
      digest: built.digest,
      platforms: built.report.platforms.map((p) => ({ platform: p.platform, manifest: p.manifest })),
    },
  });
  const { privateKey, publicKey } = generateP256();
  await attestBuild(client, target, new LocalSigner(privateKey, publicKey, 'release.key'), {
    root: built.digest,
    platforms,
    provenance,
  });

  const keys = [{ name: 'release', key: publicKey }];
  const root = await verifyImage(client, { ...target, digest: built.digest }, built.digest, keys);
  assert.ok(root.signatures.length > 0 && root.signatures.every((s) => s.verified), JSON.stringify(root.signatures));
  assert.deepEqual(
    root.attestations.map((a) => [a.predicateType, a.verified]),
    [[predicateTypes.slsaprovenance1, true]],
  );
  for (const report of built.report.platforms) {
    const v = await verifyImage(client, { ...target, digest: report.manifest }, report.manifest, keys);
    assert.ok(v.signatures.length > 0 && v.signatures.every((s) => s.verified), report.platform);
    assert.deepEqual(v.attestations.map((a) => [a.predicateType, a.verified]).sort(), [
      ['https://cyclonedx.org/bom', true],
      ['https://spdx.dev/Document', true],
    ]);
    const cdx = v.attestations.find((a) => a.predicateType === 'https://cyclonedx.org/bom')?.statement;
    assert.ok(cdx);
    const names = (cdx.predicate as { components: { name: string }[] }).components.map((c) => c.name);
    assert.ok(names.includes('libsgci0') && names.includes('tzdata'), names.join(', '));
  }

  // the provenance as the verifier reads it back: every input with its digest, the tool version, no clock time
  const statement = root.attestations[0]?.statement;
  assert.deepEqual(statement?.subject[0]?.digest, { sha256: built.digest.replace('sha256:', '') });
  const predicate = statement?.predicate as {
    buildDefinition: { resolvedDependencies: { uri: string; digest: { sha256: string }; annotations?: object }[] };
    runDetails: { builder: { version: { sgci: string } }; byproducts: { name: string }[] };
  };
  const deps = predicate.buildDefinition.resolvedDependencies;
  const digestOf = (uri: string) => deps.find((d) => d.uri === uri)?.digest.sha256;
  assert.equal(digestOf(`${mirror}/dists/bookworm/InRelease`), 'a'.repeat(64));
  assert.equal(digestOf(`${mirror}/dists/bookworm/main/binary-amd64/Packages.xz`), 'b'.repeat(64));
  for (const p of [...amd64, ...arm64])
    assert.equal(digestOf(`${mirror}/pool/main/${p.name[0]}/${p.name}/${p.name}_${p.version}_${p.arch}.deb`), p.sha256);
  const tzdata = deps.find((d) => d.uri.endsWith('/tzdata_2025b-0+deb12u2_all.deb'));
  assert.deepEqual(tzdata?.annotations, {
    size: 1000,
    suite: 'bookworm',
    component: 'main',
    why: 'requested: tzdata',
    architectures: ['amd64', 'arm64'],
  });
  assert.equal(deps.filter((d) => d.uri.endsWith('_all.deb')).length, amd64.filter((p) => p.arch === 'all').length);
  assert.equal(
    digestOf('file:keys/debian-bookworm.asc'),
    createHash('sha256').update('the pinned public key\n').digest('hex'),
  );
  assert.equal(digestOf(`file:${buildFile}`), createHash('sha256').update(yaml).digest('hex'));
  assert.equal(predicate.runDetails.builder.version.sgci, toolVersion);
  assert.deepEqual(
    predicate.runDetails.byproducts.map((b) => b.name),
    ['linux/amd64', 'linux/arm64'],
  );
  assert.doesNotMatch(JSON.stringify(predicate), /startedOn|finishedOn/);
}
