import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { ImageConfig } from '../oci/image/schema.ts';
import { scanImageConfig } from './index.ts';
import { fakeSecret, leakedValues } from './testing.ts';

function config(parts: {
  env?: string[];
  labels?: Record<string, string>;
  history?: ImageConfig['history'];
}): ImageConfig {
  return {
    architecture: 'amd64',
    os: 'linux',
    config: { Env: parts.env ?? [], Labels: parts.labels ?? {} },
    rootfs: { type: 'layers', diff_ids: [] },
    history: parts.history ?? [],
  };
}

describe('scanImageConfig', () => {
  const ghp = `ghp_${fakeSecret('cfg-gh', 36)}`;
  const npm = `npm_${fakeSecret('cfg-npm', 36)}`;
  const dbPass = fakeSecret('cfg-db', 20);
  const apiKey = fakeSecret('cfg-api', 32);
  const labelToken = fakeSecret('cfg-label', 24);
  const argPass = fakeSecret('cfg-arg', 16);
  const planted = [ghp, npm, dbPass, apiKey, labelToken, argPass];

  const findings = scanImageConfig(
    config({
      env: [
        'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
        `DATABASE_URL=postgres://app:${dbPass}@db:5432/app`,
        `API_KEY=${apiKey}`,
        'DB_PASSWORD=changeme',
        'POSTGRES_PASSWORD_FILE=/run/secrets/db',
        'GPG_KEY=A035C8C19219BA821ECEA86B64E628F8D684696D',
        // biome-ignore lint/suspicious/noTemplateCurlyInString: a literal ${VAR} reference is the test input
        'SECRET=${SECRET}',
      ],
      labels: {
        'org.opencontainers.image.source': 'https://git.example.invalid/x',
        'com.example.deploy-token': labelToken,
        'com.example.maintainer-password': 'none',
      },
      history: [
        { created_by: 'debootstrap bookworm' },
        { created_by: 'ENV DATABASE_URL=...', empty_layer: true },
        { created_by: `RUN |2 GITHUB_TOKEN=${ghp} DB_ADMIN_PASSWORD=${argPass} /bin/sh -c ./provision.sh` },
        { created_by: `/bin/sh -c #(nop)  ENV NPM_CONFIG_TOKEN=${npm}`, empty_layer: true },
        { created_by: 'ARG VERSION=1.2.3', empty_layer: true },
        { created_by: 'RUN |1 HTTP_PROXY=http://proxy:3128 /bin/sh -c apt-get update' },
      ],
    }),
  );

  test('finds secrets in Env, Labels and history with their field and layer', () => {
    assert.deepEqual(
      findings.map((f) => [f.location, f.field, f.rule, f.layer]),
      [
        ['env', 'Env[1] DATABASE_URL', 'url-password', undefined],
        ['env', 'Env[2] API_KEY', 'env-secret', undefined],
        ['history', 'history[2]', 'build-arg-secret', 1],
        ['history', 'history[2]', 'github-token', 1],
        ['history', 'history[3]', 'npm-token', undefined],
        ['label', 'Labels[com.example.deploy-token]', 'label-secret', undefined],
      ],
    );
  });

  test('never includes a planted value', () => {
    assert.deepEqual(leakedValues(JSON.stringify(findings), planted), []);
  });

  test('an image without config secrets has no findings', () => {
    assert.deepEqual(
      scanImageConfig(
        config({ env: ['PATH=/usr/bin', 'NODE_ENV=production'], history: [{ created_by: 'COPY . /app' }] }),
      ),
      [],
    );
  });
});

/**
 * History lines are as long as the config allows (4 MiB) and the image author writes them. Shaped for the
 * `NAME=value` pattern of ENV/ARG bodies: before its name was anchored, the first case took about 60 s at
 * 256 KiB and grew with the square of the length. Linear scanning takes milliseconds; the bound is for a
 * loaded CI machine.
 */
describe('hostile history lines scan in bounded time', () => {
  const MiB = 1024 * 1024;
  const cases: [string, string][] = [
    ['a name run without =', `ENV A=1 ${'B'.repeat(MiB)}`],
    ['dotted names without =', `ENV A=1 ${'a.'.repeat(MiB / 2)}`],
    ['dashes and digits before a name', `ENV A=1 ${'-0a'.repeat(MiB / 3)}`],
    ['unterminated quotes', `ENV A=1 ${'B="x\\'.repeat(MiB / 6)}`],
    ['classic #(nop) ENV of one long name', `/bin/sh -c #(nop)  ENV ${'a'.repeat(MiB)}`],
    ['build arguments of one long word', `RUN |999 ${'a'.repeat(MiB)}`],
    ['password keywords without values', `RUN ${'PASSWORD'.repeat(MiB / 8)}`],
  ];
  for (const [name, createdBy] of cases) {
    test(name, () => {
      const started = performance.now();
      scanImageConfig(config({ history: [{ created_by: createdBy }] }));
      const millis = performance.now() - started;
      assert.ok(millis < 5000, `${millis.toFixed(0)} ms for 1 MiB`);
    });
  }
  test('the anchored pattern still finds every pair, also after digits and dashes', () => {
    const token = fakeSecret('hist-anchor', 24);
    const findings = scanImageConfig(
      config({ history: [{ created_by: `ENV A=1 -9x-API_TOKEN=${token} B="two words"`, empty_layer: true }] }),
    );
    assert.deepEqual(
      findings.map((f) => [f.rule, f.field]),
      [['env-secret', 'history[0]']],
    );
  });
});
