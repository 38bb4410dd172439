import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { maskEnvValue, maskText } from './index.ts';
import { fakeSecret } from './testing.ts';

describe('maskEnvValue', () => {
  const masked: [string, string, string][] = [
    ['DB_PASSWORD', 'hunter2', '****'],
    ['POSTGRES_PASSWORD', 'x', '****'],
    ['GITHUB_TOKEN', 'anything', '****'],
    ['AWS_SECRET_ACCESS_KEY', 'abc', '****'],
    ['API_KEY', 'k', '****'],
    ['apiKey', 'k', '****'],
    ['SECRET_KEY_BASE', 'k', '****'],
    ['DBPASSWORD', 'k', '****'],
    ['PRIVATE_KEY', 'k', '****'],
    ['DATABASE_URL', 'postgres://app:3f1c2a9b8e7d6c5b4a39@db:5432/app', 'postgres://app:****@db:5432/app'],
    ['REDIS_URL', 'redis://:hunter@cache:6379/0', 'redis://:****@cache:6379/0'],
    ['CI_HELPER', 'ghp_4fK9qLm2Xv7Rt1Zb8Nw3Yc6Hd0Jp5Sa2Ue9G', '****'],
    [
      'JAVA_OPTS',
      '-Xmx1g -Dapi.token=Zq8rT2vX9kLm4NpB7wYc -Dfile.encoding=UTF-8',
      '-Xmx1g -Dapi.token=**** -Dfile.encoding=UTF-8',
    ],
  ];
  for (const [name, value, expected] of masked) {
    test(`masks ${name}`, () => assert.equal(maskEnvValue(name, value), expected));
  }

  const kept: [string, string][] = [
    ['PATH', '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'],
    ['PWD', '/app'],
    ['GPG_KEY', 'A035C8C19219BA821ECEA86B64E628F8D684696D'],
    ['PUBLIC_KEY', 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIG'],
    ['POSTGRES_PASSWORD_FILE', '/run/secrets/db'],
    ['SSL_CERT_FILE', '/etc/ssl/certs/ca-certificates.crt'],
    ['KEY_ID', 'abc'],
    ['TOKEN_URL', 'https://auth.example.org/token'],
    ['DATABASE_URL', 'postgres://db:5432/app'],
    ['AWS_ACCESS_KEY_ID', 'AKIAIOSFODNN7EXAMPLE'],
    ['NODE_ENV', 'production'],
    ['KEYBOARD', 'de'],
    ['DB_PASSWORD', ''],
  ];
  for (const [name, value] of kept) {
    test(`keeps ${name}=${value}`, () => assert.equal(maskEnvValue(name, value), value));
  }
});

describe('masking properties', () => {
  const secretNames = [
    'PASSWORD',
    'DB_PASSWORD',
    'GITHUB_TOKEN',
    'apiKey',
    'AWS_SECRET_ACCESS_KEY',
    'app.secret',
    'SIGNING_KEY',
  ];
  test('any non-empty value of a secret-named variable is masked whole', () => {
    fc.assert(
      fc.property(fc.constantFrom(...secretNames), fc.string({ minLength: 1 }), (name, value) => {
        assert.equal(maskEnvValue(name, value), '****');
      }),
    );
  });
  test('any URL password is masked, the rest of the URL stays', () => {
    const passwordChar = fc.constantFrom(
      ...'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~!$&*+,;=%'.split(''),
    );
    fc.assert(
      fc.property(
        fc.constantFrom('postgres', 'mysql', 'redis', 'amqp', 'https', 'mongodb+srv'),
        fc.stringMatching(/^[a-z][a-z0-9_]{0,11}$/),
        fc.array(passwordChar, { minLength: 1, maxLength: 64 }).map((chars) => chars.join('')),
        (scheme, user, password) => {
          const url = `${scheme}://${user}:${password}@db.internal:5432/app`;
          assert.equal(maskEnvValue('CONNECTION', url), `${scheme}://${user}:****@db.internal:5432/app`);
        },
      ),
    );
  });
  test('maskText masks tokens inside a history line', () => {
    const token = `glpat-${fakeSecret('mask-history', 20)}`;
    assert.equal(maskText(`RUN |1 CI_JOB=${token} /bin/sh -c make`), 'RUN |1 CI_JOB=**** /bin/sh -c make');
  });
});
