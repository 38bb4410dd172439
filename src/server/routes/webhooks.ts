import { createRoute, z } from '@hono/zod-openapi';
import {
  createWebhook,
  deleteWebhook,
  listDeliveries,
  listWebhooks,
  redeliver,
  requireWebhook,
  WebhookRequest,
  WebhookTargets,
  webhookEventTypes,
} from '../../catalogue/index.ts';
import { principalOf, requireAuth } from '../auth/index.ts';
import { problems, security, Timestamp } from '../auth/schemas.ts';
import { type App, router } from '../router.ts';

const WebhookId = z.object({ id: z.uuid() });
const DeliveryId = z.object({ id: z.uuid(), delivery: z.uuid() });

const Webhook = z
  .object({
    id: z.string(),
    url: z.string(),
    events: z.array(z.enum(webhookEventTypes)),
    organisation: z.string().nullable().describe('null: every organisation (catalogue-wide, admins only).'),
    createdBy: z.string(),
    createdAt: Timestamp,
  })
  .openapi('Webhook');

const CreatedWebhook = Webhook.extend({
  secret: z.string().describe('The signing secret (HMAC-SHA256 key): shown only in this answer, never again.'),
}).openapi('CreatedWebhook');

const Attempt = z
  .object({
    attempt: z.number().int(),
    at: Timestamp,
    statusCode: z.number().int().nullable(),
    durationMs: z.number().int(),
    error: z.string().nullable(),
    responseExcerpt: z.string().nullable().describe('The first 4 KiB at most of the answer.'),
    nextTryAt: Timestamp.nullable(),
  })
  .openapi('WebhookAttempt');

const Delivery = z
  .object({
    id: z.string().describe('Sent as X-Sgci-Delivery.'),
    eventId: z.string().describe("The payload's id."),
    type: z.enum(webhookEventTypes),
    state: z.enum(['pending', 'delivered', 'failed']),
    createdAt: Timestamp,
    nextTryAt: Timestamp.nullable(),
    attempts: z.array(Attempt),
  })
  .openapi('WebhookDelivery');

const json = (description: string, schema: z.ZodType) => ({ description, content: { 'application/json': { schema } } });

const create = createRoute({
  method: 'post',
  path: '/api/v1/webhooks',
  summary: "Register a webhook (admins: any organisation or all; members: their organisation's images)",
  security,
  middleware: [requireAuth()],
  request: { body: { required: true, content: { 'application/json': { schema: WebhookRequest } } } },
  responses: { 201: json('Registered; the secret is shown once', CreatedWebhook), ...problems(401, 403, 409, 422) },
});

const list = createRoute({
  method: 'get',
  path: '/api/v1/webhooks',
  summary: 'The webhooks you may manage (admins: all)',
  security,
  middleware: [requireAuth()],
  responses: { 200: json('webhooks', z.object({ items: z.array(Webhook) })), ...problems(401) },
});

const read = createRoute({
  method: 'get',
  path: '/api/v1/webhooks/{id}',
  summary: 'One webhook (never its secret)',
  security,
  middleware: [requireAuth()],
  request: { params: WebhookId },
  responses: { 200: json('the webhook', Webhook), ...problems(401, 404) },
});

const remove = createRoute({
  method: 'delete',
  path: '/api/v1/webhooks/{id}',
  summary: 'Delete a webhook with its delivery log; pending tries are dropped',
  security,
  middleware: [requireAuth()],
  request: { params: WebhookId },
  responses: { 204: { description: 'deleted' }, ...problems(401, 404) },
});

const deliveries = createRoute({
  method: 'get',
  path: '/api/v1/webhooks/{id}/deliveries',
  summary: "The webhook's delivery log, newest first: each delivery with its attempts",
  security,
  middleware: [requireAuth()],
  request: {
    params: WebhookId,
    query: z.object({
      cursor: z.string().max(200).optional().describe('`next` of the previous page.'),
      limit: z.coerce.number().int().min(1).max(200).default(50),
    }),
  },
  responses: {
    200: json(
      'a page; `next` is null on the last',
      z.object({ items: z.array(Delivery), next: z.string().nullable() }),
    ),
    ...problems(400, 401, 404, 422),
  },
});

const redeliverRoute = createRoute({
  method: 'post',
  path: '/api/v1/webhooks/{id}/deliveries/{delivery}/redeliver',
  summary: 'Try a delivery again now (same body and delivery id, signed afresh)',
  security,
  middleware: [requireAuth()],
  request: { params: DeliveryId },
  responses: {
    202: json(
      'Queued',
      z.object({ id: z.string(), state: z.enum(['pending', 'delivered', 'failed']), nextTryAt: Timestamp }),
    ),
    ...problems(401, 404),
  },
});

/** Webhooks over `/api/v1/webhooks`: registration, the delivery log, redelivery. */
export function webhookRoutes(): App {
  const app = router();
  app.openapi(create, async (c) => {
    const { deps } = c.var;
    const created = await createWebhook(
      deps.catalogue,
      principalOf(c),
      { key: deps.config.credentialsKey, targets: new WebhookTargets({ allow: deps.config.allowWebhook }) },
      c.req.valid('json'),
    );
    deps.wake?.();
    return c.json(created, 201, { location: `/api/v1/webhooks/${created.id}`, 'cache-control': 'no-store' });
  });
  app.openapi(list, async (c) => c.json({ items: await listWebhooks(c.var.deps.catalogue.db, principalOf(c)) }, 200));
  app.openapi(read, async (c) =>
    c.json(await requireWebhook(c.var.deps.catalogue.db, principalOf(c), c.req.valid('param').id), 200),
  );
  app.openapi(remove, async (c) => {
    await deleteWebhook(c.var.deps.catalogue, principalOf(c), c.req.valid('param').id);
    return c.body(null, 204);
  });
  app.openapi(deliveries, async (c) => {
    const { cursor, limit } = c.req.valid('query');
    const page = await listDeliveries(c.var.deps.catalogue.db, principalOf(c), c.req.valid('param').id, {
      limit,
      ...(cursor ? { cursor } : {}),
    });
    return c.json(page, 200);
  });
  app.openapi(redeliverRoute, async (c) => {
    const { id, delivery } = c.req.valid('param');
    const result = await redeliver(c.var.deps.catalogue, principalOf(c), id, delivery);
    c.var.deps.wake?.();
    return c.json(result, 202);
  });
  return app;
}
