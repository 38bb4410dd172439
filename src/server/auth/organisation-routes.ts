import { createRoute, z } from '@hono/zod-openapi';
import {
  actorOf,
  addMember,
  createOrganisation,
  deleteRegistryCredentials,
  listOrganisationKeys,
  listOrganisations,
  listRegistryCredentials,
  removeOrganisationKey,
  replaceOrganisationKeys,
  requireOrganisation,
  setRegistryCredentials,
  type TrustedKeyInfo,
} from '../../catalogue/index.ts';
import { type App, router } from '../router.ts';
import { principalOf, requireOrganisationAccess, requireRole } from './authenticate.ts';
import { problems, security, Timestamp } from './schemas.ts';

const Slug = z.string().regex(/^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$/, 'expected an organisation slug');
const SlugParam = z.object({ slug: Slug });
const RegistryHost = z
  .string()
  .max(260)
  .regex(/^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+)(:\d{1,5})?$/, 'expected HOST or HOST:PORT');

const Organisation = z
  .object({ slug: Slug, name: z.string().min(1).max(200), contact: z.string().max(500).nullable() })
  .openapi('Organisation');

const list = createRoute({
  method: 'get',
  path: '/api/v1/organisations',
  summary: 'The contributing organisations (public)',
  responses: {
    200: {
      description: 'organisations',
      content: { 'application/json': { schema: z.object({ items: z.array(Organisation) }) } },
    },
  },
});

const create = createRoute({
  method: 'post',
  path: '/api/v1/organisations',
  summary: 'Create an organisation (admins)',
  security,
  middleware: [requireRole('admin')],
  request: {
    body: {
      required: true,
      content: {
        'application/json': {
          schema: z.object({ slug: Slug, name: z.string().min(1).max(200), contact: z.string().max(500).optional() }),
        },
      },
    },
  },
  responses: {
    201: { description: 'created', content: { 'application/json': { schema: Organisation } } },
    ...problems(401, 403, 409, 422),
  },
});

const addMemberRoute = createRoute({
  method: 'post',
  path: '/api/v1/organisations/{slug}/members',
  summary: 'Make a user a contributor of the organisation (admins)',
  security,
  middleware: [requireRole('admin')],
  request: {
    params: SlugParam,
    body: {
      required: true,
      content: { 'application/json': { schema: z.object({ login: z.string().min(1).max(128) }) } },
    },
  },
  responses: { 204: { description: 'member' }, ...problems(401, 403, 404, 422) },
});

const CredentialsInfo = z
  .object({ registry: z.string(), username: z.string(), updatedAt: Timestamp })
  .openapi('RegistryCredentialsInfo');

const listCredentials = createRoute({
  method: 'get',
  path: '/api/v1/organisations/{slug}/registry-credentials',
  summary: 'Registries the organisation has a login for, with usernames (never passwords)',
  security,
  middleware: [requireOrganisationAccess()],
  request: { params: SlugParam },
  responses: {
    200: {
      description: 'registries',
      content: { 'application/json': { schema: z.object({ items: z.array(CredentialsInfo) }) } },
    },
    ...problems(401, 403, 404),
  },
});

const putCredentials = createRoute({
  method: 'put',
  path: '/api/v1/organisations/{slug}/registry-credentials',
  summary: 'Store the login for one registry (encrypted at rest; write-only)',
  security,
  middleware: [requireOrganisationAccess()],
  request: {
    params: SlugParam,
    body: {
      required: true,
      content: {
        'application/json': {
          schema: z.object({
            registry: RegistryHost,
            username: z.string().min(1).max(256),
            password: z.string().min(1).max(8192),
          }),
        },
      },
    },
  },
  responses: { 204: { description: 'stored' }, ...problems(401, 403, 404, 422) },
});

const deleteCredentials = createRoute({
  method: 'delete',
  path: '/api/v1/organisations/{slug}/registry-credentials/{registry}',
  summary: 'Forget the login for one registry',
  security,
  middleware: [requireOrganisationAccess()],
  request: { params: z.object({ slug: Slug, registry: RegistryHost }) },
  responses: { 204: { description: 'deleted' }, ...problems(401, 403, 404) },
});

const TrustedKey = z
  .object({
    id: z.string(),
    label: z.string(),
    algorithm: z.string(),
    pem: z.string(),
    addedAt: Timestamp,
    addedBy: z.string(),
  })
  .openapi('TrustedKey');
