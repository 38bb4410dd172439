import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { reportSchemaVersion } from '../../src/report/index.ts';
import { runSgci } from '../helpers/cli.ts';
import { fixture, fixturesMissing } from '../helpers/fixtures.ts';

const root = resolve(import.meta.dirname, '..', '..');
const skip = fixturesMissing();

function sgci(args: string[], env: Record<string, string>) {
  return runSgci(args, { env: { NO_COLOR: '1', ...env }, timeout: 300_000 });
}

test('sgci scan writes the five reports atomically, prints a summary and exits 1 on a failed gate', {
  skip,
  timeout: 300_000,
}, async () => {
  const home = await mkdtemp(join(tmpdir(), 'sgci-scan-home-'));
  const out = join(home, 'out');
  const run = await sgci(
    ['scan', `oci-archive:${fixture('distroless-static').ociArchive}`, '--out', out, '--now', '2026-05-28T20:26:40Z'],
    { SGCI_HOME: home, LANG: 'C.UTF-8', LC_ALL: '', LC_MESSAGES: '' },
  );
  assert.equal(run.code, 1, run.stderr);
  for (const name of ['sbom.cdx.json', 'vulns.json', 'checks.json', 'report.html', 'report.sarif'])
    assert.ok(existsSync(join(out, name)), name);
  assert.match(run.stdout, /vulnerabilities: not matched \(no advisory database/);
  assert.match(run.stdout, /gate: FAILED/);
  const checks = JSON.parse(readFileSync(join(out, 'checks.json'), 'utf8'));
  const schema = JSON.parse(readFileSync(join(root, 'schema', `report-${reportSchemaVersion}.json`), 'utf8'));
  const validate = new Ajv2020({ strict: false }).compile(schema);
  assert.equal(validate(checks), true, JSON.stringify(validate.errors?.slice(0, 2)));
  assert.equal(checks.generatedAt, '2026-05-28T20:26:40.000Z');
  assert.equal(
    JSON.parse(readFileSync(join(out, 'vulns.json'), 'utf8')).notes[0],
    'no advisory database: run sgci db import or sgci db update first',
  );
  assert.equal(JSON.parse(readFileSync(join(out, 'sbom.cdx.json'), 'utf8')).bomFormat, 'CycloneDX');
  assert.match(readFileSync(join(out, 'report.html'), 'utf8'), /<html lang="en">/);
  // under a German locale the summary and the report are German, every line of it
  const german = await sgci(['scan', `oci-archive:${fixture('distroless-static').ociArchive}`, '--out', out], {
    SGCI_HOME: home,
    LANG: 'de_DE.UTF-8',
    LC_ALL: '',
    LC_MESSAGES: '',
  });
  assert.equal(german.code, 1, german.stderr);
  assert.match(german.stdout, /^Schwachstellen: nicht abgeglichen \(keine Advisory-Datenbank/m);
  assert.match(german.stdout, /^Freigabe: ABGELEHNT$/m);
  assert.doesNotMatch(german.stdout, /vulnerabilities|gate|written|packages/);
  assert.match(readFileSync(join(out, 'report.html'), 'utf8'), /<html lang="de">/);
  // nothing half-written is left beside the reports
  assert.deepEqual(
    (await import('node:fs')).readdirSync(out).filter((n) => n.endsWith('.tmp')),
    [],
  );
});

test('sgci check with a Dockerfile, manifests, a policy exception and -o junit', {
  skip,
  timeout: 300_000,
}, async () => {
  const dir = await mkdtemp(join(tmpdir(), 'sgci-check-'));
  await writeFile(join(dir, 'Dockerfile'), 'FROM debian:bookworm\nRUN apt-get install -y openssh-server\nUSER root\n');
  await writeFile(
    join(dir, 'deploy.yaml'),
    '# Source: chart/templates/deploy.yaml\napiVersion: apps/v1\nkind: Deployment\nmetadata: {name: ssh}\nspec:\n  template:\n    spec:\n      containers: [{name: ssh, securityContext: {privileged: true}}]\n---\napiVersion: v1\nkind: Service\nmetadata: {name: ssh}\n',
  );
  await writeFile(
    join(dir, 'policy.yaml'),
    'version: "1"\nexceptions:\n  - {check: SGCI-COMP-006, image: "**", justification: "sshd for the SFTP gateway", approver: ISB, expires: "2099-12-31"}\n',
  );
  const run = await sgci(
    [
      'check',
      `oci-archive:${fixture('debian-ssh-secrets').ociArchive}`,
      '--dockerfile',
      join(dir, 'Dockerfile'),
      '--manifests',
      dir,
      '--policy',
      join(dir, 'policy.yaml'),
      '-o',
      'junit',
    ],
    { SGCI_HOME: dir },
  );
  assert.equal(run.code, 1, run.stderr);
  assert.match(run.stdout, /^<\?xml/);
  assert.match(run.stdout, /<testcase classname="sgci.RUN" name="SGCI-RUN-011 No privileged mode">\s*<failure/);
  assert.match(run.stdout, /exception applied: sshd for the SFTP gateway/);
  assert.match(run.stdout, /Dockerfile:3 USER root: the final stage runs as root/);
  assert.match(run.stdout, /Deployment\/ssh container ssh securityContext.privileged = true/);
});

test('a bad policy file is a one-line usage error with exit 2, before the image is read', async () => {
  const run = await sgci(['check', 'oci-archive:/nonexistent.tar', '--policy', '/nonexistent/policy.yaml'], {});
  assert.equal(run.code, 2);
  assert.equal(run.stderr.trim().split('\n').length, 1);
  assert.match(run.stderr, /^sgci: \/nonexistent\/policy.yaml: cannot read policy file/);
});
