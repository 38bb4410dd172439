import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { type Digest, digestOf, isSgciError, toolVersion } from '../../core/index.ts';
import { generateP256, LocalSigner, loadSigner, writeKeyPair } from '../keys/index.ts';
import { envelopeBytes, pae, parseEnvelope } from '../sign/dsse.ts';
import { parseStatement } from '../sign/statement.ts';
import type { AttestationCheck } from '../verify/verify-image.ts';
import { SgciVerdict, sgciVerdictField, VerificationSummaryPredicate } from './schema.ts';
import { issueVerificationSummary, type VerificationSummaryInput, verificationSummary } from './summary.ts';
import { judgeVerificationSummary } from './validity.ts';

const run = promisify(execFile);
const dir = await mkdtemp(join(tmpdir(), 'sgci-vsa-'));
after(() => rm(dir, { recursive: true, force: true }));

const imageDigest = `sha256:${'ab'.repeat(32)}` as Digest;
const input: VerificationSummaryInput = {
  image: { registry: 'registry.example.de', repository: 'team/app', digest: imageDigest },
  verifierId: 'https://katalog.example.de',
  timeVerified: new Date('2026-01-10T08:00:00Z'),
  policy: { uri: 'https://katalog.example.de/policy/3', digest: digestOf('policy'), version: '3' },
  inputAttestations: [
    { uri: 'https://katalog.example.de/v/sbom', digest: digestOf('sbom') },
    { uri: 'https://katalog.example.de/v/openvex', digest: digestOf('vex') },
  ],
  verificationResult: 'PASSED',
  checks: [
    { id: 'SGCI-SEC-001', level: 'MUST', result: 'pass' },
    { id: 'SGCI-BASE-001', level: 'SHOULD', result: 'not-applicable' },
  ],
  validUntil: new Date('2026-04-10T08:00:00Z'),
};

describe('verificationSummary: the statement of a catalogue verdict', () => {
  test('is an in-toto Statement v1 with a VSA v1 predicate the spec schema accepts, byte for byte as expected', () => {
    const statement = verificationSummary(input);
    assert.equal(statement._type, 'https://in-toto.io/Statement/v1');
    assert.equal(statement.predicateType, 'https://slsa.dev/verification_summary/v1');
    assert.deepEqual(statement.subject, [
      { name: 'registry.example.de/team/app', digest: { sha256: 'ab'.repeat(32) } },
    ]);
    const predicate = VerificationSummaryPredicate.parse(statement.predicate);
    assert.equal(SgciVerdict.safeParse(predicate[sgciVerdictField]).success, true);
    const hex = (s: string) => digestOf(s).slice('sha256:'.length);
    assert.equal(
      JSON.stringify(statement.predicate),
      JSON.stringify({
        verifier: { id: 'https://katalog.example.de', version: { sgci: toolVersion } },
        timeVerified: '2026-01-10T08:00:00.000Z',
        resourceUri: `registry.example.de/team/app@${imageDigest}`,
        policy: { uri: 'https://katalog.example.de/policy/3', digest: { sha256: hex('policy') } },
        inputAttestations: [
          { uri: 'https://katalog.example.de/v/openvex', digest: { sha256: hex('vex') } },
          { uri: 'https://katalog.example.de/v/sbom', digest: { sha256: hex('sbom') } },
        ],
        verificationResult: 'PASSED',
        verifiedLevels: ['SGCI_HARDENED_PASSED'],
        slsaVersion: '1.1',
        'https://opencode.de/sgci/vsa/v1': {
          validFrom: '2026-01-10T08:00:00.000Z',
          validUntil: '2026-04-10T08:00:00.000Z',
          policyVersion: '3',
          checks: [
            { id: 'SGCI-BASE-001', level: 'SHOULD', result: 'not-applicable' },
            { id: 'SGCI-SEC-001', level: 'MUST', result: 'pass' },
          ],
        },
      }),
    );
  });

  test('the same verdict in another input order gives the same bytes', () => {
    const shuffled = {
      ...input,
      inputAttestations: [...input.inputAttestations].reverse(),
      checks: [...input.checks].reverse(),
      dependencyLevels: { SLSA_BUILD_LEVEL_1: 2, FAILED: 0 },
    };
    const again = { ...shuffled, dependencyLevels: { FAILED: 0, SLSA_BUILD_LEVEL_1: 2 } };
    assert.equal(JSON.stringify(verificationSummary(shuffled)), JSON.stringify(verificationSummary(again)));
  });

  test('verifiedLevels: FAILED alone for a failed verdict; sgci level from the checks; SLSA only when verified', () => {
    const levels = (over: Partial<VerificationSummaryInput>) =>
      VerificationSummaryPredicate.parse(verificationSummary({ ...input, ...over }).predicate).verifiedLevels;
    const warnShould = [
      { id: 'SGCI-SEC-001', level: 'MUST', result: 'pass' },
      { id: 'SGCI-RUN-001', level: 'SHOULD', result: 'warn' },
    ] as const;
    const excepted = [{ id: 'SGCI-SEC-001', level: 'MUST', result: 'fail' }] as const;
    assert.deepEqual(levels({}), ['SGCI_HARDENED_PASSED']);
    assert.deepEqual(levels({ checks: warnShould }), ['SGCI_BASELINE_PASSED']);
    assert.deepEqual(levels({ checks: excepted }), []);
    assert.deepEqual(levels({ slsaBuildLevel: 2, checks: warnShould }), ['SGCI_BASELINE_PASSED', 'SLSA_BUILD_LEVEL_2']);
    assert.deepEqual(levels({ verificationResult: 'FAILED', slsaBuildLevel: 3 }), ['FAILED']);
  });

  test('an input that cannot make a valid verdict is refused with one line naming the image', () => {
    const refused = (over: Partial<VerificationSummaryInput>, message: RegExp) =>
      assert.throws(
        () => verificationSummary({ ...input, ...over }),
        (e) =>
          isSgciError(e, 'USAGE') && message.test(e.message) && e.message.startsWith('registry.example.de/team/app'),
      );
    refused({ checks: [] }, /needs the checks it rests on/);
    refused(
      { checks: [...input.checks, { id: 'SGCI-SEC-001', level: 'MUST', result: 'fail' }] },
      /SGCI-SEC-001 is listed twice/,
    );
    refused({ validUntil: input.timeVerified }, /validFrom must be before validUntil/);
    refused({ verifierId: 'katalog' }, /verifier\.id: must be an absolute URI/);
    refused({ timeVerified: new Date('no') }, /timeVerified is not a valid time/);
  });

  test('the schema holds producers to the spec: one level per SLSA track, PASSED|FAILED, a policy URI', () => {
    const predicate = verificationSummary(input).predicate as Record<string, unknown>;
    const invalid = (over: Record<string, unknown>) =>
      assert.equal(VerificationSummaryPredicate.safeParse({ ...predicate, ...over }).success, false);
    invalid({ verifiedLevels: ['SLSA_BUILD_LEVEL_2', 'SLSA_BUILD_LEVEL_3'] });
    invalid({ verificationResult: 'OK' });
    invalid({ policy: { digest: { sha256: 'ab' } } });
    invalid({ resourceUri: undefined });
    invalid({ timeVerified: '2026-01-10 08:00' });
    invalid({ inputAttestations: [{ uri: 'https://x' }] });
    // Unknown fields are ignored, as consumers must.
    assert.equal(VerificationSummaryPredicate.safeParse({ ...predicate, 'https://x.example/ext': 1 }).success, true);
  });
});

