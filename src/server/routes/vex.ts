import { createRoute, z } from '@hono/zod-openapi';
import { etag } from 'hono/etag';
import {
  CatalogueVexSource,
  catalogueVexSource,
  csafOf,
  DecisionDraft,
  decisionById,
  dryRunDecision,
  listDecisions,
  openVexOf,
  type Principal,
  recordDecision,
  signedOpenVexOf,
  versionDecisions,
  versionFiguresOf,
  vexStatuses,
  visibleVersion,
  withdrawDecision,
} from '../../catalogue/index.ts';
import { principalOf, requireAuth } from '../auth/index.ts';
import { problems, security } from '../auth/schemas.ts';
import type { ServerDeps } from '../deps.ts';
import { HttpProblem } from '../problem.ts';
import { type App, router } from '../router.ts';
import { publicBase } from '../services.ts';

const json = (description: string, schema: z.ZodType) => ({ description, content: { 'application/json': { schema } } });
const DecisionId = z.object({ id: z.string().regex(/^\d{1,19}$/, 'expected a decision id') });
const SubmissionId = z.object({ submission: z.uuid() });

const Scope = z
  .object({
    kind: z.enum(['purl', 'image', 'organisation']),
    purl: z.string().optional(),
    image: z.string().optional(),
    organisation: z.string().optional(),
  })
  .openapi('VexDecisionScope');

const Decision = z
  .object({
    id: z.string(),
    vulnerability: z.string(),
    scope: Scope,
    status: z.enum(vexStatuses),
    justification: z.string().optional(),
    impactStatement: z.string().optional(),
    actionStatement: z.string().optional(),
    author: z.object({ id: z.string(), name: z.string() }),
    createdAt: z.iso.datetime(),
    expiresAt: z.iso.datetime(),
    state: z.enum(['in-force', 'expired', 'withdrawn']),
    withdrawal: z.object({ at: z.iso.datetime(), by: z.string(), reason: z.string() }).optional(),
    nearMisses: z
      .array(z.object({ submission: z.string(), purl: z.string(), reason: z.string() }))
      .optional()
      .describe('With unmatched=true: findings the decision nearly names, and why they do not match'),
  })
  .openapi('VexDecision');

const FindingState = z.object({
  suppressed: z.boolean(),
  status: z.enum(vexStatuses).nullable(),
  document: z.string().nullable(),
});
const Impact = z
  .object({
    versions: z.array(
      z.object({
        submission: z.string(),
        image: z.string(),
        digest: z.string(),
        status: z.string(),
        changes: z.array(
          z.object({
            finding: z.string(),
            vulnerability: z.string(),
            purl: z.string(),
            before: FindingState,
            after: FindingState,
          }),
        ),
      }),
    ),
    hidden: z.number().int().describe('Versions that change but are not yours to see'),
  })
  .openapi('VexDecisionImpact');

const draftBody = {
  required: true,
  content: { 'application/json': { schema: DecisionDraft } },
} as const;

const create = createRoute({
  method: 'post',
  path: '/api/v1/vex/decisions',
  summary: 'Record a VEX decision for a vulnerability and a scope (package URL, image or organisation)',
  description:
    'Reviewers decide for any scope; contributors for the images of their organisation and for their organisation. ' +
    'It applies to every matching version now and later, until it expires or is withdrawn.',
  security,
  middleware: [requireAuth()],
  request: { body: draftBody },
  responses: { 201: json('The decision', Decision), ...problems(401, 403, 404, 422) },
});

const dryRun = createRoute({
  method: 'post',
  path: '/api/v1/vex/decisions/dry-run',
  summary: 'Which findings of which versions a draft decision would change; nothing is saved',
  security,
  middleware: [requireAuth()],
  request: { body: draftBody },
  responses: { 200: json('The findings that would change', Impact), ...problems(401, 403, 404, 422) },
});

