import { createRoute, z } from '@hono/zod-openapi';
import { actorOf, requestAdvisoriesUpdate } from '../../catalogue/index.ts';
import { principalOf, requireRole } from '../auth/index.ts';
import { problems, security } from '../auth/schemas.ts';
import { type App, router } from '../router.ts';

const update = createRoute({
  method: 'post',
  path: '/api/v1/admin/advisories/update',
  summary: 'Fetch fresh advisories (as sgci db update) and re-evaluate every stored version (admins)',
  security,
  middleware: [requireRole('admin')],
  responses: {
    202: {
      description: 'Queued: the update runs as a job, then the watch queues the re-matches',
      content: { 'application/json': { schema: z.object({ job: z.string(), status: z.literal('queued') }) } },
    },
    ...problems(401, 403),
  },
});

/** The advisory data behind the living verdicts, for admins. */
export function advisoryRoutes(): App {
  const app = router();
  app.openapi(update, async (c) => {
    const job = await requestAdvisoriesUpdate(c.var.deps.catalogue, actorOf(principalOf(c)));
    c.var.deps.wake?.();
    return c.json({ job, status: 'queued' as const }, 202);
  });
  return app;
}
