import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { corpusDir } from '../../test/helpers/fixtures.ts';
import { catalogerNeeds, catalogTree } from '../catalog/index.ts';
import { dirItems, fileItem, memoryTree } from '../catalog/testdata/tree.ts';
import { parseDigest } from '../core/index.ts';
import { decodeSbom, encodeSbom, type Sbom } from './index.ts';
import { cycloneDxJsonErrors, cycloneDxXmlErrors, spdxJsonErrors, xmllintMissing } from './testdata/validate.ts';

const packages = join(corpusDir(), 'packages');

/** An image-like tree: a dpkg rootfs, pip and Debian python packages, npm modules, an unowned binary. */
async function sampleSbom(): Promise<Sbom> {
  const items = [
    ...dirItems(join(packages, 'debian', 'syft-image-dpkg', 'rootfs'), 0),
    ...dirItems(join(packages, 'python', 'syft-site-packages_license', 'rootfs'), 1, '/usr/lib/python3/site-packages'),
    fileItem(
      '/app/node_modules/@scope/thing/package.json',
      '{"name":"@scope/thing","version":"1.2.3","license":"(MIT OR Apache-2.0)"}',
      2,
    ),
    fileItem(
      '/app/node_modules/left-pad/package.json',
      '{"name":"left-pad","version":"1.3.0","license":"WTFPL","dependencies":{"@scope/thing":"1"}}',
      2,
    ),
  ];
  items.push(fileItem('/app/node_modules/broken/package.json', '{"name": "broken", "version": ', 2));
  const needs = catalogerNeeds();
  const exe = fileItem('/usr/local/bin/tool', '\x7fELF\x02\x01\x01', 2, 0o755);
  for (const v of needs.visitors ?? []) {
    const want = v.wants(exe.entry);
    if (want !== undefined && exe.content) await v.visit(exe.entry, exe.content.subarray(0, want), false);
  }
  return catalogTree(
    memoryTree([...items, exe]),
    {
      name: 'registry.example/app:1',
      digest: parseDigest(`sha256:${'ab'.repeat(32)}`),
      platform: 'linux/amd64',
      created: '2025-05-20T00:00:00Z',
    },
    needs,
  );
}

test('sample SBOM: dpkg, pypi and npm packages, the unowned executable listed', async () => {
  const sbom = await sampleSbom();
  assert.deepEqual(
    sbom.packages.map((p) => p.purl),
    [
      'pkg:deb/debian/libpam-runtime@1.1.8-3.6?arch=all&distro=debian-12&upstream=pam',
      'pkg:npm/%40scope/thing@1.2.3',
      'pkg:npm/left-pad@1.3.0',
      'pkg:pypi/pygments@2.6.1?vcs_url=git%2Bhttps%3A%2F%2Fgithub.com%2Fpython-test%2Ftest.git%40aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa',
      'pkg:pypi/pygments@2.6.1?vcs_url=git%2Bhttps%3A%2F%2Fgithub.com%2Fpython-test%2Ftest.git%40aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa',
    ],
  );
  assert.deepEqual(sbom.unidentifiedExecutables, [{ path: '/usr/local/bin/tool', layer: 2 }]);
  assert.equal(sbom.distro?.id, 'debian');
  assert.equal(sbom.unknowns.length, 1);
  assert.equal(sbom.unknowns[0]?.path, '/app/node_modules/broken/package.json');
  assert.equal(sbom.unknowns[0]?.layer, 2);
});

