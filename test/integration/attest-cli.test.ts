/**
 * The signing commands as a CI job runs them: `sgci key generate|import`, `sign`, `attest`, `verify`,
 * `verify-attestation` against the real registry, checking exit codes and messages; three run as child
 * processes (exit status, no terminal), the rest in this process through `main()`.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { generateP256, publicKeyPem } from '../../src/attest/index.ts';
import { defaultLimits } from '../../src/core/index.ts';
import { RegistryClient } from '../../src/oci/registry/index.ts';
import { runMain, runSgci } from '../helpers/cli.ts';
import { corpusDir, fixture, fixturesMissing } from '../helpers/fixtures.ts';
import { startRegistry, type TestRegistry } from '../helpers/registry.ts';

const run = promisify(execFile);

// Passwords a developer may have exported, and their docker login, must not reach the commands.
const isolated = (env: Record<string, string>) => ({
  unset: ['SGCI_PASSWORD', 'COSIGN_PASSWORD'],
  env: { DOCKER_CONFIG: '/nonexistent', ...env },
});
const sgci = (args: readonly string[], env: Record<string, string> = {}) => runSgci(args, isolated(env));
const sgciHere = (args: readonly string[], env: Record<string, string> = {}) => runMain(args, isolated(env));

describe('sgci key/sign/attest/verify commands', { skip: fixturesMissing() }, () => {
  let registry: TestRegistry;
  let dir: string;
  let image: string;
  let unsigned: string;
  const password = { SGCI_PASSWORD: 'correct horse' };

  before(async () => {
    registry = await startRegistry();
    dir = await mkdtemp(join(tmpdir(), 'sgci-attest-cli-'));
    await registry.push(fixture('distroless-static').ociDir, 'cli/app:1');
    await registry.push(fixture('distroless-static').ociDir, 'cli/unsigned:1');
    image = `${registry.host}/cli/app:1`;
    unsigned = `${registry.host}/cli/unsigned:1`;
  });
  after(async () => {
    await registry?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  test('key generate writes a 0600 cosign key and refuses to overwrite', async () => {
    const prefix = join(dir, 'ci');
    const first = await sgciHere(['key', 'generate', '--output-key-prefix', prefix], password);
    assert.equal(first.code, 0, first.stderr);
    assert.equal((await stat(`${prefix}.key`)).mode & 0o777, 0o600);
    const again = await sgciHere(['key', 'generate', '--output-key-prefix', prefix], password);
    assert.equal(again.code, 2);
    assert.match(again.stderr, /ci\.key: file exists; use --force to overwrite it/);
  });

  test('key import turns an OpenSSL SEC1 key into a cosign key with the same public key', async () => {
    const sec1 = join(dir, 'openssl-ec.pem');
    await run('openssl', ['ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', sec1]);
    const { stdout: expected } = await run('openssl', ['ec', '-in', sec1, '-pubout']);
    const result = await sgciHere(['key', 'import', sec1, '--output-key-prefix', join(dir, 'imported')], password);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(await readFile(join(dir, 'imported.pub'), 'utf8'), expected);
    assert.match(await readFile(join(dir, 'imported.key'), 'utf8'), /^-----BEGIN ENCRYPTED SIGSTORE PRIVATE KEY-----/);
  });

  test('without a password source and without a terminal, key generate says what to set', async () => {
    const result = await sgci(['key', 'generate', '--output-key-prefix', join(dir, 'nopw')]);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /no terminal to ask for the key password: set SGCI_PASSWORD/);
  });

  test('sign, then verify with the public key prints the signed payload; a wrong key exits 1 with the reason', async () => {
    const prefix = join(dir, 'ci');
    const signed = await sgciHere(['sign', '--key', `${prefix}.key`, image], password);
    assert.equal(signed.code, 0, signed.stderr);
    assert.match(signed.stdout, /^Pushed .*cli\/app:sha256-[a-f0-9]{64}\.sig \(sha256:[a-f0-9]{64}\)$/m);

    const verified = await sgciHere(['verify', '--key', `${prefix}.pub`, image]);
    assert.equal(verified.code, 0, verified.stderr);
    const payload = JSON.parse(verified.stdout.trim().split('\n')[0]!);
    assert.equal(payload.critical.identity['docker-reference'], `${registry.host}/cli/app`);
    assert.match(payload.critical.image['docker-manifest-digest'], /^sha256:[a-f0-9]{64}$/);

    const json = await sgciHere(['verify', '--key', `${prefix}.pub`, '-o', 'json', image]);
    const report = JSON.parse(json.stdout);
    assert.equal(report.verified, true);
    assert.equal(report.signatures[0].key, `${prefix}.pub`);

    const other = join(dir, 'other');
    await writeFile(`${other}.pub`, publicKeyPem(generateP256().publicKey));
    const wrong = await sgciHere(['verify', '--key', `${other}.pub`, image]);
    assert.equal(wrong.code, 1);
    assert.match(wrong.stderr, /signature does not verify with the trusted key .*other\.pub/);
    assert.match(wrong.stderr, /none of the 1 signatures verified/);
  });

  test('a wrong password exits 2 with PASSWORD reason and writes nothing to the registry', async () => {
    const client = new RegistryClient({ limits: defaultLimits });
    const ref = { registry: registry.host, repository: 'cli/unsigned' };
    const before = await client.listTags(ref);
    const result = await sgci(['sign', '--key', join(dir, 'ci.key'), unsigned], { SGCI_PASSWORD: 'wrong' });
    assert.equal(result.code, 2);
    assert.match(result.stderr, /ci\.key: wrong password for the private key/);
    assert.deepEqual(await client.listTags(ref), before);
    await client.close();
  });

  test('an unsigned image fails verification with exit 1', async () => {
    const result = await sgci(['verify', '--key', join(dir, 'ci.pub'), unsigned]);
    assert.equal(result.code, 1);
    assert.match(result.stderr, /no signatures found for sha256:/);
  });

  test('attest a CycloneDX SBOM; verify-attestation finds it by type, not as spdx', async () => {
    const bom = join(corpusDir(), 'signatures/cosign-testdata/test__testdata__bom-go-mod.cyclonedx.json');
    const attested = await sgci(
      ['attest', '--key', join(dir, 'ci.key'), '--type', 'cyclonedx', '--predicate', bom, image],
      { COSIGN_PASSWORD: 'correct horse' },
    );
    assert.equal(attested.code, 0, attested.stderr);
    const ok = await sgciHere(['verify-attestation', '--key', join(dir, 'ci.pub'), '--type', 'cyclonedx', image]);
    assert.equal(ok.code, 0, ok.stderr);
    const statement = JSON.parse(ok.stdout.trim().split('\n')[0]!);
    assert.equal(statement.predicateType, 'https://cyclonedx.org/bom');
    assert.equal(statement.predicate.bomFormat, 'CycloneDX');
    const none = await sgciHere(['verify-attestation', '--key', join(dir, 'ci.pub'), '--type', 'spdx', image]);
    assert.equal(none.code, 1);
    assert.match(none.stderr, /no spdx attestations found/);
  });

  test('verify --policy trusts the keys the policy lists for the repository, and only there', async () => {
    await writeFile(
      join(dir, 'sgci-policy.yaml'),
      `version: '1'\ntrustedKeys:\n  - key: ci.pub\n    repositories: ['${registry.host}/cli/app']\n`,
    );
    const ok = await sgciHere(['verify', '--policy', join(dir, 'sgci-policy.yaml'), image]);
    assert.equal(ok.code, 0, ok.stderr);
    const elsewhere = await sgciHere(['verify', '--policy', join(dir, 'sgci-policy.yaml'), unsigned]);
    assert.equal(elsewhere.code, 1);
    const partial = await sgciHere(['verify', '--trusted-root', join(dir, 'root.json'), image]);
    assert.equal(partial.code, 2);
    assert.match(
      partial.stderr,
      /keyless verification needs --trusted-root, --certificate-identity and --certificate-oidc-issuer/,
    );
    const none = await sgciHere(['verify', image]);
    assert.equal(none.code, 2);
    assert.match(none.stderr, /give a public key with --key or a policy with trustedKeys with --policy/);
  });

  test('attest refuses a predicate that does not match --type, before any push', async () => {
    const notBom = join(dir, 'not-a-bom.json');
    await writeFile(notBom, '{"spdxVersion":"SPDX-2.3"}');
    const result = await sgci(
      ['attest', '--key', join(dir, 'ci.key'), '--type', 'cyclonedx', '--predicate', notBom, unsigned],
      password,
    );
    assert.equal(result.code, 2);
    assert.match(result.stderr, /predicate does not look like a CycloneDX BOM/);
  });
});
