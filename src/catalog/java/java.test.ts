import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { test } from 'node:test';
import { corpusDir } from '../../../test/helpers/fixtures.ts';
import { storedZip } from '../../../test/helpers/zip.ts';
import { defaultLimits } from '../../core/index.ts';
import { dirItems, fileItem, memoryTree } from '../testdata/tree.ts';
import { javaCataloger, mavenPurl } from './cataloger.ts';
import { parseJavaArchive, parseManifest, parsePomProperties } from './parse-archive.ts';

const java = join(corpusDir(), 'packages', 'java');

/**
 * trivy's expectations, with our deliberate differences: trivy asks Maven Central (mocked upstream)
 * for the group of a jar without metadata and for the coordinates of test.jar by its SHA-1; sgci
 * works offline, so heuristic-1.0.0-SNAPSHOT.jar has no group and test.jar is what its manifest
 * says (trivy's own "offline" expectation). j2objc's pom.xml license name is mapped to SPDX.
 */
const offline = (file: string): string[] =>
  JSON.parse(readFileSync(join(java, 'trivy-jar', file), 'utf8')).packages.map(
    (p: { Name: string; Version: string }) => `${p.Name} ${p.Version}`,
  );
const trivyCases: Record<string, string[]> = {
  'heuristic-1.0.0-SNAPSHOT.jar': [':heuristic 1.0.0-SNAPSHOT'],
  'test.jar': offline('test.jar.offline.expected.json'),
};

for (const file of readdirSync(join(java, 'trivy-jar')).filter((f) => f.endsWith('.jar'))) {
  test(`jar ${file}: every artifact with group, name and version`, () => {
    const expected = JSON.parse(readFileSync(join(java, 'trivy-jar', `${file}.expected.json`), 'utf8'));
    const got = parseJavaArchive(readFileSync(join(java, 'trivy-jar', file)), file)
      .map((a) => `${a.groupId ?? ''}:${a.artifactId} ${a.version}`)
      .sort();
    const want =
      trivyCases[file] ??
      expected.packages.map((p: { Name: string; Version: string }) => `${p.Name} ${p.Version}`).sort();
    assert.deepEqual(got, want);
  });
}

test('jar licenses: Jenkins plugin manifest names and pom.xml licenses', () => {
  const jenkins = parseJavaArchive(readFileSync(join(java, 'trivy-jar', 'license-from-jenkins-plugin.jar')), 'j.jar');
  assert.deepEqual(jenkins[0]?.licenses, ['Apache License, Version 2.0', 'MIT License']);
  const guava = parseJavaArchive(
    readFileSync(join(java, 'trivy-jar', 'hadoop-shaded-guava-1.1.0-SNAPSHOT.jar')),
    'g.jar',
  );
  assert.deepEqual(guava.find((a) => a.artifactId === 'j2objc-annotations')?.licenses, [
    'The Apache Software License, Version 2.0',
  ]);
});

function jarOf(dir: string): Uint8Array {
  const items = dirItems(dir).filter((i) => i.entry.type === 'file');
  return storedZip(items.map((i) => ({ name: relative('/', i.entry.path), data: i.content ?? new Uint8Array() })));
}

for (const name of readdirSync(java).filter((d) => d.startsWith('syft-jar-metadata-'))) {
  test(`jar ${name}: the purls syft expects`, {
    skip: name.includes('spring-instrumentation') ? 'no expectation upstream' : false,
  }, () => {
    const expected = JSON.parse(readFileSync(join(java, name, 'expected.json'), 'utf8'));
    const got = parseJavaArchive(jarOf(join(java, name, 'unpacked-jar')), `${name}.jar`)
      .map(mavenPurl)
      .sort();
    assert.deepEqual(got, expected.packages.map((p: { PURL: string }) => p.PURL).sort());
  });
}

for (const file of readdirSync(join(java, 'syft-manifest')).filter((f) => f.endsWith('.MF'))) {
  test(`MANIFEST.MF ${file}: main section as syft reads it`, () => {
    const expected = JSON.parse(readFileSync(join(java, 'syft-manifest', `${file}.expected.json`), 'utf8'));
    const main = parseManifest(readFileSync(join(java, 'syft-manifest', file), 'utf8'));
    // syft also returns the per-entry sections; they carry no package identity, so we do not read them
    let want: [string, string][] = expected.expected_manifest.Main;
    if (file === 'leading-space.MANIFEST.MF') {
      // the JAR spec removes exactly one space from a continuation line; syft trims them all, which
      // loses real spaces when a 72-byte wrap falls before one. We keep the other three.
      want = want.map(([k, v]) => [k, v.replace('com$', 'com   $')]);
    }
    assert.deepEqual([...main], want);
  });
}

for (const file of readdirSync(join(java, 'syft-pom-properties')).filter((f) => f.endsWith('.properties'))) {
  test(`pom.properties ${file}: group, artifact, version`, () => {
    const expected = JSON.parse(readFileSync(join(java, 'syft-pom-properties', `${file}.expected.json`), 'utf8'));
    const props = parsePomProperties(readFileSync(join(java, 'syft-pom-properties', file), 'utf8'));
    const want = expected.packages[0];
    assert.deepEqual(
      [props.get('groupId'), props.get('artifactId'), props.get('version')],
      [want.GroupID, want.ArtifactID, want.Version],
    );
  });
}

test('java cataloger: archives seen by the visitor, nested jars, a replaced jar not reported', async () => {
  const nested = readFileSync(join(java, 'trivy-jar', 'nested.jar'));
  const old = fileItem('/opt/app/lib/nested.jar', nested, 0);
  const replaced = fileItem('/opt/app/lib/nested.jar', storedZip([]), 1);
  const needs = javaCataloger.needs();
  const visitor = needs.visitors?.[0];
  assert.ok(visitor);
  for (const item of [old, replaced]) {
    const want = visitor.wants(item.entry);
    assert.equal(want, item.entry.size);
    await visitor.visit(item.entry, item.content as Uint8Array, false);
  }
  const out1 = await needs.catalog({ fs: memoryTree([replaced]), limits: defaultLimits });
  assert.deepEqual(out1.packages, []);
  const needs2 = javaCataloger.needs();
  await needs2.visitors?.[0]?.visit(old.entry, old.content as Uint8Array, false);
  const out2 = await needs2.catalog({ fs: memoryTree([old]), limits: defaultLimits });
  assert.deepEqual(out2.packages.map((p) => p.purl).sort(), [
    'pkg:maven/test/nested2@0.0.2',
    'pkg:maven/test/nested3@0.0.3',
    'pkg:maven/test/nested@0.0.1',
  ]);
});
