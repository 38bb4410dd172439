import { z } from '@hono/zod-openapi';
import type { Principal } from '../../catalogue/index.ts';

/** Problem documents as every error of these routes answers (RFC 9457). */
export const ProblemBody = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string().optional(),
    instance: z.string().optional(),
  })
  .openapi('Problem');

export const problems = (...statuses: number[]) =>
  Object.fromEntries(
    statuses.map((s) => [
      s,
      { description: 'refused', content: { 'application/problem+json': { schema: ProblemBody } } },
    ]),
  );

export const security: Record<string, string[]>[] = [{ bearer: [] }, { session: [] }];

/** A path on this site to go to after signing in: never another origin (`//host`, `/\host`, `https:`). */
export const ReturnTo = z
  .string()
  .max(2000)
  .regex(/^\/(?![/\\])[^\s\\]*$/, 'expected a path on this site');

export const Me = z
  .object({
    login: z.string(),
    displayName: z.string(),
    role: z.enum(['reviewer', 'admin']).nullable(),
    organisations: z.array(z.string()),
    via: z.enum(['session', 'token']),
    tokenPrefix: z.string().optional(),
    csrfToken: z.string().optional().describe('Send as X-CSRF-Token (or form field _csrf) on unsafe requests.'),
  })
  .openapi('Me');

export function meOf(principal: Principal, csrfToken: string | undefined): z.infer<typeof Me> {
  return {
    login: principal.login,
    displayName: principal.displayName,
    role: principal.role,
    organisations: [...principal.organisations],
    via: principal.via.kind,
    ...(principal.via.kind === 'token' ? { tokenPrefix: principal.via.prefix } : {}),
    ...(csrfToken ? { csrfToken } : {}),
  };
}

export const Timestamp = z.iso.datetime();
