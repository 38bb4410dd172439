import { readFileSync } from 'node:fs';
import { inspect } from 'node:util';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { type CredentialsKey, loadCredentialsKey } from '../catalogue/index.ts';
import { describe, SgciError } from '../core/index.ts';

/** A registry host as the operator writes it: `HOST` or `HOST:PORT`, IPv6 in brackets. */
const RegistryHost = z.string().regex(/^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+)(:\d{1,5})?$/, 'expected HOST or HOST:PORT');

/** An IP address as a proxy's peer address reads: v4 dotted or v6. */
const IpAddress = z.union([z.ipv4(), z.ipv6()]);

/** Sign-in through an OpenID Connect issuer (authorization code + PKCE); the client secret comes from the environment. */
const OidcConfig = z
  .object({
    issuer: z.url({ protocol: /^https$/ }).describe('The issuer URL (https), as in its discovery document.'),
    clientId: z
      .string()
      .min(1)
      .describe('The client id registered at the issuer; the secret is SGCI_OIDC_CLIENT_SECRET.'),
    redirectUri: z
      .url({ protocol: /^https?$/ })
      .optional()
      .describe('The callback URL registered at the issuer; default <publicUrl>/auth/oidc/callback.'),
    scopes: z.array(z.string().regex(/^[\x21\x23-\x5b\x5d-\x7e]+$/)).default(['openid', 'profile', 'email']),
    caFile: z
      .string()
      .optional()
      .describe("PEM file of the CA that issued the issuer's TLS certificate, if not public."),
    loginClaim: z.string().default('preferred_username').describe('Claim that names a new user (else the subject).'),
    roleClaim: z
      .string()
      .optional()
      .describe('Claim (dotted path, string or list) whose values grant a global role, e.g. realm_access.roles.'),
    reviewerValues: z.array(z.string()).default([]).describe('Values of roleClaim that make a reviewer.'),
    adminValues: z.array(z.string()).default([]).describe('Values of roleClaim that make an admin.'),
    orgClaim: z
      .string()
      .optional()
      .describe('Claim whose values are organisation slugs; when set, memberships follow it at every sign-in.'),
  })
  .strict();

/** Living verdicts: how stored versions are evaluated again when advisories change or deadlines pass. */
const Reevaluation = z
  .object({
    suspendAfter: z
      .string()
      .regex(/^\d{1,4}(h|d|w)$/, 'expected a duration such as 48h, 7d or 2w')
      .default('7d')
      .describe('How long an at-risk version stays public before it is suspended, from its oldest overdue deadline.'),
    watchIntervalSeconds: z
      .number()
      .int()
      .min(10)
      .max(86_400)
      .default(300)
      .describe('How often the watch job looks for new advisory data and passed deadlines.'),
    osvMirror: z
      .url({ protocol: /^https?$/ })
      .optional()
      .describe("Base URL of the OSV archives the admin's update fetches (as sgci db update --mirror)."),
    ecosystems: z
      .array(z.string().regex(/^[A-Za-z0-9][A-Za-z0-9 .:_-]{0,63}$/))
      .min(1)
      .optional()
      .describe("OSV ecosystems the admin's update fetches (as sgci db update --ecosystem)."),
  })
  .strict();

const OperatorText = z.string().trim().min(1).max(500);

/**
 * Who runs the site, as the Impressum (§ 5 DDG) and the privacy notice (Art. 13 GDPR) must name them: what the
 * initiative's own material does not give. A detail left out reads "not entered yet" on the pages.
 */
const OperatorConfig = z
  .object({
    postalAddress: z
      .array(OperatorText)
      .min(1)
      .max(8)
      .optional()
      .describe('The postal address, one line per entry (street, postcode and town, …).'),
    representedBy: OperatorText.optional().describe('Who represents the operator (managing directors).'),
    register: OperatorText.optional().describe('Register court and number, e.g. "Amtsgericht Berlin, HRB 123456".'),
    vatId: OperatorText.optional().describe('VAT identification number (§ 27a UStG).'),
    dataProtectionOfficer: OperatorText.optional().describe('The data protection officer and how to reach them.'),
  })
  .strict();

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
    allowWebhook: z
      .array(RegistryHost)
      .default([])
      .describe('Webhook receivers allowed over plain HTTP and on loopback, private or link-local addresses.'),
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
    orphanAfterDays: z
      .number()
      .int()
      .min(1)
      .max(3650)
      .default(180)
      .describe('An image whose maintainers are all disabled or have not signed in for this many days is orphaned.'),
    submissionsPerHour: z
      .object({
        user: z.number().int().min(1).max(10_000).default(30),
        organisation: z.number().int().min(1).max(100_000).default(120),
      })
      .strict()
      .default({ user: 30, organisation: 120 })
      .describe('Submissions one user and one organisation may make per hour (each pulls and scans an image).'),
    credentialsKeyFile: z
      .string()
      .optional()
      .describe('File with the 32-byte key (base64) sealing stored registry passwords; SGCI_CREDENTIALS_KEY wins.'),
    auth: z
      .object({
        sessionIdleMinutes: z
          .number()
          .int()
          .min(1)
          .max(24 * 60)
          .default(30),
        sessionMaxHours: z
          .number()
          .int()
          .min(1)
          .max(24 * 30)
          .default(12),
        trustedProxies: z
          .array(IpAddress)
          .default([])
          .describe('Peers whose X-Forwarded-For names the client (for the per-address login limit).'),
      })
      .strict()
      .default({ sessionIdleMinutes: 30, sessionMaxHours: 12, trustedProxies: [] }),
    oidc: OidcConfig.optional(),
    reevaluation: Reevaluation.default({ suspendAfter: '7d', watchIntervalSeconds: 300 }),
    operator: OperatorConfig.optional().describe('Details of the operator the Impressum and privacy notice show.'),
  })
  .strict();

