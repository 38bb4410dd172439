import { createRoute, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import {
  decodeImageCursor,
  fixableFilters,
  type ImageCursor,
  imageDetail,
  listImages,
  seesUnpublished,
  type VersionDocumentKind,
  versionDocument,
  versionDocumentFormats,
} from '../../catalogue/index.ts';
import { isSgciError } from '../../core/index.ts';
import { policyDocument } from '../../policy/index.ts';
import { problems } from '../auth/schemas.ts';
import { conditionalGet, respond } from '../http-cache.ts';
import { HttpProblem } from '../problem.ts';
import { publisherOf } from '../publisher.ts';
import { type App, type AppEnv, router } from '../router.ts';

const slug = /^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$/;
const Slug = z.string().regex(slug, 'lower-case letters, digits and inner hyphens, at most 64');
const Digest = z.string().regex(/^sha256:[0-9a-f]{64}$/, 'expected sha256:<64 hex digits>');

const Severities = z.object({
  CRITICAL: z.number().int(),
  HIGH: z.number().int(),
  MEDIUM: z.number().int(),
  LOW: z.number().int(),
  NONE: z.number().int(),
  UNKNOWN: z.number().int(),
});

const Vulnerabilities = z
  .object({
    matched: z.boolean(),
    open: Severities.describe('Active findings per severity: not suppressed by VEX, not judged by the OS.'),
    fixable: Severities.describe('Of the open findings, those a fixed version exists for.'),
    suppressed: z.number().int(),
    overdue: z.number().int().describe('Findings past their SLA deadline at evaluatedAt.'),
    osOwnedUpstream: z.number().int(),
    evaluatedAt: z.iso.datetime(),
    advisories: z.number().int(),
  })
  .openapi('VulnerabilityFigures');

const Reason = z.object({ code: z.string(), de: z.string(), en: z.string() }).nullable();

const ImageSummary = z
  .object({
    name: z.string(),
    organisation: z.string(),
    description: z.object({ de: z.string(), en: z.string() }),
    categories: z.array(z.string()),
    license: z.string(),
    source: z.string(),
    latest: z.object({
      digest: z.string(),
      status: z.enum(['admitted', 'at-risk', 'suspended']),
      tags: z.array(z.string()),
      admittedAt: z.iso.datetime().nullable(),
      vulnerabilities: Vulnerabilities,
      checks: z.object({ baseline: z.enum(['passed', 'failed']) }),
      signed: z.boolean().describe('A verdict of the catalogue is valid now.'),
    }),
    orphaned: z.boolean(),
    orphanedReason: Reason,
  })
  .openapi('ImageSummary');

const ListQuery = z
  .object({
    q: z
      .string()
      .trim()
      .min(1)
      .max(200)
      .optional()
      .describe('Full-text search (web search syntax) over the name and the German and English descriptions.'),
    category: Slug.optional(),
    organisation: Slug.optional(),
    distro: z
      .string()
      .regex(/^[a-z0-9._-]{1,64}$/)
      .optional()
      .describe('os-release ID of the newest public version, e.g. debian.'),
    distroVersion: z
      .string()
      .regex(/^[A-Za-z0-9._-]{1,64}$/)
      .optional()
      .describe('os-release VERSION_ID, e.g. 12.'),
    ecosystem: z
      .string()
      .regex(/^[a-z0-9-]{1,32}$/)
      .optional()
      .describe('Runtime or language: a package ecosystem in the SBOM (npm, pypi, golang, maven, deb …).'),
    baseline: z.enum(['passed', 'failed']).optional().describe('The checklist baseline (required checks).'),
    fixable: z
      .enum(fixableFilters)
      .optional()
      .describe('Open fixable findings: of this severity or higher (critical … low), any, or none.'),
    sla: z.enum(['overdue', 'ok']).optional().describe('overdue: a finding is past its SLA deadline.'),
    signed: z.enum(['true', 'false']).optional().describe('Whether a verdict of the catalogue is valid now.'),
    limit: z.coerce.number().int().min(1).max(100).default(20),
    cursor: z.string().max(400).optional().describe('The `next` of the previous page, as given.'),
  })
  .strict();

const list = createRoute({
  method: 'get',
  path: '/api/v1/images',
  summary: 'The public catalogue: images with a public version, searchable and filterable',
  middleware: [conditionalGet()],
  request: { query: ListQuery },
  responses: {
    200: {
      description: 'A page of images; `next` is the cursor of the following page, null on the last',
      content: {
        'application/json': { schema: z.object({ items: z.array(ImageSummary), next: z.string().nullable() }) },
      },
    },
    304: { description: 'Not modified (If-None-Match)' },
    ...problems(400),
  },
});

const ImageParams = z.object({ name: Slug });

const VersionEntry = z
  .object({
    submission: z.string(),
    digest: z.string(),
    tags: z.array(z.string()),
    status: z.string(),
    statusReason: z.string().nullable(),
    submittedAt: z.iso.datetime(),
    admittedAt: z.iso.datetime().nullable(),
    figures: z
      .object({
        vulnerabilities: Vulnerabilities,
        checks: z.object({
          baseline: z.enum(['passed', 'failed']).describe('Every check the policy requires passed.'),
          failing: z.array(z.string()).describe('The required checks that fail.'),
          byResult: z.record(z.string(), z.number()),
          policy: z.string(),
        }),
        risk: z
          .object({ score: z.number().int().min(0).max(100), formula: z.string() })
          .passthrough()
          .describe('The risk score of the published formula (docs/server-vex.md).'),
        decided: z
          .object({ findings: z.number().int(), decided: z.number().int(), share: z.number().nullable() })
          .describe('The share of counted findings with a recorded VEX decision.'),
        packages: z.number().int(),
        distro: z.object({ id: z.string(), versionId: z.string().nullable(), name: z.string().nullable() }).nullable(),
        ecosystems: z.array(z.string()),
        platform: z.string().nullable(),
      })
      .nullable(),
    verdict: z.object({ validFrom: z.iso.datetime(), validUntil: z.iso.datetime(), valid: z.boolean() }).nullable(),
    documents: z
      .object({ sbom: z.string(), vex: z.string(), vulns: z.string(), checks: z.string(), vsa: z.string().nullable() })
      .nullable(),
  })
  .openapi('VersionEntry');

const ImageDetail = z
  .object({
    name: z.string(),
    organisation: z.string(),
    repository: z.string(),
    description: z.object({ de: z.string(), en: z.string() }),
    categories: z.array(z.string()),
    license: z.string(),
    source: z.string(),
    contact: z.string(),
    endOfLife: z.string().nullable(),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
    maintainers: z.array(z.object({ name: z.string(), organisation: z.string(), since: z.iso.datetime() })),
    orphaned: z.boolean(),
    orphanedReason: Reason,
    versions: z.array(VersionEntry).describe('One per digest, newest first.'),
    tagHistory: z.array(z.object({ tag: z.string(), digest: z.string(), at: z.iso.datetime() })),
  })
  .openapi('ImageDetail');

const detail = createRoute({
  method: 'get',
  path: '/api/v1/images/{name}',
  summary: 'An image with its versions (unpublished ones for its organisation and reviewers) and tag history',
  middleware: [conditionalGet()],
  request: { params: ImageParams },
  responses: {
    200: { description: 'The image', content: { 'application/json': { schema: ImageDetail } } },
    304: { description: 'Not modified (If-None-Match)' },
    ...problems(400, 404),
  },
});

const documentMedia: Readonly<Record<VersionDocumentKind, readonly string[]>> = {
  sbom: ['application/vnd.cyclonedx+json', 'application/vnd.cyclonedx+xml', 'application/spdx+json'],
  vex: ['application/json', 'application/vnd.cyclonedx+json'],
  vulns: ['application/json', 'application/sarif+json'],
  checks: ['application/json', 'application/sarif+json', 'text/html'],
  vsa: ['application/vnd.dsse.envelope.v1+json'],
};

const documentSummaries: Readonly<Record<VersionDocumentKind, string>> = {
  sbom: "The version's SBOM from its stored scan: CycloneDX JSON (default), CycloneDX XML or SPDX JSON",
  vex: "The version's published VEX: OpenVEX (default), CycloneDX VEX or CSAF VEX",
  vulns: 'The vulnerability report as stored (canonical JSON, the bytes the verdict names) or SARIF',
  checks: 'The check report as stored (canonical JSON, the bytes the verdict names), SARIF or HTML (de/en)',
  vsa: "The newest verdict: the catalogue's signed SLSA verification summary as a DSSE envelope, byte for byte",
};

function documentRoute(kind: VersionDocumentKind) {
  const formats = versionDocumentFormats[kind] as unknown as [string, ...string[]];
  const query = z
    .object({
      format: z
        .enum(formats)
        .optional()
        .describe(`One of ${formats.join(', ')}; default ${formats[0]}.`),
      ...(kind === 'checks' ? { lang: z.enum(['de', 'en']).optional().describe('Language of the HTML report.') } : {}),
    })
    .strict();
  return createRoute({
    method: 'get',
    path: `/api/v1/images/{name}/versions/{digest}/${kind}`,
    summary: documentSummaries[kind],
    middleware: [conditionalGet()],
    request: { params: z.object({ name: Slug, digest: Digest }), query },
    responses: {
      200: {
        description: 'The document',
        content: Object.fromEntries(documentMedia[kind].map((m) => [m, { schema: z.string() }])),
      },
      304: { description: 'Not modified (If-None-Match)' },
      ...problems(400, 404),
    },
  });
}

const policy = createRoute({
  method: 'get',
  path: '/api/v1/policy',
  summary: "The catalogue's admission policy as published: canonical JSON, whose sha256 every verdict names",
  middleware: [conditionalGet()],
  responses: {
    200: {
      description: 'The policy document',
      content: { 'application/json': { schema: z.object({}).passthrough() } },
    },
    304: { description: 'Not modified (If-None-Match)' },
  },
});

function readOptions(c: Context<AppEnv>) {
  return { now: c.var.deps.catalogue.now(), orphanAfterDays: c.var.deps.config.orphanAfterDays };
}

/**
 * A cursor this list did not write, or one of the other ordering (a search's without `q`, or the reverse), is a
 * bad request naming the parameter, as any other invalid part of the query.
 */
function cursorOf(text: string | undefined, search: boolean): ImageCursor | undefined {
  if (text === undefined) return undefined;
  const refuse = (detail: string) =>
    new HttpProblem(400, 'invalid-request', `query /cursor: ${detail}`, [{ pointer: '/cursor', detail }]);
  let cursor: ImageCursor;
  try {
    cursor = decodeImageCursor(text);
  } catch (error) {
    if (!isSgciError(error)) throw error;
    throw refuse(error.message.slice(`${error.input}: `.length));
  }
  if ((cursor.order === 'rank') !== search) throw refuse(`a cursor of a list ${search ? 'without' : 'with'} q`);
  return cursor;
}

/** The public catalogue under `/api/v1/images` and the policy it admits by. */
export function imageRoutes(): App {
  const app = router();
  app.openapi(list, async (c) => {
    const { cursor, signed, ...filters } = c.req.valid('query');
    const decoded = cursorOf(cursor, filters.q !== undefined);
    const page = await listImages(
      c.var.deps.catalogue.db,
      {
        ...filters,
        ...(signed === undefined ? {} : { signed: signed === 'true' }),
        ...(decoded ? { cursor: decoded } : {}),
      },
      readOptions(c),
    );
    return respond(c, JSON.stringify(page), 'application/json', 'public');
  });
  app.openapi(detail, async (c) => {
    const { name } = c.req.valid('param');
    const image = await imageDetail(c.var.deps.catalogue.db, c.var.principal, name, readOptions(c));
    const scope = seesUnpublished(c.var.principal, image.organisation) ? 'private' : 'public';
    return respond(c, JSON.stringify(image), 'application/json', scope);
  });
  for (const kind of Object.keys(versionDocumentFormats) as VersionDocumentKind[]) {
    app.openapi(documentRoute(kind), async (c) => {
      const { name, digest } = c.req.valid('param');
      const query = c.req.valid('query') as { format?: string; lang?: 'de' | 'en' };
      const document = await versionDocument(
        c.var.deps.catalogue,
        c.var.principal,
        { image: name, digest, kind, ...query },
        publisherOf(c),
      );
      const headers: Record<string, string> = document.attachment
        ? { 'content-disposition': `attachment; filename="${document.attachment}"` }
        : {};
      return respond(c, document.body, document.mediaType, document.public ? 'public' : 'private', headers);
    });
  }
  app.openapi(policy, async (c) => {
    return respond(c, policyDocument(c.var.deps.policy), 'application/json', 'public');
  });
  return app;
}
