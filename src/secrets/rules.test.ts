import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { describe, test } from 'node:test';
import { scanFile } from './scanner.ts';
import { base32Alphabet, base64Alphabet, fakeSecret, hexAlphabet, leakedValues, wrap } from './testing.ts';

interface Case {
  readonly name: string;
  readonly path: string;
  readonly text: string;
  /** Expected `rule@line` of every finding, in order; empty for false-positive bait. */
  readonly expect: readonly string[];
  /** Values that must not appear in the findings. */
  readonly secrets?: readonly string[];
}

function run(cases: readonly Case[]): void {
  for (const c of cases) {
    test(c.name, () => {
      const findings = scanFile({ path: c.path, layer: 0 }, Buffer.from(c.text, 'latin1'));
      assert.deepEqual(
        findings.map((f) => `${f.rule}@${f.line}`),
        c.expect,
      );
      assert.deepEqual(leakedValues(JSON.stringify(findings), c.secrets ?? []), []);
    });
  }
}

const b64 = (label: string, n: number) => fakeSecret(label, n, base64Alphabet);

function pem(kind: string, body: string, headers = ''): string {
  return `-----BEGIN ${kind}-----\n${headers}${wrap(body, 64)}\n-----END ${kind}-----\n`;
}

/** `openssh-key-v1` container with the given cipher and random key bytes: the shape ssh-keygen writes. */
function opensshKey(cipher: string, label: string): string {
  const str = (s: string) => Buffer.concat([Buffer.from([0, 0, 0, s.length]), Buffer.from(s, 'latin1')]);
  const random = Buffer.from(fakeSecret(label, 300, base64Alphabet), 'latin1');
  const blob = Buffer.concat([
    Buffer.from('openssh-key-v1\0', 'latin1'),
    str(cipher),
    str(cipher === 'none' ? 'none' : 'bcrypt'),
    str(''),
    random,
  ]);
  return pem('OPENSSH PRIVATE KEY', blob.toString('base64'));
}

