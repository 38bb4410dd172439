import { type Command, Option } from 'commander';
import type { RegistryAccess } from '../attest/index.ts';
import { BlobCache, defaultCacheMaxBytes, parseSize } from '../cache/index.ts';
import { createLogger, type Limits, SgciError, withLimits } from '../core/index.ts';
import type { Image } from '../oci/index.ts';
import { parseImageReference, type RegistryReference } from '../oci/reference/index.ts';
import type { RegistryClient, RegistryClientOptions } from '../oci/registry/index.ts';
import { collect } from './flags.ts';

/** The options every image-taking command (inspect, files, sbom, vulns, check, scan, sign …) accepts. */
export interface ImageCliOptions {
  platform?: string;
  insecureRegistry?: string[];
  username?: string;
  passwordStdin?: boolean;
  maxBlobSize?: string;
  maxLayerSize?: string;
  maxImageSize?: string;
  maxEntries?: string;
  maxFileSize?: string;
  timeout?: string;
  deadline?: string;
}

/** Adds --platform, registry access and the hostile-input limits to a command. */
export function addImageOptions(cmd: Command): Command {
  return cmd
    .option('--platform <os/arch[/variant]>', 'platform to pick from a multi-platform image (default: linux/amd64)')
    .option('--insecure-registry <host>', 'allow plain HTTP to this registry host[:port] (repeatable)', collect, [])
    .option('--username <name>', 'registry user name (default: $SGCI_REGISTRY_USERNAME, then ~/.docker/config.json)')
    .option('--password-stdin', 'read the registry password from stdin (default: $SGCI_REGISTRY_PASSWORD)')
    .option('--max-blob-size <size>', 'largest compressed layer blob to read (default 8GiB)')
    .option('--max-layer-size <size>', 'largest uncompressed layer (default 16GiB)')
    .option('--max-image-size <size>', 'largest uncompressed image, all layers (default 32GiB)')
    .option('--max-entries <count>', 'most tar entries over all layers (default 2000000)')
    .option('--max-file-size <size>', 'largest single file whose content is read (default 64MiB)')
    .option('--timeout <seconds>', 'bound on one registry request (default 120)')
    .option('--deadline <seconds>', 'bound on reading one whole image, layers included (default 3600)');
}

/** The limits the flags ask for, on top of the defaults. */
export function limitsFromCli(opts: ImageCliOptions): Limits {
  const overrides: { -readonly [K in keyof Limits]?: Limits[K] } = {};
  if (opts.maxBlobSize !== undefined) overrides.maxBlobBytes = parseSize(opts.maxBlobSize, '--max-blob-size');
  if (opts.maxLayerSize !== undefined) overrides.maxLayerBytes = parseSize(opts.maxLayerSize, '--max-layer-size');
  if (opts.maxImageSize !== undefined) overrides.maxImageBytes = parseSize(opts.maxImageSize, '--max-image-size');
  if (opts.maxFileSize !== undefined) overrides.maxCapturedFileBytes = parseSize(opts.maxFileSize, '--max-file-size');
  if (opts.maxEntries !== undefined) {
    if (!/^[1-9][0-9]*$/.test(opts.maxEntries))
      throw new SgciError('USAGE', '--max-entries', 'must be a positive integer');
    overrides.maxEntries = Number(opts.maxEntries);
  }
  if (opts.timeout !== undefined) {
    const seconds = Number(opts.timeout);
    if (!Number.isFinite(seconds) || seconds <= 0)
      throw new SgciError('USAGE', '--timeout', 'must be a positive number of seconds');
    overrides.requestTimeoutMs = Math.round(seconds * 1000);
  }
  if (opts.deadline !== undefined) {
    const seconds = Number(opts.deadline);
    if (!Number.isFinite(seconds) || seconds <= 0)
      throw new SgciError('USAGE', '--deadline', 'must be a positive number of seconds');
    overrides.imageDeadlineMs = Math.round(seconds * 1000);
  }
  return withLimits(overrides);
}

/** Reads the password piped to stdin (`echo "$PW" | sgci … --password-stdin`), bounded, without the final newline. */
export async function readPasswordFromStdin(stdin: NodeJS.ReadableStream = process.stdin): Promise<string> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of stdin as AsyncIterable<Buffer | string>) {
    const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    total += buffer.length;
    if (total > 64 * 1024) throw new SgciError('USAGE', '--password-stdin', 'more than 64 KiB on stdin');
    chunks.push(buffer);
  }
  const password = Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
  if (password === '') throw new SgciError('USAGE', '--password-stdin', 'stdin was empty');
  return password;
}

/**
 * The registry login of the flags: `--username` with `--password-stdin` or SGCI_REGISTRY_PASSWORD. Neither given:
 * none here, and the docker config's credentials apply.
 */
async function credentialsFromCli(opts: ImageCliOptions): Promise<{ username?: string; password?: string }> {
  if (opts.passwordStdin) {
    const username = opts.username ?? process.env.SGCI_REGISTRY_USERNAME;
    if (!username) throw new SgciError('USAGE', '--password-stdin', 'needs --username (or SGCI_REGISTRY_USERNAME)');
    return { username, password: await readPasswordFromStdin() };
  }
  if (opts.username === undefined) return {};
  const password = process.env.SGCI_REGISTRY_PASSWORD;
  if (password === undefined)
    throw new SgciError('USAGE', '--username', 'needs --password-stdin (or SGCI_REGISTRY_PASSWORD)');
  return { username: opts.username, password };
}

/** Opens the image a command was given, with the flags of addImageOptions. */
export async function openImageFromCli(input: string, opts: Record<string, unknown>): Promise<Image> {
  const options = opts as ImageCliOptions;
  const limits = limitsFromCli(options);
  const logger = createLogger();
  const { username, password } = await credentialsFromCli(options);
  // the image readers (and zod, for their manifests) load when an image is opened, not with the flags: a
  // command's --help and the commands that take no image stay light
  const { openImage } = await import('../oci/source/index.ts');
  return openImage(input, {
    limits,
    logger,
    insecureRegistries: options.insecureRegistry ?? [],
    cache: new BlobCache({ maxBytes: defaultCacheMaxBytes(), logger }),
    ...(options.platform !== undefined ? { platform: options.platform } : {}),
    ...(username !== undefined ? { username } : {}),
    ...(password !== undefined ? { password } : {}),
  });
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

/** The registry client options of the flags: credentials of the flags, env and docker config, limits, insecure hosts. */
export async function registryOptionsFromCli(opts: ImageCliOptions): Promise<RegistryClientOptions> {
  const { username, password } = await credentialsFromCli(opts);
  // Loaded here, not at import: the registry client pulls in undici (~0.1 s), and `check` and `scan`
  // import this module but only reach the registry for registry references.
  const { defaultCredentials } = await import('../oci/registry/index.ts');
  const logger = createLogger();
  return {
    limits: limitsFromCli(opts),
    logger,
    insecureRegistries: opts.insecureRegistry ?? [],
    credentials: defaultCredentials({
      logger,
      ...(username !== undefined ? { username } : {}),
      ...(password !== undefined ? { password } : {}),
    }),
  };
}

/** A registry client with the credentials of the flags, env and docker config; close it when done. */
export async function registryFromCli(opts: ImageCliOptions): Promise<RegistryClient & RegistryAccess> {
  const { RegistryClient } = await import('../oci/registry/index.ts');
  return new RegistryClient(await registryOptionsFromCli(opts));
}