const list = createRoute({
  method: 'get',
  path: '/api/v1/vex/decisions',
  summary: 'VEX decisions, newest first; unmatched=true: those that match no finding of any version',
  request: {
    query: z.object({
      vulnerability: z.string().max(120).optional(),
      image: z.string().max(64).optional(),
      organisation: z.string().max(64).optional(),
      purl: z.string().max(1000).optional(),
      status: z.enum(vexStatuses).optional(),
      state: z.enum(['in-force', 'expired', 'withdrawn']).optional(),
      expiresBefore: z.iso
        .datetime({ offset: true })
        .optional()
        .describe('Only decisions that expire at or before this time; with state=in-force, those expiring soon'),
      unmatched: z.enum(['true', 'false']).optional(),
      cursor: z
        .string()
        .regex(/^\d{1,19}$/)
        .optional()
        .describe('The `next` of the previous page'),
      limit: z.coerce.number().int().min(1).max(200).default(50),
    }),
  },
  responses: {
    200: json(
      'A page of decisions; `next` is null on the last',
      z.object({ items: z.array(Decision), next: z.string().nullable() }),
    ),
    ...problems(400),
  },
});

const read = createRoute({
  method: 'get',
  path: '/api/v1/vex/decisions/{id}',
  summary: 'One VEX decision',
  request: { params: DecisionId },
  responses: { 200: json('The decision', Decision), ...problems(400, 404) },
});

const withdrawal = createRoute({
  method: 'post',
  path: '/api/v1/vex/decisions/{id}/withdraw',
  summary: 'Withdraw a VEX decision: from now on it applies nowhere',
  security,
  middleware: [requireAuth()],
  request: {
    params: DecisionId,
    body: {
      required: true,
      content: { 'application/json': { schema: z.object({ reason: z.string().trim().min(1).max(2000) }).strict() } },
    },
  },
  responses: { 200: json('The withdrawn decision', Decision), ...problems(401, 403, 404, 409, 422) },
});

const Statement = z.object({}).passthrough().openapi('VexStatement');

const statements = createRoute({
  method: 'get',
  path: '/api/v1/vex/versions/{submission}',
  summary: "The statements the matcher applies to a version: the catalogue's decisions, expired ones as re-opened",
  request: { params: SubmissionId },
  responses: {
    200: json(
      'The statements',
      z.object({ submission: z.string(), image: z.string(), digest: z.string(), statements: z.array(Statement) }),
    ),
    ...problems(400, 404),
  },
});

const openvex = createRoute({
  method: 'get',
  path: '/api/v1/vex/versions/{submission}/openvex',
  summary: 'The decisions in force for a version as OpenVEX 0.2',
  middleware: [etag()],
  request: { params: SubmissionId },
  responses: { 200: json('OpenVEX 0.2', z.object({}).passthrough()), ...problems(400, 404) },
});

const csaf = createRoute({
  method: 'get',
  path: '/api/v1/vex/versions/{submission}/csaf',
  summary: 'The decisions in force for a version as CSAF 2.0 (VEX profile)',
  middleware: [etag()],
  request: { params: SubmissionId },
  responses: { 200: json('CSAF 2.0 csaf_vex', z.object({}).passthrough()), ...problems(400, 404) },
});

const attestation = createRoute({
  method: 'get',
  path: '/api/v1/vex/versions/{submission}/attestation',
  summary: "The OpenVEX document signed with the catalogue's key: a DSSE envelope of an in-toto statement",
  request: { params: SubmissionId },
  responses: {
    200: {
      description: `DSSE envelope; predicate type https://openvex.dev/ns/v0.2.0`,
      content: { 'application/vnd.dsse.envelope.v1+json': { schema: z.object({}).passthrough() } },
    },
    ...problems(400, 404, 503),
  },
});

const figures = createRoute({
  method: 'get',
  path: '/api/v1/vex/versions/{submission}/figures',
  summary: 'Checklist baseline, risk score and share of decided findings, recomputable from the vulns and checks JSON',
  middleware: [etag()],
  request: { params: SubmissionId },
  responses: { 200: json('The figures', z.object({}).passthrough()), ...problems(400, 404) },
});

