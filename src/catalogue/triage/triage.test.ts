import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import { corpusDir } from '../../../test/helpers/fixtures.ts';
import { csaf20VexSchema, csafVexProblems } from '../../../test/helpers/schemas/csaf-2.0-vex.ts';
import { parseVex, type VexStatement } from '../../vuln/index.ts';
import { toCsafVex } from './csaf.ts';
import { DecisionDraft, type VexDecision } from './decision.ts';
import { decisionStatement, versionStatements } from './statements.ts';
import { nearMissReason } from './unmatched.ts';

const ajv = new Ajv({ allErrors: true, strict: false });
addFormats.default(ajv);
const validCsaf = ajv.compile(csaf20VexSchema);

const image = 'pkg:oci/app@sha256%3Aabc?repository_url=registry.example%2Fteam%2Fapp';
const statement = (over: Partial<VexStatement> & Pick<VexStatement, 'status'>): VexStatement => ({
  vulnerability: { id: 'CVE-2023-0286', aliases: [] },
  products: [image],
  subcomponents: ['pkg:deb/debian/libssl3@3.0.11-1'],
  document: 'catalogue VEX decision 1',
  format: 'store',
  timestamp: '2026-12-01T09:00:00.000Z',
  ...over,
});
const options = {
  publisher: { name: 'sgci catalogue', namespace: 'https://container.example' },
  title: 'VEX decisions for app@sha256:abc',
  timestamp: '2026-12-02T09:00:00.000Z',
  trackingPrefix: 'sgci-vex-abc',
};

test('the team CSAF schema and profile checks accept the official VEX examples of the corpus', () => {
  const dir = join(corpusDir(), 'vex', 'csaf', 'csaf_vex');
  const files = readdirSync(dir).filter((f) => f.endsWith('.json'));
  assert.ok(files.length >= 10);
  for (const file of files) {
    const doc = JSON.parse(readFileSync(join(dir, file), 'utf8'));
    assert.ok(validCsaf(doc), `${file}: ${JSON.stringify(validCsaf.errors)}`);
    assert.deepEqual(csafVexProblems(doc), [], file);
  }
});

test('CSAF VEX of every status passes the schema and the profile rules, and reads back as the same statements', () => {
  const statements = [
    statement({ status: 'not_affected', justification: 'vulnerable_code_not_in_execute_path' }),
    statement({
      vulnerability: { id: 'GHSA-hrpp-h998-j3pp', aliases: [] },
      subcomponents: ['pkg:npm/qs@6.7.0'],
      status: 'not_affected',
      impactStatement: 'qs never parses outside input here',
    }),
    statement({
      vulnerability: { id: 'CVE-2021-23337', aliases: [] },
      subcomponents: [],
      status: 'affected',
      actionStatement: 'update lodash',
    }),
    statement({ vulnerability: { id: 'DSA-5343-1', aliases: [] }, status: 'fixed' }),
    statement({ vulnerability: { id: 'CVE-2024-45590', aliases: [] }, status: 'under_investigation' }),
  ];
  const text = toCsafVex(statements, options);
  const doc = JSON.parse(text);
  assert.ok(validCsaf(doc), JSON.stringify(validCsaf.errors));
  assert.deepEqual(csafVexProblems(doc), []);
  assert.equal(toCsafVex(statements, options), text, 'the same statements give the same bytes');
  assert.match(doc.document.tracking.id, /^sgci-vex-abc-[0-9a-f]{16}$/);
  const key = (s: VexStatement) =>
    [
      s.vulnerability.id,
      s.status,
      s.products.join(),
      s.subcomponents.join(),
      s.justification,
      s.impactStatement,
      s.actionStatement,
    ].join('|');
  assert.deepEqual(parseVex(text, 'csaf.json').map(key).sort(), statements.map(key).sort());
  const ghsa = doc.vulnerabilities.find(
    (v: { ids?: { text: string }[] }) => v.ids?.[0]?.text === 'GHSA-hrpp-h998-j3pp',
  );
  assert.deepEqual(ghsa.ids, [{ system_name: 'GitHub Security Advisory', text: 'GHSA-hrpp-h998-j3pp' }]);
  assert.equal(ghsa.cve, undefined);
});

test('CSAF gives a product one status per vulnerability: the newest decision, as applying them does', () => {
  const older = statement({ status: 'not_affected', justification: 'component_not_present' });
  const newer = statement({
    status: 'affected',
    actionStatement: 'wait for 3.0.13',
    timestamp: '2026-12-02T09:00:00.000Z',
    document: 'catalogue VEX decision 2',
  });
  const doc = JSON.parse(toCsafVex([older, newer], options));
  assert.deepEqual(csafVexProblems(doc), []);
  assert.deepEqual(doc.vulnerabilities[0].product_status, { known_affected: ['CSAFPID-1'] });
  assert.deepEqual(
    doc.vulnerabilities[0].notes.map((n: { text: string }) => n.text),
    ['catalogue VEX decision 2 at 2026-12-02T09:00:00.000Z'],
  );
});

const decision = (over: Partial<VexDecision> = {}): VexDecision => ({
  id: '7',
  vulnerability: 'CVE-2022-24999',
  scope: { kind: 'image', image: 'node-base' },
  status: 'not_affected',
  justification: 'vulnerable_code_not_in_execute_path',
  author: { id: 'alice', name: 'Alice' },
  createdAt: '2026-12-01T09:00:00.000Z',
  expiresAt: '2027-03-01T09:00:00.000Z',
  state: 'in-force',
  ...over,
});
const base = {
  submission: 's',
  image: 'node-base',
  digest: 'sha256:b',
  purls: ['pkg:npm/qs@6.7.0', 'pkg:npm/lodash@4.17.20'],
};