test('CycloneDX 1.6 JSON validates against the official schema and is byte-identical across runs', async () => {
  const a = encodeSbom(await sampleSbom(), 'cyclonedx-json');
  const b = encodeSbom(await sampleSbom(), 'cyclonedx-json');
  assert.equal(a, b);
  assert.deepEqual(cycloneDxJsonErrors(a), []);
  const json = JSON.parse(a);
  assert.equal(json.specVersion, '1.6');
  assert.match(json.serialNumber, /^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  const npm = json.components.find((c: { name: string }) => c.name === '@scope/thing');
  assert.deepEqual(npm.licenses, [{ expression: 'MIT OR Apache-2.0' }]);
});

test('CycloneDX 1.6 XML validates against the official XSD', { skip: xmllintMissing() }, async () => {
  const xml = encodeSbom(await sampleSbom(), 'cyclonedx-xml');
  assert.match(xml, /<bom xmlns="http:\/\/cyclonedx.org\/schema\/bom\/1.6"/);
  assert.deepEqual(cycloneDxXmlErrors(xml), []);
});

test('SPDX 2.3 JSON validates against the SPDX 2.3 schema; non-SPDX licenses become LicenseRefs', async () => {
  const text = encodeSbom(await sampleSbom(), 'spdx-json');
  assert.deepEqual(spdxJsonErrors(text), []);
  const doc = JSON.parse(text);
  assert.equal(doc.spdxVersion, 'SPDX-2.3');
  assert.equal(doc.creationInfo.created, '2025-05-20T00:00:00Z');
  const pam = doc.packages.find((p: { name: string }) => p.name === 'libpam-runtime');
  assert.equal(pam.licenseDeclared, 'GPL-1.0-only AND GPL-2.0-only AND LGPL-2.1-only');
  assert.equal(encodeSbom(await sampleSbom(), 'spdx-json'), text);
});

test('the SPDX 2.3 schema rejects documents that break the specification', async () => {
  const doc = JSON.parse(encodeSbom(await sampleSbom(), 'spdx-json'));
  const broken = (edit: (d: typeof doc) => void): string => {
    const copy = structuredClone(doc);
    edit(copy);
    return JSON.stringify(copy);
  };
  const cases: [string, string][] = [
    ['spdxVersion 2.2', broken((d) => (d.spdxVersion = 'SPDX-2.2'))],
    ['no creationInfo', broken((d) => delete d.creationInfo)],
    ['creator without a type', broken((d) => (d.creationInfo.creators = ['sgci']))],
    ['created with fractions', broken((d) => (d.creationInfo.created = '2025-05-20T00:00:00.000Z'))],
    ['package without downloadLocation', broken((d) => delete d.packages[1].downloadLocation)],
    ['package SPDXID with an underscore', broken((d) => (d.packages[1].SPDXID = 'SPDXRef-a_b'))],
    ['unknown checksum algorithm', broken((d) => (d.packages[0].checksums[0].algorithm = 'SHA999'))],
    ['unknown reference category', broken((d) => (d.packages[2].externalRefs[0].referenceCategory = 'PURL'))],
    ['unknown relationship type', broken((d) => (d.relationships[0].relationshipType = 'HAS'))],
    ['unknown member in a package', broken((d) => (d.packages[1].purl = 'pkg:x/y'))],
    ['supplier without a type', broken((d) => (d.packages[1].supplier = 'Debian'))],
  ];
  for (const [name, text] of cases) assert.notDeepEqual(spdxJsonErrors(text), [], name);
  // the unbroken document still passes, so each rejection comes from its one edit
  assert.deepEqual(spdxJsonErrors(JSON.stringify(doc)), []);
});

for (const format of ['cyclonedx-json', 'spdx-json'] as const) {
  test(`decodeSbom reads ${format} back: packages, source packages, relationships, executables`, async () => {
    const sbom = await sampleSbom();
    const back = decodeSbom(encodeSbom(sbom, format), `sbom.${format}`);
    assert.deepEqual(
      back.packages.map((p) => [p.purl, p.name, p.version, p.ecosystem]),
      sbom.packages.map((p) => [p.purl, p.name, p.version, p.ecosystem]),
    );
    const pam = back.packages.find((p) => p.name === 'libpam-runtime');
    assert.ok(pam?.metadata.kind === 'deb');
    assert.equal(pam.metadata.sourceName, 'pam');
    assert.equal(pam.metadata.sourceVersion, '1.1.8-3.6');
    assert.deepEqual(
      back.packages.map((p) => p.id),
      sbom.packages.map((p) => p.id),
    );
    assert.deepEqual(back.relationships, sbom.relationships);
    assert.deepEqual(back.unidentifiedExecutables, sbom.unidentifiedExecutables);
    assert.equal(back.subject.digest, sbom.subject.digest);
    assert.deepEqual(back.unknowns, sbom.unknowns);
  });
}

test('decodeSbom reads the real CycloneDX examples of the corpus', () => {
  const dir = join(corpusDir(), 'sbom', 'cyclonedx-examples');
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.json'))) {
    const sbom = decodeSbom(readFileSync(join(dir, file), 'utf8'), file);
    assert.ok(Array.isArray(sbom.packages), file);
  }
});

test('decodeSbom rejects what is not an SBOM with SBOM_INVALID naming the input', () => {
  assert.throws(() => decodeSbom('{"hello":1}', 'x.json'), { code: 'SBOM_INVALID', message: /^x\.json: / });
  assert.throws(() => decodeSbom('not json', 'y.json'), { code: 'SBOM_INVALID' });
});

test('decodeSbom refuses SBOMs nested 100k deep with SBOM_INVALID naming the input, not a stack overflow', () => {
  const nested = (key: string) =>
    `${`[{"type":"library","name":"x","purl":"pkg:npm/x@1","${key}":`.repeat(100_000)}[]${'}]'.repeat(100_000)}`;
  const documents = [
    `{"bomFormat":"CycloneDX","specVersion":"1.6","components":${nested('components')}}`,
    `{"spdxVersion":"SPDX-2.3","packages":${nested('annotations')}}`,
  ];
  for (const text of documents) {
    const started = performance.now();
    assert.throws(() => decodeSbom(text, 'deep.json'), {
      code: 'SBOM_INVALID',
      message: /^deep\.json: SBOM nests deeper than 512 levels/,
    });
    assert.ok(performance.now() - started < 5000);
  }
  // 500 levels of nested components are an odd SBOM, not an attack: read whole.
  const components = `${'[{"type":"library","name":"x","purl":"pkg:npm/x@1","components":'.repeat(250)}[]${'}]'.repeat(250)}`;
  const sbom = decodeSbom(`{"bomFormat":"CycloneDX","specVersion":"1.6","components":${components}}`, 'ok.json');
  assert.equal(sbom.packages.length, 250);
});

test('table lists every package and the unidentified executables', async () => {
  const table = encodeSbom(await sampleSbom(), 'table');
  assert.match(table, /^NAME +VERSION +TYPE +LAYER +PATH$/m);
  assert.match(table, /^libpam-runtime +1\.1\.8-3\.6 +deb +0 +\/var\/lib\/dpkg\/status$/m);
  assert.match(table, /\/usr\/local\/bin\/tool/);
});
