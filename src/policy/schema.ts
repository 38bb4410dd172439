import { z } from 'zod';

const checkIdPattern = /^SGCI-(BASE|BUILD|COMP|SEC|RUN|VULN)-\d{3}$/;
const datePattern = /^\d{4}-\d{2}-\d{2}$/;
const durationPattern = /^(\d+\s*[hdw]|next-release)$/;

export const CheckAction = z
  .enum(['fail', 'warn', 'off'])
  .describe('fail: gate fails; warn: reported only; off: not run');
export type CheckAction = z.infer<typeof CheckAction>;

export const PolicyException = z
  .object({
    check: z.string().regex(checkIdPattern).optional().describe('Check ID the exception waives'),
    vulnerability: z
      .string()
      .min(1)
      .optional()
      .describe('Vulnerability id or alias (CVE-…, GHSA-…) the exception waives'),
    image: z
      .string()
      .min(1)
      .describe(
        'Image name pattern (docker.io/acme/*:*, ** across segments) or a digest sha256:… the exception covers',
      ),
    justification: z.string().min(1),
    approver: z.string().min(1),
    expires: z.string().regex(datePattern).describe('Last day (UTC, YYYY-MM-DD) the exception applies'),
  })
  .strict()
  .refine((e) => (e.check === undefined) !== (e.vulnerability === undefined), {
    message: 'an exception names exactly one of check or vulnerability',
  });
export type PolicyException = z.infer<typeof PolicyException>;

export const BaseImageCategories = z
  .object({
    preferred: z.array(z.string()).describe('Minimal attack surface (alpine, distroless, scratch)'),
    allowed: z.array(z.string()).describe('Broad compatibility (debian-slim, ubuntu LTS)'),
    restricted: z.array(z.string()).describe('Official language images only (node, python, dotnet)'),
  })
  .strict()
  .describe('Image name patterns per category; anything else is forbidden (unknown / unofficial)');

export const Sla = z
  .object({
    CRITICAL: z.string().regex(durationPattern),
    HIGH: z.string().regex(durationPattern),
    MEDIUM: z.string().regex(durationPattern),
    LOW: z.string().regex(durationPattern),
  })
  .strict();

export const ThirdPartySecrets = z.enum(['fail', 'warn']);
export const UnknownSeverity = z.enum(['CRITICAL', 'HIGH', 'MEDIUM', 'LOW']);

export const TrustedKey = z.union([
  z.string().min(1),
  z
    .object({
      key: z.string().min(1),
      repositories: z
        .array(z.string())
        .optional()
        .describe('Repository patterns the key is trusted for (default: all)'),
    })
    .strict(),
]);
export type TrustedKey = z.infer<typeof TrustedKey>;

/** The policy file `sgci-policy.yaml` as written by a user: every field optional, defaults from the seeds. */
export const PolicyFile = z
  .object({
    version: z.literal('1').describe('Policy format version'),
    baseImages: BaseImageCategories.partial().optional(),
    trustedRegistries: z
      .array(z.string())
      .optional()
      .describe('Registries/namespaces whose images count as official (docker.io/library, gcr.io/distroless …)'),
    trustedKeys: z
      .array(TrustedKey)
      .optional()
      .describe(
        'Public keys (PEM path relative to the policy file, or inline PEM) images and base images are verified with',
      ),
    maxImageAgeDays: z.number().int().positive().optional(),
    baseImageGraceDays: z.number().int().nonnegative().optional(),
    sla: Sla.partial().optional(),
    hostUidRange: z
      .object({ min: z.number().int().nonnegative(), max: z.number().int().nonnegative() })
      .strict()
      .optional()
      .describe('UIDs/GIDs that exist with permissions on the hosts; image users must lie outside'),
    checks: z
      .record(z.string().regex(checkIdPattern), CheckAction)
      .optional()
      .describe('Per check: fail, warn or off (default: MUST -> fail, SHOULD -> warn)'),
    exceptions: z.array(PolicyException).optional(),
    thirdPartySecrets: ThirdPartySecrets.optional().describe(
      "SGCI-SEC-001 for secrets that ship inside a published package (a file of an npm, PyPI or gem package's directory, or unchanged from a dpkg/rpm/apk package): fail, or warn (default); the image's own secrets always fail",
    ),
    unknownSeverity: UnknownSeverity.optional().describe(
      'The severity SLA and gates (SGCI-VULN-002/-004, --fail-on) treat a finding as when no source rates it, until someone assesses it (default HIGH)',
    ),
  })
  .strict();
export type PolicyFile = z.infer<typeof PolicyFile>;

/** The effective policy: the file merged over the built-in default. */
export interface Policy {
  readonly name: string;
  /** sha256 of the file bytes, or `builtin`. */
  readonly digest: string;
  readonly baseImages: z.infer<typeof BaseImageCategories>;
  readonly trustedRegistries: readonly string[];
  readonly trustedKeys: readonly TrustedKey[];
  /** The folder relative key paths resolve against (the policy file's folder; cwd for the built-in policy). */
  readonly directory: string;
  readonly maxImageAgeDays: number;
  readonly baseImageGraceDays: number;
  readonly sla: z.infer<typeof Sla>;
  readonly hostUidRange: { readonly min: number; readonly max: number };
  readonly checks: Readonly<Record<string, CheckAction>>;
  readonly exceptions: readonly PolicyException[];
  /** SGCI-SEC-001's verdict when every secret found ships inside a published package. */
  readonly thirdPartySecrets: z.infer<typeof ThirdPartySecrets>;
  /** What a finding no source rates counts as for SLA and gates. */
  readonly unknownSeverity: z.infer<typeof UnknownSeverity>;
}
