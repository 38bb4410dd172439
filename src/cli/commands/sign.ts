import { type Command, Option } from 'commander';
import {
  loadSigner,
  planSignature,
  pushPlan,
  type RegistryAccess,
  readPassword,
  resolveImage,
} from '../../attest/index.ts';
import { createLogger, SgciError } from '../../core/index.ts';
import { parseImageReference, type RegistryReference } from '../../oci/reference/index.ts';
import type { RegistryClient } from '../../oci/registry/index.ts';
import { type ImageCliOptions, limitsFromCli, readPasswordFromStdin } from '../image-options.ts';
import { writeOut } from '../output.ts';

function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

/** Registry flags of the signing commands (a subset of addImageOptions: no platform, no layer limits). */
export function addRegistryOptions(cmd: Command): Command {
  return cmd
    .option('--insecure-registry <host>', 'allow plain HTTP to this registry host[:port] (repeatable)', collect, [])
    .option('--username <name>', 'registry user name (default: $SGCI_REGISTRY_USERNAME, then ~/.docker/config.json)')
    .option('--password-stdin', 'read the registry password from stdin (default: $SGCI_REGISTRY_PASSWORD)')
    .option('--timeout <seconds>', 'bound on one registry request (default 120)')
    .addOption(new Option('-o, --output <format>', 'output format').choices(['text', 'json']).default('text'));
}

/** Signatures live in registries: the image must be a registry reference. */
export function registryReferenceOf(input: string): RegistryReference {
  const parsed = parseImageReference(input);
  if (parsed.kind !== 'registry') {
    throw new SgciError(
      'USAGE',
      input,
      'signatures are stored in a registry: give a registry reference, not a local image',
    );
  }
  return parsed.ref;
}

/** A registry client with the credentials of the flags, env and docker config; close it when done. */
export async function registryFromCli(opts: ImageCliOptions): Promise<RegistryClient & RegistryAccess> {
  let username = opts.username;
  let password: string | undefined;
  if (opts.passwordStdin) {
    username ??= process.env.SGCI_REGISTRY_USERNAME;
    if (!username) throw new SgciError('USAGE', '--password-stdin', 'needs --username (or SGCI_REGISTRY_USERNAME)');
    password = await readPasswordFromStdin();
  } else if (username !== undefined) {
    password = process.env.SGCI_REGISTRY_PASSWORD;
    if (password === undefined)
      throw new SgciError('USAGE', '--username', 'needs --password-stdin (or SGCI_REGISTRY_PASSWORD)');
  }
  // Loaded here, not at import: the registry client pulls in undici (~0.1 s), and `check` and `scan`
  // import this module but only reach the registry for registry references.
  const { defaultCredentials, RegistryClient } = await import('../../oci/registry/index.ts');
  const logger = createLogger();
  return new RegistryClient({
    limits: limitsFromCli(opts),
    logger,
    insecureRegistries: opts.insecureRegistry ?? [],
    credentials: defaultCredentials({
      logger,
      ...(username !== undefined ? { username } : {}),
      ...(password !== undefined ? { password } : {}),
    }),
  });
}

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
