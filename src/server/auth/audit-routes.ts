import { createRoute, z } from '@hono/zod-openapi';
import { auditPage } from '../../catalogue/index.ts';
import { type App, router } from '../router.ts';
import { requireRole } from './authenticate.ts';
import { problems, security } from './schemas.ts';

const AuditEntry = z
  .object({
    id: z.string().describe('Increasing; pass the last one as `after` for the next page.'),
    at: z.iso.datetime(),
    actor: z.string().describe('A user id, token:<prefix> or system.'),
    subject: z.object({ kind: z.string(), id: z.string() }),
    kind: z.string(),
    before: z.unknown(),
    after: z.unknown(),
  })
  .openapi('AuditEntry');

const audit = createRoute({
  method: 'get',
  path: '/api/v1/audit',
  summary: 'The audit log, oldest first, from a cursor (admins)',
  security,
  middleware: [requireRole('admin')],
  request: {
    query: z.object({
      after: z
        .string()
        .regex(/^\d{1,19}$/)
        .default('0')
        .describe('Return events after this id.'),
      limit: z.coerce.number().int().min(1).max(1000).default(100),
    }),
  },
  responses: {
    200: {
      description: 'a page of events; `next` is null on the last page',
      content: {
        'application/json': { schema: z.object({ items: z.array(AuditEntry), next: z.string().nullable() }) },
      },
    },
    ...problems(400, 401, 403),
  },
});

/** The append-only audit log, exported by cursor. */
export function auditRoutes(): App {
  const app = router();
  app.openapi(audit, async (c) => {
    const { after, limit } = c.req.valid('query');
    const items = await auditPage(c.var.deps.catalogue.db, after, limit);
    const next = items.length === limit ? (items.at(-1)?.id ?? null) : null;
    return c.json({ items, next }, 200);
  });
  return app;
}
