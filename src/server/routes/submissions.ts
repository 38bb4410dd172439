import { createRoute, z } from '@hono/zod-openapi';
import {
  DecisionRequest,
  decide,
  listSubmissions,
  SubmissionRequest,
  submissionStatuses,
  submissionView,
  submit,
  withdraw,
} from '../../catalogue/index.ts';
import { principalOf, requireAuth } from '../auth/index.ts';
import { type App, router } from '../router.ts';

const problem = {
  description: 'Problem',
  content: { 'application/problem+json': { schema: z.object({}).passthrough() } },
};
const json = (description: string, schema: z.ZodType) => ({ description, content: { 'application/json': { schema } } });
const SubmissionId = z.object({ id: z.uuid() });

const Accepted = z.object({ id: z.string(), status: z.enum(submissionStatuses), digest: z.string() });
const Status = z.object({ status: z.enum(submissionStatuses) });
const View = z.object({ id: z.string(), status: z.enum(submissionStatuses) }).passthrough();

const create = createRoute({
  method: 'post',
  path: '/api/v1/submissions',
  summary: 'Submit an image version for admission',
  middleware: [requireAuth()],
  request: { body: { required: true, content: { 'application/json': { schema: SubmissionRequest } } } },
  responses: {
    202: json('Accepted: the scan is queued', Accepted),
    401: problem,
    403: problem,
    409: problem,
    422: problem,
  },
});

const Summary = z.object({
  id: z.string(),
  image: z.string(),
  digest: z.string(),
  tag: z.string().nullable(),
  status: z.enum(submissionStatuses),
  organisation: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
});

const list = createRoute({
  method: 'get',
  path: '/api/v1/submissions',
  summary: 'The submissions you may see, newest first (the review queue: status=awaiting-review)',
  request: {
    query: z.object({
      status: z.enum(submissionStatuses).optional(),
      organisation: z.string().max(64).optional(),
      image: z.string().max(64).optional(),
      cursor: z.string().max(200).optional(),
      limit: z.coerce.number().int().min(1).max(100).default(20),
    }),
  },
  responses: {
    200: json('One page', z.object({ items: z.array(Summary), next: z.string().nullable() })),
    400: problem,
  },
});

const read = createRoute({
  method: 'get',
  path: '/api/v1/submissions/{id}',
  summary: 'A submission with its checks, vulnerabilities, decisions and events',
  request: { params: SubmissionId },
  responses: { 200: json('The submission', View), 404: problem },
});

const decision = createRoute({
  method: 'post',
  path: '/api/v1/submissions/{id}/decision',
  summary: "A reviewer's decision: admit, reject or request changes",
  middleware: [requireAuth()],
  request: {
    params: SubmissionId,
    body: { required: true, content: { 'application/json': { schema: DecisionRequest } } },
  },
  responses: {
    200: json('The new state', Status),
    401: problem,
    403: problem,
    404: problem,
    409: problem,
    422: problem,
  },
});

const withdrawal = createRoute({
  method: 'post',
  path: '/api/v1/submissions/{id}/withdraw',
  summary: 'Withdraw a submission of your organisation',
  middleware: [requireAuth()],
  request: {
    params: SubmissionId,
    body: {
      required: true,
      content: { 'application/json': { schema: z.object({ reason: z.string().trim().min(1).max(2000) }).strict() } },
    },
  },
  responses: { 200: json('The new state', Status), 401: problem, 403: problem, 404: problem, 409: problem },
});

/** Submission → scan → review, over `/api/v1/submissions`. */
export function submissionRoutes(): App {
  const app = router();
  app.openapi(create, async (c) => {
    const { user, organisation } = c.var.deps.config.submissionsPerHour;
    const limits = { perUser: user, perOrganisation: organisation };
    const accepted = await submit(c.var.deps, principalOf(c), c.req.valid('json'), limits);
    c.var.deps.wake?.();
    return c.json(accepted, 202, { location: `/api/v1/submissions/${accepted.id}` });
  });
  app.openapi(list, async (c) => {
    const query = c.req.valid('query');
    const page = await listSubmissions(c.var.deps.catalogue.db, c.var.principal, {
      limit: query.limit,
      ...(query.status ? { status: query.status } : {}),
      ...(query.organisation ? { organisation: query.organisation } : {}),
      ...(query.image ? { image: query.image } : {}),
      ...(query.cursor ? { cursor: query.cursor } : {}),
    });
    return c.json(page, 200);
  });
  app.openapi(read, async (c) =>
    c.json(await submissionView(c.var.deps.catalogue.db, c.var.principal, c.req.valid('param').id), 200),
  );
  app.openapi(decision, async (c) => {
    const result = await decide(c.var.deps, principalOf(c), c.req.valid('param').id, c.req.valid('json'));
    return c.json(result, 200);
  });
  app.openapi(withdrawal, async (c) => {
    const result = await withdraw(c.var.deps, principalOf(c), c.req.valid('param').id, c.req.valid('json').reason);
    return c.json(result, 200);
  });
  return app;
}