describe('private keys', () => {
  const rsaPkcs1 = generateKeyPairSync('rsa', {
    modulusLength: 1024,
    privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  });
  const pkcs8 = generateKeyPairSync('ec', {
    namedCurve: 'P-256',
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  }).privateKey;
  const sec1 = generateKeyPairSync('ec', {
    namedCurve: 'P-256',
    privateKeyEncoding: { type: 'sec1', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  }).privateKey;
  const ed25519 = generateKeyPairSync('ed25519', {
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  }).privateKey;
  const encryptedPkcs8 = generateKeyPairSync('ec', {
    namedCurve: 'P-256',
    privateKeyEncoding: { type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: 'fixture' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  }).privateKey;
  const legacyEncrypted = generateKeyPairSync('rsa', {
    modulusLength: 1024,
    privateKeyEncoding: { type: 'pkcs1', format: 'pem', cipher: 'aes-256-cbc', passphrase: 'fixture' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  }).privateKey;
  const body = (text: string) => text.split('\n').filter((l) => l && !l.startsWith('-----') && !l.includes(':'));
  const openssh = opensshKey('none', 'openssh');
  const ppkLines = wrap(b64('ppk-private', 180), 64);
  const ppk = (encryption: string) =>
    `PuTTY-User-Key-File-3: ssh-ed25519\nEncryption: ${encryption}\nComment: fixture\nPublic-Lines: 2\n${wrap(b64('ppk-public', 100), 64)}\nPrivate-Lines: 3\n${ppkLines}\nPrivate-MAC: ${fakeSecret('mac', 64, hexAlphabet)}\n`;
  const pgpBody = b64('pgp', 300);

  run([
    {
      name: 'RSA (PKCS#1)',
      path: '/app/key.pem',
      text: rsaPkcs1.privateKey,
      expect: ['private-key@1'],
      secrets: body(rsaPkcs1.privateKey),
    },
    {
      name: 'PKCS#8 with text around it',
      path: '/app/notes.txt',
      text: `key follows\n\n${pkcs8}`,
      expect: ['private-key@3'],
      secrets: body(pkcs8),
    },
    { name: 'EC (SEC1)', path: '/etc/app/ec.key', text: sec1, expect: ['private-key@1'], secrets: body(sec1) },
    { name: 'Ed25519 (short PKCS#8)', path: '/k', text: ed25519, expect: ['private-key@1'] },
    {
      name: 'escaped inside a JSON string',
      path: '/app/config.json',
      text: JSON.stringify({ key: pkcs8 }),
      expect: ['private-key@1'],
    },
    { name: 'encrypted PKCS#8', path: '/k.pem', text: encryptedPkcs8, expect: ['private-key-encrypted@1'] },
    {
      name: 'legacy encrypted PEM (Proc-Type)',
      path: '/k.pem',
      text: legacyEncrypted,
      expect: ['private-key-encrypted@1'],
    },
    { name: 'OpenSSH, no passphrase', path: '/home/u/.ssh/id_ed25519', text: openssh, expect: ['private-key@1'] },
    {
      name: 'OpenSSH, encrypted',
      path: '/home/u/.ssh/id_ed25519',
      text: opensshKey('aes256-ctr', 'enc'),
      expect: ['private-key-encrypted@1'],
    },
    {
      name: 'ssh host key is its own rule',
      path: '/etc/ssh/ssh_host_ed25519_key',
      text: openssh,
      expect: ['ssh-host-private-key@1'],
    },
    {
      name: 'PuTTY PPK',
      path: '/u/key.ppk',
      text: ppk('none'),
      expect: ['private-key@1'],
      secrets: [ppkLines.replace(/\n/g, '')],
    },
    { name: 'PuTTY PPK, encrypted', path: '/u/key.ppk', text: ppk('aes256-cbc'), expect: ['private-key-encrypted@1'] },
    {
      name: 'PGP private key block',
      path: '/root/.gnupg/private.asc',
      text: pem('PGP PRIVATE KEY BLOCK', pgpBody, 'Version: GnuPG v2\n\n').replace(
        '-----END',
        `=${pgpBody.slice(0, 4)}\n-----END`,
      ),
      expect: ['private-key@1'],
    },
    // Bait
    { name: 'public key PEM', path: '/etc/app/pub.pem', text: rsaPkcs1.publicKey, expect: [] },
    {
      name: 'certificate bundle',
      path: '/etc/ssl/certs/ca-certificates.crt',
      text: pem('CERTIFICATE', b64('cert1', 900)) + pem('CERTIFICATE', b64('cert2', 900)),
      expect: [],
    },
    {
      name: 'ssh public keys and authorized_keys',
      path: '/root/.ssh/authorized_keys',
      text: `ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI${b64('pub', 43)} user@host\nssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABgQ${b64('rsapub', 500)} u\n`,
      expect: [],
    },
    {
      name: 'code that names the PEM header without a key',
      path: '/usr/lib/python3/dist-packages/x/pem.py',
      text: 'BEGIN = "-----BEGIN RSA PRIVATE KEY-----"\nEND = "-----END RSA PRIVATE KEY-----"\nif line == BEGIN:\n  pass\n',
      expect: [],
    },
    {
      name: 'truncated key without END',
      path: '/k.pem',
      text: `-----BEGIN PRIVATE KEY-----\n${wrap(b64('trunc', 300))}\n`,
      expect: [],
    },
  ]);

  test('PEM keys are described by their format, in English and German', () => {
    const described = (text: string) =>
      scanFile({ path: '/k.pem', layer: 0 }, Buffer.from(text)).map((f) => [f.description, f.descriptionDe]);
    assert.deepEqual(described(pkcs8), [['PKCS#8 private key (PEM)', 'privater PKCS#8-Schlüssel (PEM)']]);
    assert.deepEqual(described(sec1), [['EC private key (PEM)', 'privater EC-Schlüssel (PEM)']]);
    assert.deepEqual(described(rsaPkcs1.privateKey), [['RSA private key (PEM)', 'privater RSA-Schlüssel (PEM)']]);
  });
});

describe('cloud keys', () => {
  const akid = `AKIA${fakeSecret('akid', 16, base32Alphabet)}`;
  const asia = `ASIA${fakeSecret('asia', 16, base32Alphabet)}`;
  const awsSecret = b64('aws-secret', 40);
  const saKey = generateKeyPairSync('rsa', {
    modulusLength: 1024,
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  }).privateKey;
  const serviceAccount = JSON.stringify(
    {
      type: 'service_account',
      project_id: 'fixture',
      private_key_id: fakeSecret('kid', 40, hexAlphabet),
      private_key: saKey,
      client_email: 'fixture@fixture.iam.gserviceaccount.com',
    },
    null,
    2,
  );
  const storageKey = `${b64('azure', 86)}==`;
  const clientSecret = `${fakeSecret('az-a', 3)}8Q~${fakeSecret('az-b', 34)}`;
  const googleKey = `AIza${fakeSecret('gapi', 35)}`;
  run([
    {
      name: 'AWS credentials file',
      path: '/root/.aws/credentials',
      text: `[default]\naws_access_key_id = ${akid}\naws_secret_access_key = ${awsSecret}\n`,
      expect: ['aws-access-key-id@2', 'aws-secret-access-key@3'],
      secrets: [awsSecret],
    },
    {
      name: 'AWS session key id',
      path: '/app/env.sh',
      text: `export AWS_ACCESS_KEY_ID=${asia}\n`,
      expect: ['aws-access-key-id@1'],
    },
    {
      name: 'AWS secret in JSON',
      path: '/app/c.json',
      text: `{"AccessKeyId": "${akid}", "SecretAccessKey": "${awsSecret}"}`,
      expect: ['aws-access-key-id@1', 'aws-secret-access-key@1'],
    },
    {
      name: 'GCP service-account JSON is one finding',
      path: '/app/sa.json',
      text: serviceAccount,
      expect: ['gcp-service-account@5'],
      secrets: saKey.split('\n').filter((l) => l && !l.startsWith('-----')),
    },
    {
      name: 'Google API key',
      path: '/app/maps.js',
      text: `const key = "${googleKey}";`,
      expect: ['gcp-api-key@1'],
      secrets: [googleKey],
    },
    {
      name: 'Azure storage connection string',
      path: '/app/appsettings.json',
      text: `{"Storage": "DefaultEndpointsProtocol=https;AccountName=fixture;AccountKey=${storageKey};EndpointSuffix=core.windows.net"}`,
      expect: ['azure-storage-key@1'],
      secrets: [storageKey],
    },
    {
      name: 'Azure client secret',
      path: '/app/.azure',
      text: `clientSecret: ${clientSecret}\n`,
      expect: ['azure-client-secret@1'],
      secrets: [clientSecret],
    },
    // Bait: documented examples and look-alikes
    {
      name: 'AWS documentation example keys',
      path: '/usr/lib/python3/dist-packages/botocore/docs.py',
      text: 'aws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\nAKIAI44QH8DHBEXAMPLE je7MtGbClwBF/2Zp9Utk/h3yCo8nvbEXAMPLEKEY\n',
      expect: [],
    },
    {
      name: 'Azurite development storage key',
      path: '/app/appsettings.Development.json',
      text: 'AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;',
      expect: [],
    },
    {
      name: 'a 40-char base64 blob without an AWS name',
      path: '/app/data.txt',
      text: `checksum: ${awsSecret}\n`,
      expect: [],
    },
    {
      name: 'AKIA inside a longer word',
      path: '/a',
      text: `X${akid}Y and akia${fakeSecret('lc', 16).toLowerCase()}`,
      expect: [],
    },
    {
      name: 'service account without a key',
      path: '/app/sa.json',
      text: '{"type": "service_account", "client_email": "a@b"}',
      expect: [],
    },
  ]);
});

describe('service tokens', () => {
  const ghp = `ghp_${fakeSecret('ghp', 36)}`;
  const ghs = `ghs_${fakeSecret('ghs', 36)}`;
  const pat = `github_pat_${fakeSecret('pat1', 22)}_${fakeSecret('pat2', 59)}`;
  const glpat = `glpat-${fakeSecret('glpat', 20)}`;
  const glrt = `glrt-${fakeSecret('glrt', 20)}`;
  const slack = `xoxb-${fakeSecret('s1', 12, '0123456789')}-${fakeSecret('s2', 13, '0123456789')}-${fakeSecret('s3', 24)}`;
  const hook = `https://hooks.slack.com/services/T${fakeSecret('h1', 8, base32Alphabet)}/B${fakeSecret('h2', 8, base32Alphabet)}/${fakeSecret('h3', 24)}`;
  const npm = `npm_${fakeSecret('npm', 36)}`;
  const npmrcToken = `${fakeSecret('u1', 8, hexAlphabet)}-${fakeSecret('u2', 4, hexAlphabet)}-${fakeSecret('u3', 4, hexAlphabet)}-${fakeSecret('u4', 4, hexAlphabet)}-${fakeSecret('u5', 12, hexAlphabet)}`;
  const pypi = `pypi-AgEIcHlwaS5vcmc${fakeSecret('pypi', 70, `${base64Alphabet.slice(0, 62)}_-`)}`;
  run([
    {
      name: 'GitHub classic PAT in a script',
      path: '/app/deploy.sh',
      text: `#!/bin/sh\ncurl -H "Authorization: token ${ghp}" https://api.github.com\n`,
      expect: ['github-token@2'],
      secrets: [ghp],
    },
    {
      name: 'GitHub app token',
      path: '/app/x.yaml',
      text: `github: ${ghs}\n`,
      expect: ['github-token@1'],
      secrets: [ghs],
    },
    {
      name: 'GitHub fine-grained PAT',
      path: '/app/x.txt',
      text: `${pat}\n`,
      expect: ['github-token@1'],
      secrets: [pat],
    },
    {
      name: 'GitLab PAT and runner token',
      path: '/etc/gitlab-runner/config.toml',
      text: `a = "${glpat}"\ntoken = "${glrt}"\n`,
      expect: ['gitlab-token@1', 'gitlab-token@2'],
      secrets: [glpat, glrt],
    },
    {
      name: 'Slack bot token',
      path: '/app/bot.py',
      text: `SLACK = "${slack}"\n`,
      expect: ['slack-token@1'],
      secrets: [slack],
    },
    {
      name: 'Slack webhook',
      path: '/app/notify.sh',
      text: `curl -X POST ${hook}\n`,
      expect: ['slack-webhook@1'],
      secrets: [hook],
    },
    { name: 'npm token', path: '/app/publish.sh', text: `NPM=${npm}\n`, expect: ['npm-token@1'], secrets: [npm] },
    {
      name: '.npmrc _authToken',
      path: '/root/.npmrc',
      text: `registry=https://registry.npmjs.org/\n//registry.npmjs.org/:_authToken=${npmrcToken}\n`,
      expect: ['npmrc-auth@2'],
      secrets: [npmrcToken],
    },
    {
      name: 'PyPI token in .pypirc',
      path: '/root/.pypirc',
      text: `[pypi]\nusername = __token__\npassword = ${pypi}\n`,
      expect: ['pypi-token@3'],
      secrets: [pypi],
    },
    // Bait
    {
      name: 'placeholder GitHub token',
      path: '/usr/share/doc/x/README',
      text: `export GITHUB_TOKEN=ghp_${'x'.repeat(36)}\n`,
      expect: [],
    },
    {
      name: 'Slack token placeholder',
      path: '/app/README.md',
      text: 'SLACK_TOKEN=xoxb-your-token-here-please-fill\n',
      expect: [],
    },
    {
      name: '.npmrc with an environment reference',
      path: '/app/.npmrc',
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a literal ${VAR} reference is the test input
      text: '//registry.npmjs.org/:_authToken=${NPM_TOKEN}\n',
      expect: [],
    },
    { name: 'GitHub token too short', path: '/a', text: `ghp_${fakeSecret('short', 30)}\n`, expect: [] },
  ]);
});

describe('credential files', () => {
  const dockerAuth = Buffer.from(`robot:${fakeSecret('docker-pass', 24)}`).toString('base64');
  const kubeKey = b64('kube-key', 400);
  const kubeToken = `${fakeSecret('kt1', 6)}.${fakeSecret('kt2', 16)}`;
  const apiKey = fakeSecret('dotenv-api', 32);
  const dbPass = fakeSecret('dotenv-db', 20);
  run([
    {
      name: 'docker config.json with auths',
      path: '/root/.docker/config.json',
      text: JSON.stringify({ auths: { 'registry.example.org': { auth: dockerAuth } } }, null, 2),
      expect: ['docker-config-auth@4'],
      secrets: [dockerAuth],
    },
    {
      name: 'kubeconfig with client key and token',
      path: '/root/.kube/config',
      text: `apiVersion: v1\nkind: Config\nusers:\n- name: admin\n  user:\n    client-key-data: ${kubeKey}\n- name: sa\n  user:\n    token: ${kubeToken}\n`,
      expect: ['kubeconfig-credential@6', 'kubeconfig-credential@9'],
      secrets: [kubeKey, kubeToken],
    },
    {
      name: '.env file: name-classified variables',
      path: '/app/.env.production',
      text: `APP_ENV=production\nSTRIPE_KEY=${apiKey}\nDB_PASSWORD="${dbPass}"\nPUBLIC_KEY_PATH=/app/pub.pem\nSESSION_SECRET=changeme\nREDIS_PASSWORD=\${REDIS_PASSWORD}\n`,
      expect: ['env-file-secret@2', 'env-file-secret@3'],
      secrets: [apiKey, dbPass],
    },
    // Bait
    {
      name: 'docker config with a credential store only',
      path: '/root/.docker/config.json',
      text: JSON.stringify({ auths: { 'ghcr.io': {} }, credsStore: 'desktop' }),
      expect: [],
    },
    {
      name: 'docker auth without a password',
      path: '/root/.docker/config.json',
      text: JSON.stringify({ auths: { r: { auth: Buffer.from('user:').toString('base64') } } }),
      expect: [],
    },
    {
      name: 'kubeconfig with an exec plugin',
      path: '/root/.kube/config',
      text: 'apiVersion: v1\nkind: Config\nusers:\n- name: eks\n  user:\n    exec:\n      command: aws\n      args: [eks, get-token]\n',
      expect: [],
    },
    {
      name: '.netrc password',
      path: '/root/.netrc',
      text: `machine registry.example.org\n  login robot\n  password ${dbPass}\n`,
      expect: ['netrc-password@3'],
      secrets: [dbPass],
    },
    {
      name: '.netrc with a placeholder',
      path: '/root/.netrc',
      text: 'machine h login u password changeme\n',
      expect: [],
    },
    {
      name: 'a *_KEY variable outside a .env file',
      path: '/app/environment.txt',
      text: `STRIPE_KEY=${apiKey}\n`,
      expect: [],
    },
  ]);
});

describe('passwords in URLs and assignments', () => {
  const urlPass = fakeSecret('url-pass', 18);
  const assigned = `${fakeSecret('assigned', 14)}-9`;
  run([
    {
      name: 'database URL',
      path: '/app/config.yaml',
      text: `db:\n  url: postgres://app:${urlPass}@db.internal:5432/app\n`,
      expect: ['url-password@2'],
      secrets: [urlPass],
    },
    {
      name: 'percent-encoded URL password',
      path: '/app/a.ini',
      text: `dsn = mysql://root:${urlPass}%21@db/x\n`,
      expect: ['url-password@1'],
      secrets: [urlPass],
    },
    {
      name: 'password assignment in YAML',
      path: '/app/application.yml',
      text: `spring:\n  datasource:\n    password: "${assigned}"\n`,
      expect: ['password-assignment@3'],
      secrets: [assigned],
    },
    {
      name: 'secret assignment in Python',
      path: '/app/settings.py',
      text: `SECRET_KEY = '${assigned}'\n`,
      expect: ['password-assignment@1'],
      secrets: [assigned],
    },
    // Bait
    {
      name: 'placeholder URL passwords',
      path: '/app/README',
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a literal ${VAR} reference is the test input
      text: 'ftp://user:password@host/\npostgres://app:${DB_PASSWORD}@db/app\nhttps://u:<password>@x\nredis://:changeme@cache\nhttp://user:xxx@h\n',
      expect: [],
    },
    {
      name: 'URL with port and user only',
      path: '/app/a',
      text: 'https://host.example:8443/path http://user@host/ ssh://git@github.com:22/x\n',
      expect: [],
    },
    {
      name: 'URL password in package documentation',
      path: '/usr/share/doc/pkg/README',
      text: `mysql://root:${urlPass}@localhost/db\n`,
      expect: [],
    },
    {
      name: 'code reading a password',
      path: '/usr/lib/python3/dist-packages/x.py',
      text: 'password = None\ntoken = get_token()\npassword: Optional[str] = None\nOP = token.OP\nself.password = password\nsecret = os.environ["SECRET"]\n',
      expect: [],
    },
    {
      name: 'library docstrings, generated code and headers',
      path: '/usr/lib/python3/dist-packages/oauthlib/oauth2/rfc6749/parameters.py',
      text: '    "access_token":"2YotnFZFEjr1zCsicMWpAA",\n',
      expect: [],
    },
    {
      name: 'vendored third-party code',
      path: '/usr/lib/google-cloud-sdk/lib/third_party/google/api_core/page_iterator.py',
      text: '    Next page token: eav1OzQB0OM8rLdGXOEsyQWSG\n',
      expect: [],
    },
    { name: 'a test file', path: '/app/src/auth_test.go', text: `token := "${assigned}"\n`, expect: [] },
    {
      name: 'words, identifiers and regexes as values',
      path: '/etc/app/x.yaml',
      text: 'Token.Markdown.BoldItalic: bold+italic text\ndesiredSecretManagerConfig: Enable/Disable\n"secret:AmazonLookoutMetrics-.+"\ncredentials._private_key_pkcs8_pem = private_key_pkcs8_pem\nstop_token::_Stop_state_ref _M_state;\nif token == "abcdef123456":\n',
      expect: [],
    },
    {
      name: 'generated code with _password is not an .npmrc',
      path: '/usr/lib/google-cloud-sdk/lib/x_messages.py',
      text: '  _password = _messages.StringField(1)\n',
      expect: [],
    },
    {
      name: 'lintian override',
      path: '/usr/share/lintian/overrides/passwd',
      text: 'passwd: elevated-privileges 4755 root/root [usr/bin/passwd]\n',
      expect: [],
    },
    {
      name: 'placeholder assignments',
      path: '/etc/app.conf',
      text: 'password = changeme\npassword=example-password\ntoken: <your token>\napi_key = "YOUR_API_KEY_HERE"\nsecret = xxxxxxxxxxxx\n',
      expect: [],
    },
    {
      name: 'references to secret files',
      path: '/etc/app.conf',
      text: 'password_file = /run/secrets/db_password\ntoken_path: /var/run/secrets/token\n',
      expect: [],
    },
  ]);
});

describe('false-positive bait of real images', () => {
  const lines: string[] = [];
  for (let i = 0; i < 20; i++) {
    lines.push(`${fakeSecret(`sha${i}`, 64, hexAlphabet)}  usr/lib/file${i}.so`);
    lines.push(
      `${fakeSecret(`u${i}`, 8, hexAlphabet)}-${fakeSecret(`v${i}`, 4, hexAlphabet)}-4${fakeSecret(`w${i}`, 3, hexAlphabet)}-a${fakeSecret(`x${i}`, 3, hexAlphabet)}-${fakeSecret(`y${i}`, 12, hexAlphabet)}`,
    );
    lines.push(b64(`blob${i}`, 76));
  }
  run([
    {
      name: 'hashes, UUIDs and base64 blobs',
      path: '/var/lib/dpkg/info/x.md5sums',
      text: lines.join('\n'),
      expect: [],
    },
    {
      name: 'lorem ipsum',
      path: '/usr/share/doc/x/lorem.txt',
      text: 'Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor incididunt ut labore et dolore magna aliqua.\n',
      expect: [],
    },
    {
      name: 'shell completion mentioning password options',
      path: '/usr/share/bash-completion/completions/x',
      text: '_x() { COMPREPLY=( $(compgen -W "--password --token --secret-file" -- "$cur") ); }\n',
      expect: [],
    },
  ]);
});
