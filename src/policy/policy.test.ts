import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { parse } from 'yaml';
import { isSgciError } from '../core/index.ts';
import {
  classifyBaseImage,
  defaultPolicy,
  exceptionExpired,
  findException,
  loadPolicy,
  normalizeImageName,
  parsePolicy,
} from './index.ts';
import { policyJsonSchema, policySchemaVersion } from './json-schema.ts';

const example = `version: "1"
maxImageAgeDays: 30
thirdPartySecrets: fail
unknownSeverity: CRITICAL
sla: {CRITICAL: 24h}
hostUidRange: {min: 0, max: 65535}
checks:
  SGCI-RUN-014: warn
  SGCI-BUILD-011: off
trustedKeys:
  - keys/release.pub
  - {key: keys/team.pub, repositories: ["registry.example/team/*"]}
exceptions:
  - check: SGCI-BASE-001
    image: "registry.example/legacy/*:*"
    justification: shell needed by the vendor's start script until 2.0
    approver: it-sicherheit@example.de
    expires: "2026-12-31"
`;

test('a policy file merges over the built-in default', () => {
  const policy = parsePolicy(example, '/etc/sgci/sgci-policy.yaml');
  assert.equal(policy.maxImageAgeDays, 30);
  assert.deepEqual(policy.sla, { CRITICAL: '24h', HIGH: '7d', MEDIUM: '30d', LOW: 'next-release' });
  assert.equal(policy.checks['SGCI-BUILD-011'], 'off');
  assert.deepEqual(policy.baseImages, defaultPolicy.baseImages);
  assert.equal(policy.directory, '/etc/sgci');
  assert.match(policy.digest, /^sha256:/);
  assert.equal(policy.thirdPartySecrets, 'fail');
  assert.equal(policy.unknownSeverity, 'CRITICAL');
  const minimal = parsePolicy('version: "1"\n', 'minimal.yaml');
  assert.equal(minimal.thirdPartySecrets, 'warn', 'third-party secrets warn by default');
  assert.equal(minimal.unknownSeverity, 'HIGH', 'unrated findings count as HIGH by default');
});

test('invalid policies fail with POLICY_INVALID naming the field', () => {
  const bad: [string, RegExp][] = [
    ['version: "1"\nchecks: {SGCI-RUN-014: maybe}\n', /checks\.SGCI-RUN-014/],
    ['version: "1"\nchecks: {RUN-14: warn}\n', /checks/],
    ['version: "1"\nthirdPartySecrets: off\n', /thirdPartySecrets/],
    ['version: "1"\nunknownSeverity: UNKNOWN\n', /unknownSeverity/],
    [
      'version: "1"\nexceptions: [{check: SGCI-RUN-001, image: x, justification: y, approver: z, expires: "31.12.2026"}]\n',
      /exceptions\.0\.expires/,
    ],
    [
      'version: "1"\nexceptions: [{image: x, justification: y, approver: z, expires: "2026-12-31"}]\n',
      /exactly one of check or vulnerability/,
    ],
    ['version: "1"\nunknownKey: 1\n', /unknownKey|Unrecognized/],
    ['version: "2"\n', /version/],
    ['version: "1"\nsla: {HIGH: soon}\n', /sla\.HIGH/],
    ['version: "1"\nhostUidRange: {min: 10, max: 5}\n', /min is larger/],
    ['a: [\n', /not valid YAML/],
  ];
  for (const [text, message] of bad) {
    assert.throws(
      () => parsePolicy(text, 'p.yaml'),
      (e: unknown) => isSgciError(e, 'POLICY_INVALID') && message.test(e.message) && e.message.startsWith('p.yaml: '),
      text,
    );
  }
});

test('a missing policy file is a one-line POLICY_INVALID; no file means the built-in policy', async () => {
  await assert.rejects(loadPolicy('/nonexistent/sgci-policy.yaml'), (e: unknown) => isSgciError(e, 'POLICY_INVALID'));
  assert.equal(await loadPolicy(undefined), defaultPolicy);
  const dir = await mkdtemp(join(tmpdir(), 'sgci-policy-'));
  await writeFile(join(dir, 'p.yaml'), example);
  assert.equal((await loadPolicy(join(dir, 'p.yaml'))).maxImageAgeDays, 30);
});

test('exceptions: matched by image pattern or digest, valid through their last day, expired ones reported', () => {
  const policy = parsePolicy(example, 'p.yaml');
  const image = { reference: 'registry.example/legacy/app:1.2' };
  const before = findException(policy.exceptions, { check: 'SGCI-BASE-001' }, image, new Date('2026-12-31T23:59:00Z'));
  assert.equal(before?.status, 'applied');
  const after = findException(policy.exceptions, { check: 'SGCI-BASE-001' }, image, new Date('2027-01-01T00:00:00Z'));
  assert.equal(after?.status, 'expired');
  assert.equal(
    findException(
      policy.exceptions,
      { check: 'SGCI-BASE-001' },
      { reference: 'registry.example/other/app:1' },
      new Date('2026-06-01'),
    ),
    undefined,
  );
  assert.equal(findException(policy.exceptions, { check: 'SGCI-RUN-001' }, image, new Date('2026-06-01')), undefined);
  const byDigest = parsePolicy(
    `version: "1"\nexceptions: [{check: SGCI-RUN-001, image: "sha256:${'a'.repeat(64)}", justification: j, approver: a, expires: "2030-01-01"}]\n`,
    'p.yaml',
  );
  assert.equal(
    findException(
      byDigest.exceptions,
      { check: 'SGCI-RUN-001' },
      { reference: 'x', digest: `sha256:${'a'.repeat(64)}` },
      new Date('2026-01-01'),
    )?.status,
    'applied',
  );
  assert.equal(
    exceptionExpired({ ...byDigest.exceptions[0]!, expires: '2026-01-01' }, new Date('2026-01-01T12:00:00Z')),
    false,
  );
});

test('image names normalise the Docker way', () => {
  assert.equal(normalizeImageName('debian').normalized, 'docker.io/library/debian:latest');
  assert.equal(normalizeImageName('bitnami/redis:7').normalized, 'docker.io/bitnami/redis:7');
  assert.equal(normalizeImageName('localhost:5000/x@sha256:ab').normalized, 'localhost:5000/x@sha256:ab');
  assert.equal(classifyBaseImage('debian:12-slim@sha256:abcd', defaultPolicy).category, 'allowed');
  assert.equal(classifyBaseImage('index.docker.io/library/alpine:3.20', defaultPolicy).category, 'preferred');
});

const schemaPath = resolve(import.meta.dirname, '..', '..', 'schema', `policy-${policySchemaVersion}.json`);

test('schema/policy-<version>.json is the generated schema (UPDATE_GOLDEN=1 rewrites it) and validates the example', async () => {
  const generated = `${JSON.stringify(policyJsonSchema(), null, 2)}\n`;
  if (process.env.UPDATE_GOLDEN === '1') await writeFile(schemaPath, generated);
  assert.equal(readFileSync(schemaPath, 'utf8'), generated);
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  const validate = ajv.compile(JSON.parse(generated));
  assert.equal(validate(parse(example)), true, JSON.stringify(validate.errors));
  assert.equal(validate(parse('version: "1"\nchecks: {SGCI-RUN-014: maybe}\n')), false);
  const docExample = readFileSync(resolve(import.meta.dirname, '..', '..', 'docs', 'sgci-policy.example.yaml'), 'utf8');
  assert.equal(validate(parse(docExample)), true, JSON.stringify(validate.errors));
  parsePolicy(docExample, 'docs/sgci-policy.example.yaml');
});