const TrustedKeys = z.object({ items: z.array(TrustedKey) });

const listKeys = createRoute({
  method: 'get',
  path: '/api/v1/organisations/{slug}/keys',
  summary: 'Public keys the organisation’s image signatures are verified with (public)',
  request: { params: SlugParam },
  responses: {
    200: { description: 'keys', content: { 'application/json': { schema: TrustedKeys } } },
    ...problems(404),
  },
});

const putKeys = createRoute({
  method: 'put',
  path: '/api/v1/organisations/{slug}/keys',
  summary: 'Replace the organisation’s trusted public keys (PEM, ECDSA P-256/384/521, RSA ≥ 2048, Ed25519)',
  security,
  middleware: [requireOrganisationAccess()],
  request: {
    params: SlugParam,
    body: {
      required: true,
      content: {
        'application/json': {
          schema: z.object({
            keys: z
              .array(z.object({ pem: z.string().min(1).max(16384), label: z.string().max(200).optional() }))
              .max(20),
          }),
        },
      },
    },
  },
  responses: {
    200: { description: 'the keys now trusted', content: { 'application/json': { schema: TrustedKeys } } },
    ...problems(401, 403, 404, 422),
  },
});

const deleteKey = createRoute({
  method: 'delete',
  path: '/api/v1/organisations/{slug}/keys/{id}',
  summary: 'Stop trusting one key',
  security,
  middleware: [requireOrganisationAccess()],
  request: { params: z.object({ slug: Slug, id: z.string().regex(/^sha256:[0-9a-f]{64}$/) }) },
  responses: { 204: { description: 'removed' }, ...problems(401, 403, 404) },
});

function keysJson(keys: readonly TrustedKeyInfo[]) {
  return { items: keys.map((k) => ({ ...k, addedAt: k.addedAt.toISOString() })) };
}

/** Organisations, their members, their registry logins (write-only secrets) and their trusted keys. */
export function organisationRoutes(): App {
  const app = router();

  app.openapi(list, async (c) => c.json({ items: await listOrganisations(c.var.deps.catalogue.db) }, 200));

  app.openapi(create, async (c) => {
    const body = c.req.valid('json');
    const org = { slug: body.slug, name: body.name, contact: body.contact ?? null };
    await createOrganisation(c.var.deps.catalogue, actorOf(principalOf(c)), org);
    return c.json(org, 201);
  });

  app.openapi(addMemberRoute, async (c) => {
    const { slug } = c.req.valid('param');
    await addMember(c.var.deps.catalogue, actorOf(principalOf(c)), slug, c.req.valid('json').login);
    return c.body(null, 204);
  });

  app.openapi(listCredentials, async (c) => {
    const { slug } = c.req.valid('param');
    const { db } = c.var.deps.catalogue;
    await requireOrganisation(db, slug);
    const items = await listRegistryCredentials(db, slug);
    return c.json({ items: items.map((i) => ({ ...i, updatedAt: i.updatedAt.toISOString() })) }, 200);
  });

  app.openapi(putCredentials, async (c) => {
    const { catalogue, config } = c.var.deps;
    const { slug } = c.req.valid('param');
    await setRegistryCredentials(catalogue, actorOf(principalOf(c)), config.credentialsKey, slug, c.req.valid('json'));
    return c.body(null, 204);
  });

  app.openapi(deleteCredentials, async (c) => {
    const { slug, registry } = c.req.valid('param');
    await deleteRegistryCredentials(c.var.deps.catalogue, actorOf(principalOf(c)), slug, registry);
    return c.body(null, 204);
  });

  app.openapi(listKeys, async (c) => {
    const { slug } = c.req.valid('param');
    const { db } = c.var.deps.catalogue;
    await requireOrganisation(db, slug);
    return c.json(keysJson(await listOrganisationKeys(db, slug)), 200);
  });

  app.openapi(putKeys, async (c) => {
    const { slug } = c.req.valid('param');
    const keys = await replaceOrganisationKeys(
      c.var.deps.catalogue,
      actorOf(principalOf(c)),
      slug,
      c.req.valid('json').keys,
    );
    return c.json(keysJson(keys), 200);
  });

  app.openapi(deleteKey, async (c) => {
    const { slug, id } = c.req.valid('param');
    await removeOrganisationKey(c.var.deps.catalogue, actorOf(principalOf(c)), slug, id);
    return c.body(null, 204);
  });

  return app;
}
