import { sql } from 'kysely';
import { JobQueue } from '../../catalogue/index.ts';
import { type App, router } from '../router.ts';

/**
 * `/healthz`: the process serves requests (liveness: restart me if not). `/readyz`: it can do its work now, the
 * database answers and it is not shutting down (readiness: send me traffic). `/metrics`: Prometheus text.
 */
export function healthRoutes(): App {
  const app = router();
  app.get('/healthz', (c) => c.text('ok\n'));
  app.get('/readyz', async (c) => {
    const { catalogue, accepting } = c.var.deps;
    if (!accepting()) return c.text('shutting down\n', 503);
    try {
      await sql`select 1`.execute(catalogue.db);
    } catch {
      return c.text('database unavailable\n', 503);
    }
    return c.text('ready\n');
  });
  app.get('/metrics', async (c) => {
    const { catalogue, metrics } = c.var.deps;
    const jobs = await new JobQueue(catalogue.db).counts();
    return c.body(metrics.render(jobs), 200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' });
  });
  return app;
}
