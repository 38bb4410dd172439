import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import {
  type AttestationCheck,
  acceptedPredicateTypes,
  type ImageVerification,
  judgeVerificationSummary,
  keysForRepository,
  loadPublicKey,
  resolveImage,
  type SignatureCheck,
  type TrustedKey,
  trustedKeyRulesFromPolicy,
  type VerifyOptions as VerifyOptionsLib,
  verifyImage,
} from '../../attest/index.ts';
import { describe, SgciError, safeText } from '../../core/index.ts';
import type { RegistryReference } from '../../oci/reference/index.ts';
import { loadPolicy } from '../../policy/index.ts';
import { exitCodes } from '../exit-codes.ts';
import { collect } from '../flags.ts';
import type { ImageCliOptions } from '../options.ts';
import { addRegistryOptions, registryFromCli, registryReferenceOf } from '../options.ts';
import { writeOut } from '../output.ts';
import { evaluationTime } from '../scan-options.ts';

interface VerifyOptions extends ImageCliOptions {
  key: string[];
  policy?: string;
  trustedRoot?: string;
  certificateIdentity?: string;
  certificateOidcIssuer?: string;
  type?: string;
  now?: string;
  output: 'text' | 'json';
}

/** The keys of `--key`, plus those the `--policy` file trusts for this repository. */
async function trustedKeys(opts: VerifyOptions, ref: RegistryReference): Promise<TrustedKey[]> {
  if (opts.key.length === 0 && opts.policy === undefined && opts.trustedRoot === undefined) {
    throw new SgciError('USAGE', '--key', 'give a public key with --key or a policy with trustedKeys with --policy');
  }
  const keys: TrustedKey[] = [];
  for (const path of opts.key) keys.push({ name: path, key: await loadPublicKey(path) });
  if (opts.policy !== undefined) {
    const policy = await loadPolicy(opts.policy);
    const rules = await trustedKeyRulesFromPolicy(policy.trustedKeys, policy.directory);
    keys.push(...keysForRepository(rules, `${ref.registry}/${ref.repository}`));
  }
  return keys;
}

/** Keyless verification needs all three: the operator's trusted root and the identity to require. */
async function keylessOptions(opts: VerifyOptions): Promise<VerifyOptionsLib['keyless']> {
  const given = [opts.trustedRoot, opts.certificateIdentity, opts.certificateOidcIssuer].filter((v) => v !== undefined);
  if (given.length === 0) return undefined;
  if (given.length !== 3) {
    throw new SgciError(
      'USAGE',
      '--trusted-root',
      'keyless verification needs --trusted-root, --certificate-identity and --certificate-oidc-issuer together',
    );
  }
  let trustedRoot: unknown;
  try {
    trustedRoot = JSON.parse(await readFile(opts.trustedRoot!, 'utf8'));
  } catch (error) {
    throw new SgciError('KEY_INVALID', opts.trustedRoot!, `cannot read trusted root: ${describe(error)}`, {
      cause: error,
    });
  }
  return {
    trustedRoot,
    identity: { subjectAlternativeName: opts.certificateIdentity!, issuer: opts.certificateOidcIssuer! },
  };
}

/** One line per failed candidate on stderr, so a CI log says why. */
function reportFailures(checks: readonly (SignatureCheck | AttestationCheck)[]): void {
  for (const check of checks) {
    if (!check.verified)
      process.stderr.write(`sgci: ${safeText(`${check.source} ${check.digest}: ${check.reason}`)}\n`);
  }
}

