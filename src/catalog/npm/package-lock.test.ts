import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { corpusDir } from '../../../test/helpers/fixtures.ts';
import { parsePackageLock } from './parse-package-lock.ts';

const dir = join(corpusDir(), 'packages', 'npm', 'trivy-package-lock');

interface Want {
  ID: string;
  Dev?: boolean;
  Relationship?: string;
  Licenses?: string[];
}

for (const file of readdirSync(dir).filter((f) => f.endsWith('.json') && !f.endsWith('.expected.json'))) {
  test(`package-lock ${file}: packages, dev flags, direct/indirect and licenses as trivy expects`, () => {
    const expected = JSON.parse(readFileSync(join(dir, `${file}.expected.json`), 'utf8'));
    const got = parsePackageLock(readFileSync(join(dir, file), 'utf8'))
      .map((p) => [p.version ? `${p.name}@${p.version}` : p.name, p.dev, p.relationship, p.licenses])
      .sort();
    const want = ((expected.packages ?? []) as Want[])
      .map((p) => [
        p.ID,
        p.Dev ?? false,
        (p.Relationship ?? 'ftypes.RelationshipUnknown').replace('ftypes.Relationship', '').toLowerCase(),
        p.Licenses ?? [],
      ])
      .sort();
    if (file === 'package-lock_v3_with_legacy_licenses.json') {
      // trivy drops `license: ["MIT", "Apache2"]` as malformed; the intent is unambiguous, so we keep
      // it (as for package.json); Apache2 is no SPDX id and stays as written
      const ps = want.find((w) => w[0] === 'pause-stream@0.0.11');
      if (ps) ps[3] = ['MIT', 'Apache2'];
    }
    assert.deepEqual(got, want);
  });
}
