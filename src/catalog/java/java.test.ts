import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { test } from 'node:test';
import { corpusDir } from '../../../test/helpers/fixtures.ts';
import { makeZip, storedZip } from '../../../test/helpers/zip.ts';
import { defaultLimits, ZipBudget } from '../../core/index.ts';
import { nestedJarBomb, overlappingJar, sharedPayloadJar, smallEntryRatioJar } from '../testdata/hostile.ts';
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

/** What the java cataloger makes of one archive file, as the pass hands it to the visitor. */
async function catalogJar(bytes: Uint8Array, path = '/app/app.jar') {
  const item = fileItem(path, bytes);
  const needs = javaCataloger.needs();
  await needs.visitors?.[0]?.visit(item.entry, bytes, false);
  return needs.catalog({ fs: memoryTree([item]), limits: defaultLimits });
}

const text = (s: string) => new TextEncoder().encode(s);
const pomProperties = (group: string, artifact: string, version: string) => ({
  name: `META-INF/maven/${group}/${artifact}/pom.properties`,
  data: text(`groupId=${group}\nartifactId=${artifact}\nversion=${version}\n`),
});

test('a Spring Boot jar whose manifest names no group keeps its own artifact and the nested log4j-core', async () => {
  const log4j = storedZip([pomProperties('org.apache.logging.log4j', 'log4j-core', '2.14.1')]);
  const app = storedZip([
    {
      name: 'META-INF/MANIFEST.MF',
      data: text(
        'Manifest-Version: 1.0\nMain-Class: org.springframework.boot.loader.JarLauncher\nStart-Class: com.example.App\nImplementation-Title: demo\nImplementation-Version: 0.0.1-SNAPSHOT\n\n',
      ),
    },
    { name: 'BOOT-INF/lib/log4j-core-2.14.1.jar', data: log4j },
  ]);
  const out = await catalogJar(app, '/app/demo.jar');
  assert.deepEqual(out.packages.map((p) => p.purl).sort(), [
    'pkg:maven/demo/demo@0.0.1-SNAPSHOT',
    'pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1',
  ]);
  // the group was not known: the SBOM does not claim one
  const demo = out.packages.find((p) => p.name === 'demo');
  assert.equal(demo?.metadata.kind === 'language' ? demo.metadata.attributes?.groupId : 'x', undefined);
  assert.deepEqual(out.unknowns, []);
});

test('an entry that cannot be read is a problem; the artifacts of the other entries still count', async () => {
  const good = pomProperties('org.example', 'good', '1.0');
  const bad = pomProperties('org.example', 'bad', '1.0');
  const jar = makeZip([
    { ...good, method: 0 },
    { ...bad, method: 0, crc: 1 },
  ]);
  const out = await catalogJar(jar);
  assert.deepEqual(
    out.packages.map((p) => p.purl),
    ['pkg:maven/org.example/good@1.0'],
  );
  assert.deepEqual(
    out.unknowns.map((u) => u.reason),
    ['/app/app.jar!META-INF/maven/org.example/bad/pom.properties: CRC-32 mismatch'],
  );
});

test('hostile archive trees finish in bounded time with the right result', { timeout: 60_000 }, async (t) => {
  await t.test('2000 records pointing at one nested jar, three levels deep, are one jar each', async () => {
    const out = await catalogJar(nestedJarBomb(2000, 3));
    assert.deepEqual(
      out.packages.map((p) => p.purl),
      ['pkg:maven/org.example/inner@1.0.0'],
    );
    assert.deepEqual(out.unknowns, []);
  });
  await t.test(
    '1000 aliases of a 1 MiB pom.properties in 1000 aliases of a jar: the ratio check refuses it',
    async () => {
      const out = await catalogJar(sharedPayloadJar(1000, 1000));
      assert.deepEqual(out.packages, []);
      assert.deepEqual(
        out.unknowns.map((u) => u.reason),
        [
          '/app/app.jar!WEB-INF/lib/x0.jar!META-INF/maven/g/a0/pom.properties: compression ratio beyond 200:1 (zip bomb?)',
        ],
      );
    },
  );
  await t.test(
    'small entries of 1 MiB at 1000:1 in distinct nested copies: refused, the count of the rest said',
    async () => {
      const out = await catalogJar(smallEntryRatioJar(400, 8));
      assert.deepEqual(out.packages, []);
      assert.equal(out.unknowns.length, 21);
      assert.equal(out.unknowns.at(-1)?.reason, '3180 more problems in this archive');
    },
  );
  await t.test('overlapping entries (Fifield) refuse the archive', async () => {
    const out = await catalogJar(overlappingJar(200));
    assert.deepEqual(out.packages, []);
    assert.match(out.unknowns[0]?.reason ?? '', /overlaps another entry \(zip bomb\?\)$/);
  });
  await t.test('more nested archives than the tree allows: those read are kept, one problem says why', () => {
    const inner = (i: number) => ({ name: `lib/j${i}.jar`, data: storedZip([pomProperties('g', `j${i}`, '1')]) });
    const jar = storedZip(Array.from({ length: 2500 }, (_, i) => inner(i)));
    const problems: string[] = [];
    const artifacts = parseJavaArchive(jar, 'many.jar', problems);
    assert.equal(artifacts.length, 1999);
    assert.deepEqual(problems, ['many.jar!lib/j1999.jar: more than 2000 archives in one archive tree']);
  });
  await t.test('nested readers share the bytes of one budget', () => {
    const jar = storedZip([
      { name: 'lib/a.jar', data: storedZip([pomProperties('g', 'a', '1')]) },
      { name: 'lib/b.jar', data: storedZip([pomProperties('g', 'b', '1')]) },
    ]);
    const problems: string[] = [];
    const small = parseJavaArchive(jar, 'two.jar', problems, new ZipBudget({ maxTotalBytes: 400 }));
    assert.deepEqual(
      small.map((a) => a.artifactId),
      ['a'],
    );
    assert.match(problems[0] ?? '', /^two\.jar!lib\/b\.jar: archive content beyond the limit of 400 bytes/);
  });
});