test('a decision becomes a statement: in force, expired (re-opened, saying so), withdrawn (nothing), inherited (base packages)', () => {
  assert.deepEqual(decisionStatement(decision(), image), {
    id: 'vex-decision-7',
    vulnerability: { id: 'CVE-2022-24999', aliases: [] },
    products: [image],
    subcomponents: [],
    author: 'Alice',
    timestamp: '2026-12-01T09:00:00.000Z',
    format: 'store',
    status: 'not_affected',
    justification: 'vulnerable_code_not_in_execute_path',
    document: 'catalogue VEX decision 7',
  });
  const expired = decisionStatement(decision({ state: 'expired' }), image);
  assert.equal(expired?.status, 'under_investigation');
  assert.equal(expired?.justification, undefined);
  assert.equal(expired?.document, 'catalogue VEX decision 7 expired on 2027-03-01T09:00:00.000Z, finding re-opened');
  assert.equal(decisionStatement(decision({ state: 'withdrawn' }), image), undefined);
  const inherited = decisionStatement(decision(), image, base);
  assert.deepEqual(inherited?.subcomponents, base.purls);
  assert.equal(inherited?.document, 'catalogue VEX decision 7, inherited from node-base@sha256:b');
  const narrowed = decisionStatement(
    decision({ scope: { kind: 'image', image: 'node-base', purl: 'pkg:npm/qs' } }),
    image,
    base,
  );
  assert.deepEqual(narrowed?.subcomponents, ['pkg:npm/qs@6.7.0']);
  assert.equal(
    decisionStatement(decision({ scope: { kind: 'image', image: 'node-base', purl: 'pkg:npm/express' } }), image, base),
    undefined,
    'a package the base does not bring',
  );
});

test('statements come oldest decision first, a draft last', () => {
  const statements = versionStatements(
    { repository: 'registry.example/team/app', digest: `sha256:${'a'.repeat(64)}` },
    [decision({ id: 'draft' }), decision({ id: '12' }), decision({ id: '3' })],
    [{ base, decisions: [decision({ id: '5' })] }],
  );
  assert.deepEqual(
    statements.map((s) => s.id),
    ['vex-decision-3', 'vex-decision-5', 'vex-decision-12', 'vex-decision-draft'],
  );
});

test('near misses name the qualifier, the version or the source package that keeps a decision from matching', () => {
  const finding = (purl: string, sourceName?: string) => ({
    package: {
      id: 'p',
      name: 'libssl3',
      version: '3.0.11-1',
      purl,
      ecosystem: 'deb' as const,
      ...(sourceName ? { sourceName } : {}),
    },
  });
  const found = 'pkg:deb/debian/libssl3@3.0.11-1?arch=amd64&distro=debian-12';
  assert.equal(nearMissReason('pkg:deb/debian/libssl3@3.0.11-1', finding(found)), undefined, 'it matches');
  assert.equal(
    nearMissReason('pkg:deb/debian/libssl3@3.0.11-1?distro=debian-11', finding(found)),
    'the finding has qualifier distro=debian-12, not debian-11',
  );
  assert.equal(
    nearMissReason('pkg:deb/debian/libssl3@3.0.11-2?os=linux', finding(found)),
    'the finding has version 3.0.11-1, not 3.0.11-2, no qualifier os',
  );
  assert.equal(
    nearMissReason('pkg:deb/debian/openssl@3.0.11-1', finding(found, 'openssl')),
    'openssl is the source package; the finding names its binary package libssl3',
  );
  assert.equal(nearMissReason('pkg:npm/libssl3@3.0.11-1', finding(found)), undefined, 'another ecosystem');
});

test('a draft follows OpenVEX: not_affected needs a justification or impact, affected an action; each in its place', () => {
  const draft = {
    vulnerability: 'CVE-2023-0286',
    scope: { kind: 'purl', purl: 'pkg:deb/debian/libssl3@3.0.11-1' },
    expires: '2027-01-01T00:00:00Z',
  };
  const problems = (body: object) =>
    DecisionDraft.safeParse({ ...draft, ...body }).error?.issues.map((i) => `${i.path.join('/')}: ${i.message}`) ?? [];
  assert.deepEqual(problems({ status: 'not_affected', impactStatement: 'not reachable' }), []);
  assert.deepEqual(problems({ status: 'not_affected' }), [
    'justification: not_affected needs a justification or an impact statement (OpenVEX)',
  ]);
  assert.deepEqual(
    problems({ status: 'not_affected', justification: 'because' }).length,
    1,
    'only OpenVEX justifications',
  );
  assert.deepEqual(problems({ status: 'affected' }), ['actionStatement: affected needs an action statement (OpenVEX)']);
  assert.deepEqual(problems({ status: 'fixed', justification: 'component_not_present' }), [
    'justification: a justification belongs to not_affected only',
  ]);
  assert.deepEqual(problems({ status: 'fixed', scope: { kind: 'purl', purl: 'openssl' } }), [
    'scope/purl: expected a package URL such as pkg:deb/debian/openssl@3.0.11-1',
  ]);
  assert.deepEqual(problems({ status: 'fixed', scope: { kind: 'image', image: 'Not A Name' } }).length, 1);
  assert.deepEqual(problems({ status: 'fixed', expires: undefined }).length, 1, 'every decision expires');
});