/** The catalogue's VEX source the server runs with (its SBOM cache shared), else one on its catalogue. */
export function sourceOf(deps: ServerDeps): CatalogueVexSource {
  return deps.vex instanceof CatalogueVexSource ? deps.vex : catalogueVexSource(deps.catalogue);
}

/** VEX triage over `/api/v1/vex`: decisions, their dry run, unmatched ones, and per version the exports. */
export function vexRoutes(): App {
  const app = router();
  app.openapi(create, async (c) => {
    const { deps } = c.var;
    const decision = await recordDecision(deps.catalogue, sourceOf(deps), principalOf(c), c.req.valid('json'));
    return c.json(decision, 201, { location: `/api/v1/vex/decisions/${decision.id}` });
  });
  app.openapi(dryRun, async (c) => {
    const { deps } = c.var;
    return c.json(await dryRunDecision(deps.catalogue, sourceOf(deps), principalOf(c), c.req.valid('json')), 200);
  });
  app.openapi(list, async (c) => {
    const { deps } = c.var;
    const { unmatched, cursor, expiresBefore, ...filter } = c.req.valid('query');
    const page = await listDecisions(deps.catalogue, sourceOf(deps), c.var.principal, {
      ...filter,
      unmatched: unmatched === 'true',
      ...(expiresBefore ? { expiresBefore: new Date(expiresBefore) } : {}),
      ...(cursor ? { cursor } : {}),
    });
    return c.json(page, 200);
  });
  app.openapi(read, async (c) => {
    const { catalogue } = c.var.deps;
    return c.json(await decisionById(catalogue.db, c.var.principal, c.req.valid('param').id, catalogue.now()), 200);
  });
  app.openapi(withdrawal, async (c) => {
    const { deps } = c.var;
    const { id } = c.req.valid('param');
    return c.json(
      await withdrawDecision(deps.catalogue, sourceOf(deps), principalOf(c), id, c.req.valid('json').reason),
      200,
    );
  });
  app.openapi(statements, async (c) => {
    const { deps } = c.var;
    const { version } = await visibleVersion(deps.catalogue.db, c.var.principal, c.req.valid('param').submission);
    const applied = await sourceOf(deps).statementsFor(version, deps.catalogue.now());
    return c.json(
      { submission: version.submission, image: version.image, digest: version.digest, statements: applied },
      200,
    );
  });
  const decisionsOf = (deps: ServerDeps, principal: Principal | undefined, submission: string) =>
    versionDecisions(deps.catalogue, sourceOf(deps), principal, submission, deps.catalogue.now());
  app.openapi(openvex, async (c) => {
    const { deps } = c.var;
    const decisions = await decisionsOf(deps, c.var.principal, c.req.valid('param').submission);
    return c.json(JSON.parse(openVexOf(decisions, publicBase(deps.config))), 200);
  });
  app.openapi(csaf, async (c) => {
    const { deps } = c.var;
    const decisions = await decisionsOf(deps, c.var.principal, c.req.valid('param').submission);
    const base = publicBase(deps.config);
    return c.json(JSON.parse(csafOf(decisions, { name: 'sgci catalogue', namespace: base })), 200);
  });
  app.openapi(attestation, async (c) => {
    const { deps } = c.var;
    const decisions = await decisionsOf(deps, c.var.principal, c.req.valid('param').submission);
    if (!deps.signing) throw new HttpProblem(503, 'no-signing-key', 'the catalogue has no signing key configured');
    const envelope = JSON.parse(Buffer.from(await signedOpenVexOf(decisions, deps.signing)).toString('utf8'));
    return c.json(envelope, 200, { 'content-type': 'application/vnd.dsse.envelope.v1+json' });
  });
  app.openapi(figures, async (c) => {
    const { deps } = c.var;
    return c.json(await versionFiguresOf(deps.catalogue.db, c.var.principal, c.req.valid('param').submission), 200);
  });
  return app;
}
