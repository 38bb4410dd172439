import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { sharedDir } from '../../test/helpers/fixtures.ts';
import { checks } from './registry.ts';

const catalogue = readFileSync(join(sharedDir(), 'spec', 'checks.md'), 'utf8');
const specRows = [...catalogue.matchAll(/^\| (SGCI-[A-Z]+-\d{3}) \| ([^|]+) \| ([^|]+) \|/gm)].map((m) => ({
  id: m[1] ?? '',
  title: (m[2] ?? '').trim(),
  automation: (m[3] ?? '').split('+').map((a) => a.trim()),
}));

function checkFiles(): Map<string, string> {
  const files = new Map<string, string>();
  for (const folder of ['base', 'build', 'comp', 'sec', 'run', 'vuln']) {
    for (const name of readdirSync(join(import.meta.dirname, folder))) {
      const match = /^([a-z]+)-(\d{3})-[a-z0-9-]+\.ts$/.exec(name);
      if (!match || name.endsWith('.test.ts')) continue;
      assert.equal(match[1], folder, `${name} sits in the wrong folder`);
      files.set(`SGCI-${folder.toUpperCase()}-${match[2]}`, join(folder, name));
    }
  }
  return files;
}

test('registry IDs == check files == the IDs of spec/checks.md, in catalogue order', () => {
  const registry = checks.map((c) => c.id);
  assert.equal(new Set(registry).size, registry.length, 'duplicate IDs in the registry');
  assert.deepEqual(
    registry,
    specRows.map((r) => r.id),
  );
  assert.deepEqual([...checkFiles().keys()].sort(), [...registry].sort());
});

test('every check file exports exactly the check of its ID, with a test beside it', () => {
  for (const [id, file] of checkFiles()) {
    const text = readFileSync(join(import.meta.dirname, file), 'utf8');
    assert.equal([...text.matchAll(/id: '(SGCI-[A-Z]+-\d{3})'/g)].map((m) => m[1]).join(), id, file);
    assert.ok(
      readdirSync(join(import.meta.dirname, file, '..')).includes(
        file.split('/')[1]?.replace(/\.ts$/, '.test.ts') ?? '',
      ),
      `${file} has no test`,
    );
  }
});

test('each check carries the catalogue title, its automation, bilingual titles, references and a one-line remediation', () => {
  for (const check of checks) {
    const row = specRows.find((r) => r.id === check.id);
    assert.ok(row);
    assert.equal(check.title.en, row.title, `${check.id} title`);
    for (const a of row.automation)
      assert.ok((check.automation as readonly string[]).includes(a), `${check.id} lacks automation ${a}`);
    assert.equal(check.section, check.id.split('-')[1]);
    assert.ok(check.title.de.length > 0 && check.title.de !== check.title.en, `${check.id} German title`);
    assert.ok(check.references.length > 0, `${check.id} references`);
    assert.ok(check.remediation.length > 0 && !check.remediation.includes('\n'), `${check.id} remediation`);
    assert.ok(
      check.remediationDe.length > 0 &&
        !check.remediationDe.includes('\n') &&
        check.remediationDe !== check.remediation,
      `${check.id} German remediation`,
    );
    assert.ok(check.decides.length > 0, `${check.id} decides`);
  }
});