export type OperatorDetails = z.output<typeof OperatorConfig>;

export type ServerConfigInput = z.input<typeof ServerConfigFile>;

/** A secret from the environment inside the configuration: a logged or serialised configuration shows `[redacted]`. */
export class SecretValue {
  readonly #value: string;
  constructor(value: string) {
    this.#value = value;
  }
  reveal(): string {
    return this.#value;
  }
  toJSON(): string {
    return '[redacted]';
  }
  [inspect.custom](): string {
    return '[redacted]';
  }
}

export interface OidcSettings extends z.output<typeof OidcConfig> {
  readonly redirectUri: string;
  /** From SGCI_OIDC_CLIENT_SECRET; none: a public client (PKCE only). */
  readonly clientSecret: SecretValue | undefined;
}

export interface ServerConfig extends Omit<z.output<typeof ServerConfigFile>, 'oidc'> {
  readonly host: string;
  readonly port: number;
  /** Served to users over TLS (publicUrl is https): Secure cookies and HSTS. */
  readonly tls: boolean;
  /** Seals registry passwords at rest; none: the server refuses to store them. */
  readonly credentialsKey: CredentialsKey | undefined;
  readonly oidc: OidcSettings | undefined;
}

/** Environment variables that set a configuration key (lists comma-separated). */
const envKeys = {
  SGCI_LISTEN: 'listen',
  SGCI_PUBLIC_URL: 'publicUrl',
  SGCI_POLICY: 'policy',
  SGCI_SIGNING_KEY: 'signingKey',
  SGCI_ALLOW_REGISTRY: 'allowRegistry',
  SGCI_INSECURE_REGISTRY: 'insecureRegistry',
  SGCI_ALLOW_WEBHOOK: 'allowWebhook',
  SGCI_WORKERS: 'workers',
} as const;

function fromEnv(env: NodeJS.ProcessEnv): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, key] of Object.entries(envKeys)) {
    const value = env[name];
    if (value === undefined || value === '') continue;
    if (key === 'allowRegistry' || key === 'insecureRegistry' || key === 'allowWebhook')
      out[key] = value.split(',').map((v) => v.trim());
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
  const env = options.env ?? process.env;
  return {
    ...config,
    host,
    port,
    tls: config.publicUrl?.startsWith('https:') === true,
    credentialsKey: loadCredentialsKey({
      env,
      ...(config.credentialsKeyFile ? { file: config.credentialsKeyFile } : {}),
    }),
    oidc: config.oidc && oidcSettings(config.oidc, config.publicUrl, env, source),
  };
}

function oidcSettings(
  oidc: z.output<typeof OidcConfig>,
  publicUrl: string | undefined,
  env: NodeJS.ProcessEnv,
  source: string,
): OidcSettings {
  const redirectUri = oidc.redirectUri ?? (publicUrl && new URL('/auth/oidc/callback', publicUrl).toString());
  if (!redirectUri) throw new SgciError('CONFIG_INVALID', source, 'oidc: needs redirectUri or publicUrl');
  if (!oidc.scopes.includes('openid'))
    throw new SgciError('CONFIG_INVALID', source, 'oidc.scopes: must include openid');
  const secret = env.SGCI_OIDC_CLIENT_SECRET;
  return { ...oidc, redirectUri, clientSecret: secret ? new SecretValue(secret) : undefined };
}

/** The published JSON Schema of the configuration file. */
export function serverConfigJsonSchema(version: string): Record<string, unknown> {
  return {
    ...z.toJSONSchema(ServerConfigFile, { target: 'draft-2020-12', io: 'input' }),
    $id: `https://sgci.example/schema/server-config-${version}.json`,
    title: 'sgci serve configuration',
  };
}
