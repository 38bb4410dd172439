/**
 * `sgci scan --attest --key K` against the real registry on loopback: the scan's SBOM and VEX are attached as
 * signed attestations that `sgci verify-attestation` accepts, and the attested SBOM is the sbom.cdx.json the scan
 * wrote. The advisory database (PGlite under a temp SGCI_HOME) holds the real npm advisories and one VEX
 * statement, so the attested VEX carries a real statement about the node-app fixture's lodash.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { defaultLimits } from '../../src/core/index.ts';
import { RegistryClient } from '../../src/oci/registry/index.ts';
import { corpusDir, fixture, fixturesMissing } from '../helpers/fixtures.ts';
import { startRegistry, type TestRegistry } from '../helpers/registry.ts';

const run = promisify(execFile);
const root = resolve(import.meta.dirname, '..', '..');
const node = join(root, 'node_modules', '.bin', 'node');

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

describe('sgci scan --attest', { skip: fixturesMissing() }, () => {
  let registry: TestRegistry;
  let dir: string;
  let image: string;
  let env: Record<string, string | undefined>;

  async function sgci(args: readonly string[], extra: Record<string, string> = {}): Promise<Result> {
    try {
      const { stdout, stderr } = await run(node, [join(root, 'bin', 'sgci.js'), ...args], {
        env: { ...env, ...extra },
        maxBuffer: 64 * 1024 * 1024,
      });
      return { code: 0, stdout, stderr };
    } catch (error) {
      const e = error as { code: number; stdout: string; stderr: string };
      return { code: e.code, stdout: e.stdout, stderr: e.stderr };
    }
  }

  before(async () => {
    registry = await startRegistry();
    dir = await mkdtemp(join(tmpdir(), 'sgci-scan-attest-'));
    env = { ...process.env, SGCI_HOME: join(dir, 'home'), DOCKER_CONFIG: '/nonexistent', SGCI_PASSWORD: 'pw' };
    delete env.DATABASE_URL;
    delete env.COSIGN_PASSWORD;
    await registry.push(fixture('node-app').ociDir, 'scan/app:1');
    image = `${registry.host}/scan/app:1`;
    const steps = [
      ['db', 'import', join(corpusDir(), 'osv', 'npm')],
      // a real decision about the fixture's lodash 4.17.20 (CVE-2021-23337, matched through its GHSA alias)
      [
        'vex',
        'add',
        '--vulnerability',
        'GHSA-35jh-r3h4-6jhm',
        '--status',
        'not_affected',
        '--justification',
        'vulnerable_code_not_in_execute_path',
        '--subcomponent',
        'pkg:npm/lodash',
        '--author',
        'Team Plattform',
      ],
      ['key', 'generate', '--output-key-prefix', join(dir, 'ci')],
    ];
    for (const args of steps) {
      const result = await sgci(args);
      assert.equal(result.code, 0, `${args.join(' ')}: ${result.stderr}`);
    }
  });
  after(async () => {
    await registry?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  test('attaches SBOM and VEX; verify-attestation accepts both; the attested SBOM is sbom.cdx.json', async () => {
    const out = join(dir, 'out');
    const now = '2026-01-01T00:00:00Z';
    const scan = await sgci(['scan', image, '--attest', '--key', join(dir, 'ci.key'), '--out', out, '--now', now]);
    assert.ok(scan.code === 0 || scan.code === 1, scan.stderr);
    assert.match(
      scan.stdout,
      /^attested: SBOM \(CycloneDX\) and VEX \(OpenVEX\) in .*scan\/app:sha256-[a-f0-9]{64}\.att/m,
    );

    const sbom = await sgci(['verify-attestation', '--key', join(dir, 'ci.pub'), '--type', 'cyclonedx', image]);
    assert.equal(sbom.code, 0, sbom.stderr);
    const sbomStatement = JSON.parse(sbom.stdout.trim().split('\n')[0]!);
    assert.equal(sbomStatement.predicateType, 'https://cyclonedx.org/bom');
    assert.deepEqual(sbomStatement.predicate, JSON.parse(await readFile(join(out, 'sbom.cdx.json'), 'utf8')));
    const digest = sbomStatement.subject[0].digest.sha256 as string;
    assert.match(digest, /^[a-f0-9]{64}$/);

    const vex = await sgci(['verify-attestation', '--key', join(dir, 'ci.pub'), '--type', 'openvex', image]);
    assert.equal(vex.code, 0, vex.stderr);
    const vexStatement = JSON.parse(vex.stdout.trim().split('\n')[0]!);
    assert.equal(vexStatement.predicateType, 'https://openvex.dev/ns');
    const document = vexStatement.predicate;
    assert.deepEqual(document, JSON.parse(await readFile(join(out, 'vex.openvex.json'), 'utf8')));
    assert.equal(document['@context'], 'https://openvex.dev/ns/v0.2.0');
    assert.equal(document.timestamp, '2026-01-01T00:00:00.000Z');
    assert.equal(document.statements.length, 1, JSON.stringify(document.statements));
    const [statement] = document.statements;
    assert.equal(statement.vulnerability.name, 'CVE-2021-23337');
    assert.ok(statement.vulnerability.aliases.includes('GHSA-35jh-r3h4-6jhm'));
    assert.equal(statement.status, 'not_affected');
    assert.equal(statement.justification, 'vulnerable_code_not_in_execute_path');
    assert.equal(
      statement.products[0]['@id'],
      `pkg:oci/app@sha256:${digest}?repository_url=${encodeURIComponent(`${registry.host}/scan/app`)}`,
    );
    assert.match(statement.products[0].subcomponents[0]['@id'], /^pkg:npm\/lodash@4\.17\.20/);

    const vulns = JSON.parse(await readFile(join(out, 'vulns.json'), 'utf8'));
    const suppressed = vulns.matches.filter((m: { suppressed: boolean }) => m.suppressed);
    assert.equal(suppressed.length, document.statements.length, 'one statement per finding a VEX statement applied to');
  });

  test('a local image is a usage error (exit 2, one line) before anything is read', async () => {
    const result = await sgci([
      'scan',
      `oci-dir:${fixture('node-app').ociDir}`,
      '--attest',
      '--key',
      join(dir, 'ci.key'),
      '--out',
      join(dir, 'local'),
    ]);
    assert.equal(result.code, 2);
    assert.match(result.stderr.trim(), /^[^\n]*--attest needs a registry image[^\n]*$/);
    const noKey = await sgci(['scan', image, '--attest', '--out', join(dir, 'nokey')]);
    assert.equal(noKey.code, 2);
    assert.match(noKey.stderr, /--attest: needs --key/);
  });

  test('a wrong key password exits 2 before the scan and writes nothing to the registry', async () => {
    await registry.push(fixture('node-app').ociDir, 'scan/other:1');
    const client = new RegistryClient({ limits: defaultLimits });
    const ref = { registry: registry.host, repository: 'scan/other' };
    const before = await client.listTags(ref);
    const out = join(dir, 'wrong');
    const result = await sgci(
      ['scan', `${registry.host}/scan/other:1`, '--attest', '--key', join(dir, 'ci.key'), '--out', out],
      { SGCI_PASSWORD: 'wrong' },
    );
    assert.equal(result.code, 2);
    assert.match(result.stderr, /ci\.key: wrong password for the private key/);
    assert.deepEqual(await client.listTags(ref), before);
    await client.close();
  });
});