describe('judgeVerificationSummary: a consumer judging a verified VSA', () => {
  const checkOf = (statement: ReturnType<typeof verificationSummary>): AttestationCheck => ({
    source: 'tag',
    digest: digestOf('layer'),
    predicateType: statement.predicateType,
    verified: true,
    key: 'catalogue.pub',
    statement,
  });
  const image = 'registry.example.de/team/app:1';
  const valid = checkOf(verificationSummary(input));

  test('within its validity period it stays verified', () => {
    assert.equal(judgeVerificationSummary(valid, image, new Date('2026-02-01T00:00:00Z')), valid);
  });

  test('at or after validUntil it is expired: one line naming the image and validUntil, no statement', () => {
    const judged = judgeVerificationSummary(valid, image, new Date('2026-04-10T08:00:00Z'));
    assert.equal(judged.verified, false);
    assert.equal(judged.statement, undefined);
    assert.equal(
      judged.reason,
      'verification summary for registry.example.de/team/app:1 expired: validUntil 2026-04-10T08:00:00.000Z has passed (now 2026-04-10T08:00:00.000Z)',
    );
  });

  test('before validFrom, a FAILED verdict, or a broken predicate do not verify', () => {
    const early = judgeVerificationSummary(valid, image, new Date('2026-01-01T00:00:00Z'));
    assert.match(early.reason ?? '', /is not valid before 2026-01-10T08:00:00.000Z/);
    const failed = checkOf(verificationSummary({ ...input, verificationResult: 'FAILED' }));
    assert.match(judgeVerificationSummary(failed, image, new Date('2026-02-01')).reason ?? '', /says FAILED$/);
    const broken = checkOf({ ...valid.statement!, predicate: { verifier: {} } });
    assert.match(
      judgeVerificationSummary(broken, image, new Date('2026-02-01')).reason ?? '',
      /is not a SLSA VSA v1: verifier\.id/,
    );
  });

  test("another verifier's VSA without sgci's fields, and other attestations, are left as they are", () => {
    const { [sgciVerdictField]: _, ...foreign } = valid.statement!.predicate as Record<string, unknown>;
    const other = checkOf({ ...valid.statement!, predicate: foreign });
    assert.equal(judgeVerificationSummary(other, image, new Date('2100-01-01')), other);
    const sbom = {
      ...valid,
      predicateType: 'https://cyclonedx.org/bom',
      statement: { ...valid.statement!, predicateType: 'https://cyclonedx.org/bom' },
    };
    assert.equal(judgeVerificationSummary(sbom, image, new Date('2100-01-01')), sbom);
  });
});

