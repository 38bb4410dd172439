import type { Selectable } from 'kysely';
import { PackageURL } from 'packageurl-js';
import { z } from 'zod';
import type { VexStatus } from '../../vuln/index.ts';
import type { VexDecisionsTable } from '../db/schema.ts';

const slug = /^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$/;

/** The longest a decision may hold: every decision is looked at again within a year (see docs/server-vex.md). */
export const maxDecisionLifetimeMs = 366 * 24 * 3_600_000;

/** OpenVEX 0.2's justifications for `not_affected`, the same labels as CSAF 2.0's flags. */
export const justifications = [
  'component_not_present',
  'vulnerable_code_not_present',
  'vulnerable_code_not_in_execute_path',
  'vulnerable_code_cannot_be_controlled_by_adversary',
  'inline_mitigations_already_exist',
] as const;

export const vexStatuses = ['not_affected', 'affected', 'fixed', 'under_investigation'] as const;

const Purl = z
  .string()
  .min(5)
  .max(1000)
  .refine((text) => parsedPurl(text) !== undefined, 'expected a package URL such as pkg:deb/debian/openssl@3.0.11-1')
  .describe('A package URL, with or without version and qualifiers; the qualifiers given must all match.');

function parsedPurl(text: string): PackageURL | undefined {
  try {
    const purl = PackageURL.fromString(text);
    return purl.type === 'oci' ? undefined : purl;
  } catch {
    return undefined;
  }
}

/** What a decision applies to; an image or organisation scope may be narrowed to one package by `purl`. */
export const DecisionScope = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('purl'), purl: Purl }).strict(),
  z.object({ kind: z.literal('image'), image: z.string().regex(slug), purl: Purl.optional() }).strict(),
  z.object({ kind: z.literal('organisation'), organisation: z.string().regex(slug), purl: Purl.optional() }).strict(),
]);
export type DecisionScope = z.infer<typeof DecisionScope>;

/**
 * `POST /api/v1/vex/decisions` (and its dry run): a decision as OpenVEX 0.2 states one. OpenVEX's rules hold:
 * `not_affected` needs a justification or an impact statement, `affected` an action statement; the justification
 * belongs to `not_affected` only. Every decision expires (at most a year ahead): the finding then re-opens.
 */
export const DecisionDraft = z
  .object({
    vulnerability: z
      .string()
      .regex(/^[A-Za-z][A-Za-z0-9]*-[A-Za-z0-9._:-]{1,100}$/, 'expected a vulnerability id such as CVE-2024-1234')
      .describe('CVE, GHSA, DSA … id: the decision meets a finding by its id or any alias'),
    scope: DecisionScope,
    status: z.enum(vexStatuses),
    justification: z.enum(justifications).optional(),
    impactStatement: z.string().trim().min(1).max(4000).optional(),
    actionStatement: z.string().trim().min(1).max(4000).optional(),
    expires: z.iso.datetime({ offset: true }).describe('When the decision stops applying and its findings re-open'),
  })
  .strict()
  .superRefine((draft, ctx) => {
    const issue = (path: string, message: string) => ctx.addIssue({ code: 'custom', path: [path], message });
    if (draft.status === 'not_affected' && !draft.justification && !draft.impactStatement)
      issue('justification', 'not_affected needs a justification or an impact statement (OpenVEX)');
    if (draft.status !== 'not_affected' && draft.justification)
      issue('justification', 'a justification belongs to not_affected only');
    if (draft.status !== 'not_affected' && draft.impactStatement)
      issue('impactStatement', 'an impact statement belongs to not_affected only');
    if (draft.status === 'affected' && !draft.actionStatement)
      issue('actionStatement', 'affected needs an action statement (OpenVEX)');
    if (draft.status !== 'affected' && draft.actionStatement)
      issue('actionStatement', 'an action statement belongs to affected only');
  });
export type DecisionDraft = z.infer<typeof DecisionDraft>;

/** A decision as the API shows it and the statements are built from. */
export interface VexDecision {
  readonly id: string;
  readonly vulnerability: string;
  readonly scope: DecisionScope;
  readonly status: VexStatus;
  readonly justification?: string;
  readonly impactStatement?: string;
  readonly actionStatement?: string;
  readonly author: { readonly id: string; readonly name: string };
  readonly createdAt: string;
  readonly expiresAt: string;
  /** At the time asked: `in-force`, `expired` (its findings re-opened) or `withdrawn` (no longer applies). */
  readonly state: 'in-force' | 'expired' | 'withdrawn';
  readonly withdrawal?: { readonly at: string; readonly by: string; readonly reason: string };
}

export type VexDecisionRow = Selectable<VexDecisionsTable>;

export function scopeOf(
  row: Pick<VexDecisionRow, 'scope_kind' | 'scope_purl' | 'scope_image' | 'organisation'>,
): DecisionScope {
  const purl = row.scope_purl ? { purl: row.scope_purl } : {};
  if (row.scope_kind === 'image') return { kind: 'image', image: row.scope_image ?? '', ...purl };
  if (row.scope_kind === 'organisation') return { kind: 'organisation', organisation: row.organisation ?? '', ...purl };
  return { kind: 'purl', purl: row.scope_purl ?? '' };
}

export function decisionOf(row: VexDecisionRow, now: Date): VexDecision {
  const state = row.withdrawn_at ? 'withdrawn' : row.expires_at.getTime() <= now.getTime() ? 'expired' : 'in-force';
  return {
    id: String(row.id),
    vulnerability: row.vulnerability,
    scope: scopeOf(row),
    status: row.status,
    ...(row.justification ? { justification: row.justification } : {}),
    ...(row.impact_statement ? { impactStatement: row.impact_statement } : {}),
    ...(row.action_statement ? { actionStatement: row.action_statement } : {}),
    author: { id: row.author, name: row.author_name },
    createdAt: row.created_at.toISOString(),
    expiresAt: row.expires_at.toISOString(),
    state,
    ...(row.withdrawn_at
      ? {
          withdrawal: {
            at: row.withdrawn_at.toISOString(),
            by: row.withdrawn_by ?? '',
            reason: row.withdrawal_reason ?? '',
          },
        }
      : {}),
  };
}
