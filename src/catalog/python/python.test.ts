import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { corpusDir } from '../../../test/helpers/fixtures.ts';
import { defaultLimits } from '../../core/index.ts';
import { metadataWithBlankLines } from '../testdata/hostile.ts';
import { dirItems, memoryTree } from '../testdata/tree.ts';
import { pythonCataloger } from './cataloger.ts';
import { parsePythonMetadata, parseRecord, splitCsvLine } from './parse-metadata.ts';

const python = join(corpusDir(), 'packages', 'python');
const trivy = join(python, 'trivy-packaging');

/**
 * Where we deliberately differ from trivy's license expectation, and why. trivy keeps `UNKNOWN`
 * (setuptools' placeholder for "not given") and a `file://` pointer to a license file; we take the
 * classifiers instead, or report no license rather than a file name.
 */
const licenseOverrides: Record<string, string[]> = {
  'setuptools-51.3.3-py3.8.egg-info.PKG-INFO': ['MIT'],
  'unidecode-egg-info.PKG-INFO': [],
  'networkx-3.0.METADATA': [],
  // trivy picks the classifier; a one-line License field is the author's own statement, so we prefer it
  'distlib-0.3.1.METADATA': ['Python license'],
  // the classifier names an SPDX-mappable license, mapped to the SPDX id
  'zipp-3.12.1.METADATA': ['MIT'],
  'pyphen-0.14.0.METADATA': ['GPL-2.0-or-later', 'LGPL-2.0-or-later', 'MPL-1.1'],
};

for (const file of readdirSync(trivy).filter((f) => !f.endsWith('.expected.json'))) {
  test(`python metadata ${file}: name, version, licenses`, () => {
    const expected = JSON.parse(readFileSync(join(trivy, `${file}.expected.json`), 'utf8'));
    const got = parsePythonMetadata(readFileSync(join(trivy, file), 'utf8'));
    const want = expected.packages[0];
    assert.ok(got);
    assert.equal(got.name, want.Name);
    assert.equal(got.version, want.Version);
    assert.deepEqual(got.licenses, licenseOverrides[file] ?? want.Licenses ?? []);
  });
}

for (const name of ['syft-site-packages_test', 'syft-site-packages_nested', 'syft-site-packages_license']) {
  test(`python cataloger ${name}: packages and purls (incl. vcs_url) as syft expects`, async () => {
    const expected = JSON.parse(readFileSync(join(python, name, 'expected.json'), 'utf8'));
    const fs = memoryTree(dirItems(join(python, name, 'rootfs')));
    const out = await pythonCataloger.needs().catalog({ fs, limits: defaultLimits });
    const got = out.packages.map((p) => `${p.name} ${p.version} ${p.purl}`).sort();
    const want = expected.packages
      .map((p: { Name: string; Version: string; PURL: string }) => `${p.Name} ${p.Version} ${p.PURL}`)
      .sort();
    // syft lower-cases the name (Pygments -> pygments); we keep the name as the metadata writes it
    assert.deepEqual(
      got.map((s) => s.toLowerCase()),
      want.map((s: string) => s.toLowerCase()),
    );
  });
}

test("RECORD lines split as Python's csv module splits them (RECORD is written by csv.writer)", () => {
  // a small deterministic generator over the characters that matter to csv
  let seed = 12345;
  const next = () => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed;
  };
  const alphabet = ['a', 'b', '"', ',', ' ', '\\', "'", '=', '/'];
  const lines = Array.from({ length: 3000 }, () =>
    Array.from({ length: 1 + (next() % 14) }, () => alphabet[next() % alphabet.length]).join(''),
  );
  lines.push('usr/lib/x.py,sha256=abc,12\r');
  const python = spawnSync(
    'python3',
    ['-c', 'import csv,json,sys\nprint(json.dumps([next(csv.reader([l])) for l in json.load(sys.stdin)]))'],
    { input: JSON.stringify(lines), encoding: 'utf8', maxBuffer: 1 << 24 },
  );
  assert.equal(python.status, 0, python.stderr);
  const want: string[][] = JSON.parse(python.stdout);
  lines.forEach((line, i) => {
    assert.deepEqual(splitCsvLine(line), want[i], JSON.stringify(line));
  });
});

test('hostile metadata files take linear time', { timeout: 20_000 }, () => {
  // a description followed by a million blank lines, then more header: each blank line looked past all the rest
  assert.deepEqual(parsePythonMetadata(metadataWithBlankLines(1_000_000)), {
    name: 'blank',
    version: '1.0',
    licenses: ['MIT'],
    requiresDist: [],
  });
  const trailing = `Metadata-Version: 1.1\nName: t\nVersion: 2\nDescription: d\n${'\n'.repeat(1_000_000)}`;
  assert.equal(parsePythonMetadata(trailing)?.version, '2');
  // a 20 MB RECORD line was one string per character (~800 MB, 13 s)
  const path = `${'d/'.repeat(10_000_000)}x.py`;
  assert.deepEqual(parseRecord(`${path},sha256=AAAA,1\n`), [{ path, digest: 'sha256:000000' }]);
});