describe('the served envelope verifies with openssl over the DSSE PAE', () => {
  /** Verifies the envelope's signature over PAE(type, body) with `openssl dgst`; true on "Verified OK". */
  async function opensslVerifies(bytes: Uint8Array, publicKeyPem: string, name: string): Promise<boolean> {
    const envelope = parseEnvelope(bytes, name);
    const body = Buffer.from(envelope.payload, 'base64');
    const paePath = join(dir, `${name}.pae`);
    const sigPath = join(dir, `${name}.sig`);
    const pubPath = join(dir, `${name}.pub.pem`);
    await writeFile(paePath, pae(envelope.payloadType, body));
    await writeFile(sigPath, Buffer.from(envelope.signatures[0]!.sig, 'base64'));
    await writeFile(pubPath, publicKeyPem);
    try {
      const { stdout } = await run('openssl', ['dgst', '-sha256', '-verify', pubPath, '-signature', sigPath, paePath]);
      return stdout.trim() === 'Verified OK';
    } catch {
      return false;
    }
  }

  /** The public key as openssl itself derives it from the private key file, not as sgci writes it. */
  async function opensslPublicKey(privateKeyPath: string, passphrase?: string): Promise<string> {
    const pass = passphrase ? ['-passin', `pass:${passphrase}`] : [];
    return (await run('openssl', ['pkey', '-in', privateKeyPath, ...pass, '-pubout'])).stdout;
  }

  test('P-256 keys in every format sgci loads: PKCS#8, SEC1, encrypted PKCS#8, cosign', async () => {
    const pkcs8 = join(dir, 'pkcs8.pem');
    await run('openssl', ['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', pkcs8]);
    const sec1 = join(dir, 'sec1.pem');
    await run('openssl', ['ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', sec1]);
    const encrypted = join(dir, 'encrypted.pem');
    await run('openssl', [
      'pkcs8',
      '-topk8',
      '-in',
      sec1,
      '-v2',
      'aes-256-cbc',
      '-passout',
      'pass:pw',
      '-out',
      encrypted,
    ]);
    const keys = [
      { name: 'pkcs8', path: pkcs8, pub: await opensslPublicKey(pkcs8) },
      { name: 'sec1', path: sec1, pub: await opensslPublicKey(sec1) },
      { name: 'encrypted-pkcs8', path: encrypted, pub: await opensslPublicKey(encrypted, 'pw') },
    ];
    const { privateKey, publicKey } = generateP256();
    const cosign = await writeKeyPair(join(dir, 'cosign'), privateKey, publicKey, 'pw');
    keys.push({ name: 'cosign', path: cosign.privateKeyPath, pub: await readFile(cosign.publicKeyPath, 'utf8') });

    for (const key of keys) {
      const signer = await loadSigner(key.path, async () => 'pw');
      const issued = await issueVerificationSummary(signer, input);
      assert.deepEqual(issued.bytes, envelopeBytes(issued.envelope));
      assert.deepEqual(parseStatement(Buffer.from(issued.envelope.payload, 'base64'), key.name), issued.statement);
      assert.equal(await opensslVerifies(issued.bytes, key.pub, key.name), true, key.name);
    }
  });

  test('openssl rejects it under another key and with a changed payload type', async () => {
    const { privateKey, publicKey } = generateP256();
    const issued = await issueVerificationSummary(new LocalSigner(privateKey, publicKey, 'k'), input);
    const pem = (k: typeof publicKey) => k.export({ type: 'spki', format: 'pem' }).toString();
    assert.equal(await opensslVerifies(issued.bytes, pem(publicKey), 'own'), true);
    assert.equal(await opensslVerifies(issued.bytes, pem(generateP256().publicKey), 'other'), false);
    const retyped = envelopeBytes({ ...issued.envelope, payloadType: 'application/json' });
    assert.equal(await opensslVerifies(retyped, pem(publicKey), 'retyped'), false);
  });

  test('the bytes survive a database that reorders keys; keys other than P-256 cannot sign', async () => {
    const { privateKey, publicKey } = generateP256();
    const issued = await issueVerificationSummary(new LocalSigner(privateKey, publicKey, 'k'), input);
    const [signature] = issued.envelope.signatures;
    const reordered = {
      signatures: [{ sig: signature!.sig, keyid: signature!.keyid }],
      payload: issued.envelope.payload,
      payloadType: issued.envelope.payloadType,
    };
    assert.deepEqual(envelopeBytes(reordered), issued.bytes);
    const p384 = join(dir, 'p384.pem');
    await run('openssl', ['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-384', '-out', p384]);
    await assert.rejects(
      loadSigner(p384, async () => ''),
      (e) => isSgciError(e, 'KEY_INVALID') && /P-256/.test(e.message),
    );
  });
});
