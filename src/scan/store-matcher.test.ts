import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { corpusDir } from '../../test/helpers/fixtures.ts';
import type { Package } from '../catalog/index.ts';
import { isSgciError } from '../core/index.ts';
import type { Sbom } from '../sbom/index.ts';
import { openStore } from '../store/index.ts';
import { importAdvisories } from '../vuln/index.ts';
import { startStoreMatcher } from './store-matcher.ts';

const lodash = {
  id: 'lodash',
  name: 'lodash',
  version: '4.17.20',
  ecosystem: 'npm',
  type: 'library',
  purl: 'pkg:npm/lodash@4.17.20',
  locations: [],
  licenses: [],
  foundBy: 'test',
  layer: 0,
  metadata: { kind: 'language' },
} as unknown as Package;

function sbomOf(packages: Package[]): Sbom {
  return {
    subject: { name: 'example' },
    packages,
    relationships: [],
    unidentifiedExecutables: [],
    unknowns: [],
    tool: { name: 'sgci', version: 'test' },
  } as unknown as Sbom;
}

const saved = { home: process.env.SGCI_HOME, url: process.env.DATABASE_URL };
let home: string;
before(() => {
  delete process.env.DATABASE_URL;
});
after(() => {
  if (saved.home === undefined) delete process.env.SGCI_HOME;
  else process.env.SGCI_HOME = saved.home;
  if (saved.url !== undefined) process.env.DATABASE_URL = saved.url;
});

function freshHome(): string {
  home = mkdtempSync(join(tmpdir(), 'sgci-store-matcher-'));
  process.env.SGCI_HOME = home;
  return home;
}

test('without a database on disk nothing is created, and the reason is given', async () => {
  const home = freshHome();
  {
    await using matcher = startStoreMatcher({}, new Date());
    assert.deepEqual(await matcher.match(sbomOf([lodash])), {
      unavailable: 'no advisory database: run sgci db import or sgci db update first',
      unavailableDe: 'keine Advisory-Datenbank: zuerst sgci db import oder sgci db update ausführen',
    });
  }
  assert.throws(() => mkdirSync(join(home, 'db', 'x')), /ENOENT/, 'no db directory was created');
  rmSync(home, { recursive: true, force: true });
});

test('a database file that cannot be opened is a DATABASE_ERROR, not "no vulnerabilities"', async () => {
  const home = freshHome();
  mkdirSync(join(home, 'db'));
  writeFileSync(join(home, 'db', 'sgci.db'), 'not an SQLite database, but long enough to have a header '.repeat(4));
  await using matcher = startStoreMatcher({}, new Date());
  await assert.rejects(matcher.match(sbomOf([lodash])), (error) => isSgciError(error, 'DATABASE_ERROR'));
  rmSync(home, { recursive: true, force: true });
});

test('an empty database is reported as empty', async () => {
  const home = freshHome();
  await (await openStore()).close();
  await using matcher = startStoreMatcher({}, new Date());
  assert.match(JSON.stringify(await matcher.match(sbomOf([lodash]))), /advisory database is empty/);
  rmSync(home, { recursive: true, force: true });
});

test('matches in process against the stored advisories and applies the stored VEX statements', async () => {
  const home = freshHome();
  {
    await using store = await openStore();
    await importAdvisories(store, [{ kind: 'path', path: join(corpusDir(), 'osv', 'npm') }]);
    await store.vex.add({
      vulnerability: { id: 'CVE-2021-23337', aliases: [] },
      products: [],
      subcomponents: ['pkg:npm/lodash'],
      status: 'not_affected',
      justification: 'vulnerable_code_not_in_execute_path',
      document: 'store',
      format: 'store',
    });
  }
  await using matcher = startStoreMatcher({}, new Date('2026-01-01T00:00:00Z'));
  const result = await matcher.match(sbomOf([lodash]));
  assert.ok('report' in result);
  const ids = result.report.matches.map((m) => `${m.vulnerability.id} ${m.suppressed ? 'suppressed' : 'active'}`);
  assert.ok(ids.includes('CVE-2021-23337 suppressed'), ids.join(', '));
  assert.ok(ids.includes('CVE-2020-28500 active'), ids.join(', '));
  rmSync(home, { recursive: true, force: true });
});
