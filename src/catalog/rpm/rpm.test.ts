import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { corpusDir } from '../../../test/helpers/fixtures.ts';
import { defaultLimits } from '../../core/index.ts';
import { recursiveView, rpmdbSqlite } from '../testdata/hostile.ts';
import { fileItem, memoryTree } from '../testdata/tree.ts';
import { headersOf, rpmCataloger } from './cataloger.ts';
import { readNdbBlobs, readSqliteBlobs } from './read-db.ts';

const rpm = join(corpusDir(), 'packages', 'rpm');

interface Expected {
  Name: string;
  Version: string;
  Release: string;
  Epoch?: number | null;
  Arch: string;
  SourceRpm: string;
  License: string;
  Vendor: string;
  Size: number;
}
const row = (p: Expected) => [
  p.Epoch ?? 0,
  p.Name,
  p.Version,
  p.Release,
  p.Arch,
  p.SourceRpm,
  p.License,
  p.Vendor,
  p.Size,
];

test('rpm ndb (SUSE Packages.db): all 35 packages in order with epoch, arch, source rpm, license, vendor', () => {
  const expected = JSON.parse(readFileSync(join(rpm, 'go-rpmdb-sle15-bci-ndb', 'expected.json'), 'utf8'));
  const problems: string[] = [];
  const headers = headersOf(
    readNdbBlobs(readFileSync(join(rpm, 'go-rpmdb-sle15-bci-ndb/usr/lib/sysimage/rpm/Packages.db'))),
    problems,
  );
  assert.deepEqual(problems, []);
  assert.deepEqual(
    headers.map((h) => [h.epoch ?? 0, h.name, h.version, h.release, h.arch, h.sourceRpm, h.license, h.vendor, h.size]),
    expected.packages.map(row),
  );
});

test('rpm sqlite (CBL-Mariner rpmdb.sqlite): all 129 packages, curl as go-rpmdb asserts', () => {
  const expected = JSON.parse(readFileSync(join(rpm, 'go-rpmdb-cbl-mariner-2.0', 'expected.json'), 'utf8'));
  const problems: string[] = [];
  const headers = headersOf(
    readSqliteBlobs(readFileSync(join(rpm, 'go-rpmdb-cbl-mariner-2.0/var/lib/rpm/rpmdb.sqlite'))),
    problems,
  );
  assert.deepEqual(problems, []);
  assert.equal(headers.length, expected.derived_all_packages_count);
  const key = (n: string, v: string, r: string) => `${n}-${v}-${r}`;
  assert.deepEqual(
    headers.map((h) => key(h.name, h.version, h.release)).sort(),
    expected.derived_all_packages.map((p: Expected) => key(p.Name, p.Version, p.Release)).sort(),
  );
  const curl = headers.find((h) => h.name === 'curl');
  const want = expected.packages[0];
  assert.deepEqual(
    [curl?.version, curl?.release, curl?.arch, curl?.sourceRpm, curl?.license, curl?.vendor, curl?.size],
    [want.Version, want.Release, want.Arch, want.SourceRpm, want.License, want.Vendor, want.Size],
  );
  assert.ok(curl && curl.files.length > 0 && curl.files.every((f) => f.path.startsWith('/')));
});

test('rpm cataloger: purls with epoch/arch/distro qualifiers, source package, dependencies', async () => {
  const fs = memoryTree([
    fileItem(
      '/usr/lib/sysimage/rpm/Packages.db',
      readFileSync(join(rpm, 'go-rpmdb-sle15-bci-ndb/usr/lib/sysimage/rpm/Packages.db')),
    ),
  ]);
  const out = await rpmCataloger
    .needs()
    .catalog({ fs, limits: defaultLimits, distro: { id: 'sles', versionId: '15.3' } });
  assert.equal(out.packages.length, 35);
  const fs0 = out.packages.find((p) => p.name === 'filesystem');
  assert.equal(
    fs0?.purl,
    'pkg:rpm/sles/filesystem@15.0-11.3.2?arch=x86_64&distro=sles-15.3&upstream=filesystem-15.0-11.3.2.src.rpm',
  );
  assert.ok(fs0?.metadata.kind === 'rpm' && fs0.metadata.sourceName === 'filesystem');
  assert.ok(out.relationships.length > 0);
});

test('hostile rpm databases are errors, not crashes', () => {
  assert.throws(() => readNdbBlobs(new Uint8Array(64)), /not an rpm ndb/);
  const problems: string[] = [];
  assert.deepEqual(headersOf([new Uint8Array([0, 0, 0, 9, 0xff, 0xff, 0xff, 0xff])], problems), []);
  assert.equal(problems.length, 1);
});

test('rpmdb.sqlite: only a stored Packages table is read, and at most 100000 rows of it', {
  timeout: 30_000,
}, async () => {
  const refused: [string, RegExp][] = [
    [recursiveView, /^Packages is a view, not a table: not read$/],
    [
      'CREATE TABLE real(hnum INTEGER PRIMARY KEY, blob BLOB); CREATE VIEW Packages AS SELECT * FROM real;',
      /^Packages is a view/,
    ],
    ['CREATE VIRTUAL TABLE Packages USING fts5(hnum, blob);', /^Packages is a virtual table/],
    [
      'CREATE TABLE Packages(hnum INTEGER PRIMARY KEY, blob AS (zeroblob(1000000000))); INSERT INTO Packages(hnum) VALUES (1);',
      /^Packages column blob is computed, not stored: not read$/,
    ],
    ['CREATE TABLE Other(hnum INTEGER, blob BLOB);', /^no Packages table$/],
  ];
  for (const [schema, message] of refused)
    assert.throws(() => readSqliteBlobs(rpmdbSqlite(schema)), { message }, schema);

  const many = rpmdbSqlite(
    "CREATE TABLE Packages(hnum INTEGER PRIMARY KEY AUTOINCREMENT, blob BLOB NOT NULL); WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 100001) INSERT INTO Packages(blob) SELECT x'00' FROM n;",
  );
  const problems: string[] = [];
  assert.equal(readSqliteBlobs(many, problems).length, 100_000);
  assert.deepEqual(problems, ['more than 100000 package records: the rest not read']);

  // through the cataloger: one unknown naming the file, the run goes on
  const fs = memoryTree([fileItem('/var/lib/rpm/rpmdb.sqlite', rpmdbSqlite(recursiveView))]);
  const out = await rpmCataloger.needs().catalog({ fs, limits: defaultLimits });
  assert.deepEqual(out.unknowns, [
    { path: '/var/lib/rpm/rpmdb.sqlite', layer: 0, reason: 'Packages is a view, not a table: not read' },
  ]);
});
