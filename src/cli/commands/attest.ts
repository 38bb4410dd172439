import type { Command } from 'commander';
import {
  loadSigner,
  planAttestation,
  pushPlan,
  readPassword,
  readPredicate,
  resolveImage,
  resolvePredicateType,
} from '../../attest/index.ts';
import type { ImageCliOptions } from '../options.ts';
import { addRegistryOptions, registryFromCli, registryReferenceOf } from '../options.ts';
import { writeOut } from '../output.ts';

interface AttestOptions extends ImageCliOptions {
  key: string;
  type: string;
  predicate: string;
  referrer?: boolean;
  output: 'text' | 'json';
}

/** `sgci attest --key K --type T --predicate F IMAGE`: in-toto statement in DSSE under `sha256-<hex>.att`. */
export function registerAttest(program: Command): void {
  const cmd = program
    .command('attest')
    .description('attach a signed in-toto attestation (SBOM, VEX, provenance …) to an image, as cosign does')
    .argument('<image>', 'registry reference (tag or digest)')
    .requiredOption('--key <path>', 'private key (cosign format, PKCS#8 or SEC1 PEM)')
    .requiredOption(
      '--type <type>',
      'predicate type: cyclonedx, spdx, openvex, slsaprovenance (v1), slsaprovenance02, vuln, custom or a URI',
    )
    .requiredOption('--predicate <file>', 'the predicate as a JSON file (e.g. the SBOM)')
    .option('--referrer', 'also attach a Sigstore bundle as an OCI 1.1 referrer');
  addRegistryOptions(cmd).action(async (image: string, opts: AttestOptions) => {
    const ref = registryReferenceOf(image);
    const predicateType = resolvePredicateType(opts.type);
    const predicate = await readPredicate(opts.predicate, predicateType);
    const signer = await loadSigner(opts.key, () => readPassword('Enter password for private key: '));
    await using registry = await registryFromCli(opts);
    const resolved = await resolveImage(registry, ref);
    const plan = await planAttestation(registry, resolved, signer, predicateType, predicate, {
      referrer: opts.referrer ?? false,
    });
    const pushed = await pushPlan(registry, plan);
    if (opts.output === 'json') {
      await writeOut(`${JSON.stringify({ image, digest: resolved.digest, predicateType, pushed }, null, 2)}\n`);
    } else {
      for (const result of pushed) {
        await writeOut(`${result.changed ? 'Pushed' : 'Unchanged'} ${result.ref} (${result.digest})\n`);
      }
    }
  });
}
