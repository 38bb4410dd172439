import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { corpusDir } from '../../test/helpers/fixtures.ts';
import type { Package } from '../catalog/index.ts';
import { isSgciError } from '../core/index.ts';
import { defaultPolicy, slaPolicyOf } from '../policy/index.ts';
import type { Sbom } from '../sbom/index.ts';
import { openStore } from '../store/index.ts';
import { importAdvisories } from '../vuln/index.ts';
import type { MatchRequest } from './request.ts';
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

const qs = { ...lodash, id: 'qs', name: 'qs', version: '6.7.0', purl: 'pkg:npm/qs@6.7.0' } as Package;

const sbom = {
  subject: { name: 'example' },
  packages: [lodash, qs],
  relationships: [],
  unidentifiedExecutables: [],
  unknowns: [],
  tool: { name: 'sgci', version: 'test' },
} as unknown as Sbom;

const request: MatchRequest = {
  vex: [],
  notes: [],
  sla: slaPolicyOf(defaultPolicy),
  now: new Date('2026-01-01T00:00:00Z'),
};
const saved = { home: process.env.SGCI_HOME, url: process.env.DATABASE_URL };
before(() => {
  delete process.env.DATABASE_URL;
});
after(() => {
  if (saved.home === undefined) delete process.env.SGCI_HOME;
  else process.env.SGCI_HOME = saved.home;
  if (saved.url !== undefined) process.env.DATABASE_URL = saved.url;
});

/** A fresh SGCI_HOME for one test, removed when it ends. */
function freshHome(t: { after(fn: () => void): void }): string {
  const home = mkdtempSync(join(tmpdir(), 'sgci-store-matcher-'));
  process.env.SGCI_HOME = home;
  t.after(() => rmSync(home, { recursive: true, force: true }));
  return home;
}

test('without a database on disk nothing is created, and the reason is given', async (t) => {
  const home = freshHome(t);
  {
    await using matcher = startStoreMatcher();
    assert.deepEqual(await matcher.match(sbom, request), {
      unavailable: 'no advisory database: run sgci db import or sgci db update first',
      unavailableDe: 'keine Advisory-Datenbank: zuerst sgci db import oder sgci db update ausführen',
    });
  }
  assert.throws(() => mkdirSync(join(home, 'db', 'x')), /ENOENT/, 'no db directory was created');
});

test('a database file that cannot be opened is a DATABASE_ERROR, not "no vulnerabilities"', async (t) => {
  const home = freshHome(t);
  mkdirSync(join(home, 'db'));
  writeFileSync(join(home, 'db', 'sgci.db'), 'not an SQLite database, but long enough to have a header '.repeat(4));
  await using matcher = startStoreMatcher();
  await assert.rejects(matcher.match(sbom, request), (error) => isSgciError(error, 'DATABASE_ERROR'));
});

test('an empty database is reported as empty', async (t) => {
  freshHome(t);
  await (await openStore()).close();
  await using matcher = startStoreMatcher();
  assert.match(JSON.stringify(await matcher.match(sbom, request)), /advisory database is empty/);
});

test('matches in process against the stored advisories with the stored and the requested VEX statements', async (t) => {
  freshHome(t);
  const statement = (id: string) => ({
    vulnerability: { id, aliases: [] },
    products: [],
    subcomponents: ['pkg:npm/lodash'],
    status: 'not_affected' as const,
    justification: 'vulnerable_code_not_in_execute_path',
    document: 'store',
    format: 'store' as const,
  });
  {
    await using store = await openStore();
    await importAdvisories(store, [{ kind: 'path', path: join(corpusDir(), 'osv', 'npm') }]);
    await store.vex.add(statement('CVE-2021-23337'));
  }
  await using matcher = startStoreMatcher();
  const result = await matcher.match(sbom, { ...request, vex: [statement('CVE-2020-28500')] });
  assert.ok('report' in result);
  const ids = result.report.matches.map((m) => `${m.vulnerability.id} ${m.suppressed ? 'suppressed' : 'active'}`);
  assert.ok(ids.includes('CVE-2021-23337 suppressed'), ids.join(', '));
  assert.ok(ids.includes('CVE-2020-28500 suppressed'), ids.join(', '));
  assert.ok(ids.includes('CVE-2022-24999 active'), ids.join(', '));
});
