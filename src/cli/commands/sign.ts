import type { Command } from 'commander';
import { loadSigner, planSignature, pushPlan, readPassword, resolveImage } from '../../attest/index.ts';
import { SgciError } from '../../core/index.ts';
import { collect } from '../flags.ts';
import { addRegistryOptions, type ImageCliOptions, registryFromCli, registryReferenceOf } from '../options.ts';
import { writeOut } from '../output.ts';

/** `key=value` annotations for the signed payload's `optional` section. */
export function parseAnnotations(values: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const value of values) {
    const equals = value.indexOf('=');
    if (equals <= 0) throw new SgciError('USAGE', value, '--annotation needs key=value');
    out[value.slice(0, equals)] = value.slice(equals + 1);
  }
  return out;
}

interface SignOptions extends ImageCliOptions {
  key: string;
  annotation: string[];
  referrer?: boolean;
  output: 'text' | 'json';
}

/** `sgci sign --key K IMAGE`: cosign-compatible signature under `sha256-<hex>.sig`. */
export function registerSign(program: Command): void {
  const cmd = program
    .command('sign')
    .description('sign an image in its registry, as cosign does (tag sha256-<digest>.sig)')
    .argument('<image>', 'registry reference (tag or digest); the digest it resolves to is signed')
    .requiredOption('--key <path>', 'private key (cosign format, PKCS#8 or SEC1 PEM)')
    .option('-a, --annotation <key=value>', 'extra signed annotation (repeatable)', collect, [])
    .option('--referrer', 'also attach a Sigstore bundle as an OCI 1.1 referrer');
  addRegistryOptions(cmd).action(async (image: string, opts: SignOptions) => {
    const ref = registryReferenceOf(image);
    const annotations = parseAnnotations(opts.annotation);
    const signer = await loadSigner(opts.key, () => readPassword('Enter password for private key: '));
    await using registry = await registryFromCli(opts);
    const resolved = await resolveImage(registry, ref);
    // Everything is built and checked before the first byte is pushed.
    const plan = await planSignature(registry, resolved, signer, { annotations, referrer: opts.referrer ?? false });
    const pushed = await pushPlan(registry, plan);
    if (opts.output === 'json') {
      await writeOut(`${JSON.stringify({ image, digest: resolved.digest, pushed }, null, 2)}\n`);
    } else {
      for (const result of pushed) {
        await writeOut(`${result.changed ? 'Pushed' : 'Unchanged'} ${result.ref} (${result.digest})\n`);
      }
    }
  });
}
