import { randomUUID } from 'node:crypto';
import type { Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { HTTPException } from 'hono/http-exception';
import { routePath } from 'hono/route';
import { describe, isSgciError, toolVersion } from '../core/index.ts';
import { authenticate, authRoutes } from './auth/index.ts';
import type { ServerDeps } from './deps.ts';
import { securityHeaders } from './middleware/security-headers.ts';
import { HttpProblem, problemOfError, problemResponse } from './problem.ts';
import { type App, type AppEnv, router } from './router.ts';
import { advisoryRoutes } from './routes/advisories.ts';
import { feedRoutes } from './routes/feed.ts';
import { healthRoutes } from './routes/health.ts';
import { imageRoutes } from './routes/images.ts';
import { keyRoutes } from './routes/keys.ts';
import { submissionRoutes } from './routes/submissions.ts';
import { vexRoutes } from './routes/vex.ts';
import { webhookRoutes } from './routes/webhooks.ts';
import { problemPage, webRoutes } from './web/index.ts';

const requestIdPattern = /^[A-Za-z0-9._-]{8,64}$/;

function problemOf(c: Context<AppEnv>, error: unknown): HttpProblem {
  if (error instanceof HttpProblem) return error;
  const mapped = isSgciError(error) ? problemOfError(error) : undefined;
  if (mapped) {
    const wait = (error as { retryAfterSeconds?: unknown }).retryAfterSeconds;
    if (typeof wait === 'number') c.header('retry-after', String(wait));
    return mapped;
  }
  if (error instanceof HTTPException) {
    const status = error.status;
    return new HttpProblem(status as never, 'http', error.message || 'request refused');
  }
  c.var.deps.logger.error({ requestId: c.var.requestId, err: describe(error) }, 'request failed');
  return new HttpProblem(500, 'internal', `internal error; quote request id ${c.var.requestId}`);
}

/** A browser asking for a page gets the site's error page; the API and other clients get problem+json. */
async function fail(c: Context<AppEnv>, problem: HttpProblem): Promise<Response> {
  return (await problemPage(c, problem)) ?? problemResponse(c, problem);
}

/** The catalogue's HTTP application: API, health and pages, on one set of dependencies. */
export function createApp(deps: ServerDeps): App {
  const app = router();
  app.use(async (c, next) => {
    const given = c.req.header('x-request-id');
    const requestId = given && requestIdPattern.test(given) ? given : randomUUID();
    c.set('deps', deps);
    c.set('requestId', requestId);
    c.set('principal', undefined);
    const started = performance.now();
    await next();
    // on the response itself: c.header() after the handler would rebuild the response around a body stream
    c.res.headers.set('x-request-id', requestId);
    const seconds = (performance.now() - started) / 1000;
    const route = routePath(c);
    deps.metrics.observeRequest(c.req.method, route, c.res.status, seconds);
    deps.logger.info(
      {
        requestId,
        method: c.req.method,
        route,
        path: c.req.path,
        status: c.res.status,
        ms: Math.round(seconds * 1000),
      },
      'request',
    );
  });
  app.use(securityHeaders({ tls: () => deps.config.tls }));
  const limitBody = bodyLimit({
    maxSize: deps.config.maxBodyBytes,
    onError: () => {
      throw new HttpProblem(413, 'body-too-large', `request body larger than ${deps.config.maxBodyBytes} bytes`);
    },
  });
  // a GET or HEAD has no body to limit; asking for one would build a whole fetch Request for every read
  app.use((c, next) => (c.req.method === 'GET' || c.req.method === 'HEAD' ? next() : limitBody(c, next)));
  app.onError((error, c) => fail(c, problemOf(c, error)));
  app.notFound((c) => fail(c, new HttpProblem(404, 'not-found', `no resource at ${c.req.path}`)));
  app.use(authenticate());
  app.route('/', healthRoutes());
  app.route('/', authRoutes());
  app.route('/', submissionRoutes());
  app.route('/', imageRoutes());
  app.route('/', keyRoutes());
  app.route('/', feedRoutes());
  app.route('/', vexRoutes());
  app.route('/', webhookRoutes());
  app.route('/', advisoryRoutes());
  app.route('/', webRoutes());
  app.doc31('/api/v1/openapi.json', {
    openapi: '3.1.0',
    info: { title: 'sgci catalogue API', version: toolVersion },
  });
  return app;
}
