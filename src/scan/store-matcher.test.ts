import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { isSgciError } from '../core/index.ts';
import { defaultPolicy, slaPolicyOf } from '../policy/index.ts';
import type { Sbom } from '../sbom/index.ts';
import type { MatchRequest } from './request.ts';
import { startStoreMatcher } from './store-matcher.ts';

const sbom = {
  subject: { name: 'example' },
  packages: [],
  relationships: [],
  unidentifiedExecutables: [],
  unknowns: [],
  tool: { name: 'sgci', version: 'test' },
} as unknown as Sbom;

const request: MatchRequest = { vex: [], notes: [], sla: slaPolicyOf(defaultPolicy), now: new Date() };
const saved = { home: process.env.SGCI_HOME, url: process.env.DATABASE_URL };
let home: string;
before(() => {
  home = mkdtempSync(join(tmpdir(), 'sgci-store-matcher-'));
  process.env.SGCI_HOME = home;
  delete process.env.DATABASE_URL;
});
after(() => {
  if (saved.home === undefined) delete process.env.SGCI_HOME;
  else process.env.SGCI_HOME = saved.home;
  if (saved.url !== undefined) process.env.DATABASE_URL = saved.url;
  rmSync(home, { recursive: true, force: true });
});

test('without a database on disk nothing starts, nothing is created, and the reason is given', async () => {
  {
    await using matcher = startStoreMatcher();
    assert.deepEqual(await matcher.match(sbom, request), {
      unavailable: 'no advisory database: run sgci db import or sgci db update first',
      unavailableDe: 'keine Advisory-Datenbank: zuerst sgci db import oder sgci db update ausführen',
    });
  }
  assert.throws(() => mkdirSync(join(home, 'db', 'x')), /ENOENT/, 'no db directory was created');
});

test('a database that cannot be opened is a DATABASE_ERROR from the store process, not "no vulnerabilities"', async () => {
  mkdirSync(join(home, 'db'));
  writeFileSync(join(home, 'db', 'PG_VERSION'), 'not a postgres data directory\n');
  await using matcher = startStoreMatcher();
  await assert.rejects(matcher.match(sbom, request), (error) => isSgciError(error, 'DATABASE_ERROR'));
});

test('disposing without matching (the scan failed) ends the store process', async () => {
  const started = Date.now();
  {
    await using matcher = startStoreMatcher();
    assert.ok(matcher);
  }
  assert.ok(Date.now() - started < 30_000);
});