async function finish(
  verification: ImageVerification,
  checks: readonly (SignatureCheck | AttestationCheck)[],
  what: string,
  output: 'text' | 'json',
): Promise<void> {
  const verified = checks.filter((c) => c.verified);
  if (output === 'json')
    await writeOut(`${JSON.stringify({ ...verification, verified: verified.length > 0 }, null, 2)}\n`);
  reportFailures(checks);
  if (verified.length === 0) {
    const reason = checks.length === 0 ? `no ${what} found` : `none of the ${checks.length} ${what} verified`;
    process.stderr.write(`sgci: ${safeText(`${verification.image}: ${reason} for ${verification.digest}`)}\n`);
    process.exitCode = exitCodes.gateFailed;
    return;
  }
  if (output === 'text') {
    process.stderr.write(
      `Verification for ${verification.image} (${verification.digest}): ${verified.length} ${what} verified ` +
        `with the given key; the signed digest equals the image digest.\n`,
    );
    for (const check of verified) {
      const payload = 'statement' in check ? check.statement : (check as SignatureCheck).payload;
      await writeOut(`${JSON.stringify(payload)}\n`);
    }
  }
}

function addKeylessOptions(cmd: Command): void {
  cmd
    .option('--trusted-root <file>', "keyless: the operator's trusted_root.json (own Fulcio/Rekor/TSA); never fetched")
    .option('--certificate-identity <san>', 'keyless: the signer identity the certificate must carry')
    .option('--certificate-oidc-issuer <url>', 'keyless: the OIDC issuer the certificate must carry');
}

/** `sgci verify --key PUB IMAGE` and `sgci verify-attestation --key PUB --type T IMAGE`. */
export function registerVerify(program: Command): void {
  const verify = program
    .command('verify')
    .description('verify the cosign signatures of an image with a public key (exit 1 when none verifies)')
    .argument('<image>', 'registry reference (tag or digest)')
    .option('--key <path>', 'trusted public key (PEM); repeatable, any one may verify', collect, [])
    .option('--policy <file>', 'also trust the keys sgci-policy.yaml lists for this repository (trustedKeys)');
  addKeylessOptions(verify);
  addRegistryOptions(verify).action(async (image: string, opts: VerifyOptions) => {
    const ref = registryReferenceOf(image);
    const keys = await trustedKeys(opts, ref);
    await using registry = await registryFromCli(opts);
    const { digest } = await resolveImage(registry, ref);
    const keyless = await keylessOptions(opts);
    const verification = await verifyImage(registry, ref, digest, keys, {
      want: { signatures: true, attestations: false },
      ...(keyless ? { keyless } : {}),
    });
    await finish(verification, verification.signatures, 'signatures', opts.output);
  });

  const attestation = program
    .command('verify-attestation')
    .description('verify the in-toto attestations of an image with a public key (exit 1 when none verifies)')
    .argument('<image>', 'registry reference (tag or digest)')
    .option('--key <path>', 'trusted public key (PEM); repeatable', collect, [])
    .option('--policy <file>', 'also trust the keys sgci-policy.yaml lists for this repository (trustedKeys)')
    .option('--type <type>', 'predicate type to require (shorthand or URI); default: any')
    .option('--now <time>', 'judge the validity period of verification summaries (VSA) at this ISO time');
  addKeylessOptions(attestation);
  addRegistryOptions(attestation).action(async (image: string, opts: VerifyOptions) => {
    const ref = registryReferenceOf(image);
    const accepted = opts.type ? acceptedPredicateTypes(opts.type) : undefined;
    const now = evaluationTime(opts.now);
    const keys = await trustedKeys(opts, ref);
    await using registry = await registryFromCli(opts);
    const { digest } = await resolveImage(registry, ref);
    const keyless = await keylessOptions(opts);
    const verification = await verifyImage(registry, ref, digest, keys, {
      want: { signatures: false, attestations: true },
      ...(keyless ? { keyless } : {}),
    });
    // Filter on the verified type; an unverified attestation is kept (its annotation says what it claims to be).
    // A verification summary that says FAILED or has expired does not verify, whatever its signature.
    const checks = verification.attestations
      .filter((a) => !accepted || accepted.includes(a.predicateType))
      .map((a) => judgeVerificationSummary(a, verification.image, now));
    const filtered = { ...verification, attestations: checks };
    await finish(filtered, checks, accepted ? `${opts.type} attestations` : 'attestations', opts.output);
  });
}
