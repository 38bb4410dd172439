import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { main } from '../../src/cli/main.ts';
import { decodeSbom } from '../../src/sbom/index.ts';
import { cycloneDxJsonErrors, spdxJsonErrors } from '../../src/sbom/testdata/validate.ts';
import { fixture, fixturesMissing } from '../helpers/fixtures.ts';

const dir = mkdtempSync(join(tmpdir(), 'sgci-sbom-cli-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const skip = fixturesMissing();

async function run(args: string[]): Promise<{ code: number; stderr: string }> {
  const write = process.stderr.write.bind(process.stderr);
  let stderr = '';
  process.stderr.write = ((chunk: string | Uint8Array) => {
    stderr += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
    return true;
  }) as typeof process.stderr.write;
  try {
    return { code: await main(['node', 'sgci', ...args]), stderr };
  } finally {
    process.stderr.write = write;
  }
}

test('sgci sbom writes schema-valid SPDX and CycloneDX files, byte-identical on a second run', { skip }, async () => {
  const input = `oci-archive:${fixture('distroless-static').ociArchive}`;
  const spdx = [join(dir, 'a.spdx.json'), join(dir, 'b.spdx.json')];
  for (const file of spdx) assert.equal((await run(['sbom', input, '-o', 'spdx-json', '--output-file', file])).code, 0);
  const text = readFileSync(spdx[0] as string, 'utf8');
  assert.equal(readFileSync(spdx[1] as string, 'utf8'), text);
  assert.deepEqual(spdxJsonErrors(text), []);
  const cdx = join(dir, 'c.cdx.json');
  assert.equal((await run(['sbom', input, '--output-file', cdx])).code, 0);
  const bom = readFileSync(cdx, 'utf8');
  assert.deepEqual(cycloneDxJsonErrors(bom), []);
  const sbom = decodeSbom(bom, cdx);
  assert.deepEqual(
    sbom.packages.map((p) => p.name),
    ['base-files', 'ca-certificates', 'netbase', 'tzdata'],
  );
  assert.ok(sbom.unidentifiedExecutables.some((e) => e.path === '/app/server'));
});

test('sgci sbom on a missing archive fails with one clear line and exit 2', async () => {
  const { code, stderr } = await run(['sbom', `oci-archive:${join(dir, 'missing.tar')}`]);
  assert.equal(code, 2);
  assert.equal(stderr.trim().split('\n').length, 1);
  assert.match(stderr, /^sgci: .*missing\.tar/);
});

test('sgci sbom rejects an unknown output format as a usage error', async () => {
  const { code } = await run(['sbom', 'oci-archive:x.tar', '-o', 'swid']);
  assert.equal(code, 2);
});
