import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { describe, SgciError } from '../core/index.ts';

/** A registry host as the operator writes it: `HOST` or `HOST:PORT`, IPv6 in brackets. */
const RegistryHost = z.string().regex(/^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+)(:\d{1,5})?$/, 'expected HOST or HOST:PORT');

/**
 * `sgci serve` / `sgci worker` configuration as one YAML file (`--config`), the environment (`SGCI_*`) and flags,
 * in rising precedence. Published as schema/server-config-<version>.json.
 */
export const ServerConfigFile = z
  .object({
    listen: z
      .string()
      .regex(/^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+):\d{1,5}$/, 'expected HOST:PORT')
      .default('127.0.0.1:8080')
      .describe('Address to listen on, HOST:PORT.'),
    publicUrl: z
      .url({ protocol: /^https?$/ })
      .optional()
      .describe('The URL users reach the catalogue at; https makes cookies Secure and sends HSTS.'),
    policy: z.string().optional().describe("The catalogue's admission policy (sgci-policy.yaml); default built in."),
    signingKey: z.string().optional().describe('The catalogue key that signs verdicts; password in SGCI_PASSWORD.'),
    allowRegistry: z
      .array(RegistryHost)
      .default([])
      .describe('Registries allowed even on loopback, private or link-local addresses.'),
    insecureRegistry: z
      .array(RegistryHost)
      .default([])
      .describe('Registries reached over plain HTTP or unverified TLS.'),
    workers: z
      .number()
      .int()
      .min(0)
      .max(64)
      .default(1)
      .describe('Jobs `sgci serve` runs at once in process (0: none).'),
    maxBodyBytes: z
      .number()
      .int()
      .min(1024)
      .max(64 * 1024 * 1024)
      .default(4 * 1024 * 1024)
      .describe('Largest request body accepted.'),
  })
  .strict();

export type ServerConfigInput = z.input<typeof ServerConfigFile>;

export interface ServerConfig extends z.output<typeof ServerConfigFile> {
  readonly host: string;
  readonly port: number;
  /** Served to users over TLS (publicUrl is https): Secure cookies and HSTS. */
  readonly tls: boolean;
}

/** Environment variables that set a configuration key (lists comma-separated). */
const envKeys = {
  SGCI_LISTEN: 'listen',
  SGCI_PUBLIC_URL: 'publicUrl',
  SGCI_POLICY: 'policy',
  SGCI_SIGNING_KEY: 'signingKey',
  SGCI_ALLOW_REGISTRY: 'allowRegistry',
  SGCI_INSECURE_REGISTRY: 'insecureRegistry',
  SGCI_WORKERS: 'workers',
} as const;

function fromEnv(env: NodeJS.ProcessEnv): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, key] of Object.entries(envKeys)) {
    const value = env[name];
    if (value === undefined || value === '') continue;
    if (key === 'allowRegistry' || key === 'insecureRegistry') out[key] = value.split(',').map((v) => v.trim());
    else if (key === 'workers') out[key] = Number(value);
    else out[key] = value;
  }
  return out;
}

function readFile(file: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new SgciError('CONFIG_INVALID', file, `cannot read: ${describe(error)}`, { cause: error });
  }
  let parsed: unknown;
  try {
    parsed = parseYaml(text, { maxAliasCount: 100 });
  } catch (error) {
    throw new SgciError('CONFIG_INVALID', file, `not YAML: ${describe(error)}`, { cause: error });
  }
  if (parsed === null || parsed === undefined) return {};
  if (typeof parsed !== 'object' || Array.isArray(parsed))
    throw new SgciError('CONFIG_INVALID', file, 'expected a mapping');
  return parsed as Record<string, unknown>;
}

/** Resolves file < env < flags into one validated configuration; the first invalid key is named. */
export function loadServerConfig(
  options: { file?: string; env?: NodeJS.ProcessEnv; flags?: ServerConfigInput } = {},
): ServerConfig {
  const source = options.file ?? 'configuration';
  const merged = {
    ...(options.file ? readFile(options.file) : {}),
    ...fromEnv(options.env ?? process.env),
    ...Object.fromEntries(Object.entries(options.flags ?? {}).filter(([, v]) => v !== undefined)),
  };
  const result = ServerConfigFile.safeParse(merged);
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new SgciError(
      'CONFIG_INVALID',
      source,
      `${issue?.path.join('.') || '(root)'}: ${issue?.message ?? 'invalid'}`,
    );
  }
  const config = result.data;
  const colon = config.listen.lastIndexOf(':');
  const host = config.listen.slice(0, colon).replace(/^\[(.*)\]$/, '$1');
  const port = Number(config.listen.slice(colon + 1));
  if (port > 65535) throw new SgciError('CONFIG_INVALID', source, `listen: port ${port} out of range`);
  return { ...config, host, port, tls: config.publicUrl?.startsWith('https:') === true };
}

/** The published JSON Schema of the configuration file. */
export function serverConfigJsonSchema(version: string): Record<string, unknown> {
  return {
    ...z.toJSONSchema(ServerConfigFile, { target: 'draft-2020-12', io: 'input' }),
    $id: `https://sgci.example/schema/server-config-${version}.json`,
    title: 'sgci serve configuration',
  };
}
