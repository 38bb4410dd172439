import { createRoute, z } from '@hono/zod-openapi';
import { catalogueExport, catalogueFeed } from '../../catalogue/index.ts';
import { digestOf } from '../../core/index.ts';
import { policyDocument } from '../../policy/index.ts';
import { cacheFor, conditionalGet, etagOf, respond } from '../http-cache.ts';
import { publisherOf } from '../publisher.ts';
import { type App, router } from '../router.ts';

const feed = createRoute({
  method: 'get',
  path: '/api/v1/feed.atom',
  summary: 'Atom feed of admissions and security changes (status changes of public versions, new findings)',
  middleware: [conditionalGet()],
  responses: {
    200: { description: 'The feed, newest first', content: { 'application/atom+xml': { schema: z.string() } } },
    304: { description: 'Not modified (If-None-Match)' },
  },
});

const exported = createRoute({
  method: 'get',
  path: '/api/v1/export',
  summary: 'The whole public catalogue as one JSON document, for mirrors and air-gapped sites (streamed)',
  middleware: [conditionalGet()],
  responses: {
    200: {
      description: 'Every public image and version with figures, VEX and verdict',
      content: { 'application/json': { schema: z.object({}).passthrough() } },
    },
    304: { description: 'Not modified (If-None-Match)' },
  },
});

/** The catalogue for readers who follow it: the Atom feed and the full export. */
export function feedRoutes(): App {
  const app = router();
  app.openapi(feed, async (c) => {
    const text = await catalogueFeed(c.var.deps.catalogue.db, publisherOf(c));
    return respond(c, text, 'application/atom+xml; charset=utf-8', 'public');
  });
  app.openapi(exported, async (c) => {
    const { deps } = c.var;
    const result = await catalogueExport(deps.catalogue.db, {
      now: deps.catalogue.now(),
      orphanAfterDays: deps.config.orphanAfterDays,
      publisher: publisherOf(c),
      policyDigest: digestOf(policyDocument(deps.policy)),
    });
    const chunks = result.chunks();
    const encoder = new TextEncoder();
    // pulled as the client reads: a 304 (the ETag is known up front) cancels it before any version is read
    const body = new ReadableStream<Uint8Array>({
      async pull(controller) {
        const next = await chunks.next();
        if (next.done) controller.close();
        else controller.enqueue(encoder.encode(next.value));
      },
      async cancel() {
        await chunks.return(undefined);
      },
    });
    cacheFor(c, 'public');
    return c.body(body, 200, {
      'content-type': 'application/json',
      'content-disposition': 'attachment; filename="sgci-catalogue.json"',
      etag: etagOf(result.etag.slice('sha256:'.length)),
    });
  });
  return app;
}
