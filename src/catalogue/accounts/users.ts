import { randomUUID } from 'node:crypto';
import { SgciError } from '../../core/index.ts';
import { type Actor, appendEvent } from '../db/events.ts';
import type { Catalogue, CatalogueDb, CatalogueTx } from '../db/open.ts';
import type { GlobalRole } from '../db/schema.ts';
import { hashPassword } from './password.ts';
import type { Principal } from './principal.ts';

const loginPattern = /^[a-z0-9][a-z0-9._@-]{0,127}$/;
const slugPattern = /^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$/;

/** Logins compare case-insensitively: stored and looked up in lower case. */
export function normaliseLogin(login: string): string {
  const normal = login.trim().toLowerCase();
  if (!loginPattern.test(normal))
    throw new SgciError('USAGE', login, 'a login is 1–128 of a-z 0-9 . _ @ - and starts with a letter or digit');
  return normal;
}

export function checkSlug(slug: string): string {
  if (!slugPattern.test(slug))
    throw new SgciError('USAGE', slug, 'an organisation slug is 1–64 of a-z 0-9 - (not at either end)');
  return slug;
}

export interface Organisation {
  readonly slug: string;
  readonly name: string;
  readonly contact: string | null;
}

export async function createOrganisation(catalogue: Catalogue, actor: Actor, org: Organisation): Promise<void> {
  checkSlug(org.slug);
  const name = org.name.trim();
  if (!name) throw new SgciError('USAGE', org.slug, 'an organisation needs a name');
  await catalogue.transaction(async (tx) => {
    const inserted = await tx
      .insertInto('organisations')
      .values({ slug: org.slug, name, contact: org.contact, created_at: catalogue.now() })
      .onConflict((oc) => oc.column('slug').doNothing())
      .returning('slug')
      .executeTakeFirst();
    if (!inserted) throw new SgciError('CONFLICT', org.slug, 'organisation exists already');
    await appendEvent(tx, {
      actor,
      subject: { kind: 'organisation', id: org.slug },
      kind: 'organisation.created',
      after: { slug: org.slug, name, contact: org.contact },
      at: catalogue.now(),
    });
  });
}

export async function listOrganisations(db: CatalogueDb): Promise<Organisation[]> {
  return db.selectFrom('organisations').select(['slug', 'name', 'contact']).orderBy('slug').execute();
}

export async function requireOrganisation(db: CatalogueDb, slug: string): Promise<Organisation> {
  const org = await db
    .selectFrom('organisations')
    .select(['slug', 'name', 'contact'])
    .where('slug', '=', slug)
    .executeTakeFirst();
  if (!org) throw new SgciError('NOT_FOUND', slug, 'no such organisation');
  return org;
}

export interface NewUser {
  readonly login: string;
  readonly displayName?: string;
  readonly email?: string;
  readonly role: GlobalRole | null;
  /** Hashed before it is stored; none: the user signs in by OIDC or acts through API tokens only. */
  readonly password?: string;
  readonly organisations?: readonly string[];
  readonly oidc?: { readonly issuer: string; readonly subject: string };
}

export interface UserRecord {
  readonly id: string;
  readonly login: string;
}

/** What the audit log may say about a user: never the password hash. */
function userFacts(user: NewUser, login: string, organisations: readonly string[]) {
  return {
    login,
    displayName: user.displayName ?? login,
    email: user.email ?? null,
    role: user.role,
    organisations,
    password: user.password !== undefined,
    ...(user.oidc ? { oidcIssuer: user.oidc.issuer, oidcSubject: user.oidc.subject } : {}),
  };
}

/** Creates a user with a global role and memberships, in one transaction with its event. */
export async function createUser(catalogue: Catalogue, actor: Actor, user: NewUser): Promise<UserRecord> {
  const login = normaliseLogin(user.login);
  const passwordHash = user.password === undefined ? null : await hashPassword(user.password);
  const organisations = [...new Set(user.organisations ?? [])].sort();
  return catalogue.transaction((tx) =>
    insertUser(tx, catalogue.now(), actor, user, login, passwordHash, organisations),
  );
}

export async function insertUser(
  tx: CatalogueTx,
  now: Date,
  actor: Actor,
  user: NewUser,
  login: string,
  passwordHash: string | null,
  organisations: readonly string[],
): Promise<UserRecord> {
  for (const slug of organisations) await requireOrganisation(tx, slug);
  const id = randomUUID();
  const inserted = await tx
    .insertInto('users')
    .values({
      id,
      login,
      display_name: user.displayName?.trim() || login,
      email: user.email ?? null,
      role: user.role,
      password_hash: passwordHash,
      oidc_issuer: user.oidc?.issuer ?? null,
      oidc_subject: user.oidc?.subject ?? null,
      created_at: now,
    })
    .onConflict((oc) => oc.column('login').doNothing())
    .returning('id')
    .executeTakeFirst();
  if (!inserted) throw new SgciError('CONFLICT', login, 'a user with this login exists already');
  for (const slug of organisations)
    await tx.insertInto('memberships').values({ user_id: id, organisation: slug, created_at: now }).execute();
  await appendEvent(tx, {
    actor,
    subject: { kind: 'user', id },
    kind: 'user.created',
    after: userFacts(user, login, organisations),
    at: now,
  });
  return { id, login };
}

export async function requireUser(
  db: CatalogueDb,
  login: string,
): Promise<{ id: string; login: string; disabled: boolean }> {
  const row = await db
    .selectFrom('users')
    .select(['id', 'login', 'disabled_at'])
    .where('login', '=', normaliseLogin(login))
    .executeTakeFirst();
  if (!row) throw new SgciError('NOT_FOUND', login, 'no such user');
  return { id: row.id, login: row.login, disabled: row.disabled_at !== null };
}

/** Makes the user a contributor of `organisation`; a second call changes nothing and writes no event. */
export async function addMember(
  catalogue: Catalogue,
  actor: Actor,
  organisation: string,
  login: string,
): Promise<void> {
  await catalogue.transaction(async (tx) => {
    await requireOrganisation(tx, organisation);
    const user = await requireUser(tx, login);
    const added = await tx
      .insertInto('memberships')
      .values({ user_id: user.id, organisation, created_at: catalogue.now() })
      .onConflict((oc) => oc.columns(['user_id', 'organisation']).doNothing())
      .returning('user_id')
      .executeTakeFirst();
    if (added) await membershipEvent(tx, actor, catalogue.now(), 'added', organisation, user);
  });
}

/** `membership.added` / `membership.removed`, on the organisation, naming the user by id and login. */
function membershipEvent(
  tx: CatalogueTx,
  actor: Actor,
  at: Date,
  change: 'added' | 'removed',
  organisation: string,
  user: { id: string; login: string },
): Promise<void> {
  const who = { userId: user.id, login: user.login };
  return appendEvent(tx, {
    actor,
    subject: { kind: 'organisation', id: organisation },
    kind: `membership.${change}`,
    ...(change === 'added' ? { after: who } : { before: who }),
    at,
  });
}

/** Sets, where given, a user's global role and exactly these memberships; writes one event per change. */
export async function updateUserRights(
  tx: CatalogueTx,
  now: Date,
  actor: Actor,
  userId: string,
  rights: { role?: GlobalRole | null; organisations?: readonly string[] },
): Promise<void> {
  const user = await tx
    .selectFrom('users')
    .select(['login', 'role'])
    .where('id', '=', userId)
    .executeTakeFirstOrThrow();
  if (rights.role !== undefined && user.role !== rights.role) {
    await tx.updateTable('users').set({ role: rights.role }).where('id', '=', userId).execute();
    await appendEvent(tx, {
      actor,
      subject: { kind: 'user', id: userId },
      kind: 'user.role-changed',
      before: { role: user.role },
      after: { role: rights.role },
      at: now,
    });
  }
  if (!rights.organisations) return;
  const current = new Set(
    (await tx.selectFrom('memberships').select('organisation').where('user_id', '=', userId).execute()).map(
      (m) => m.organisation,
    ),
  );
  const wanted = new Set(rights.organisations);
  for (const organisation of [...wanted].filter((o) => !current.has(o)).sort()) {
    await tx.insertInto('memberships').values({ user_id: userId, organisation, created_at: now }).execute();
    await membershipEvent(tx, actor, now, 'added', organisation, { id: userId, login: user.login });
  }
  for (const organisation of [...current].filter((o) => !wanted.has(o)).sort()) {
    await tx.deleteFrom('memberships').where('user_id', '=', userId).where('organisation', '=', organisation).execute();
    await membershipEvent(tx, actor, now, 'removed', organisation, { id: userId, login: user.login });
  }
}

/** Disables a user: their sessions end at once, their tokens stop working (and stay listed). */
export async function disableUser(catalogue: Catalogue, actor: Actor, login: string): Promise<void> {
  await catalogue.transaction(async (tx) => {
    const user = await requireUser(tx, login);
    if (user.disabled) return;
    const at = catalogue.now();
    await tx.updateTable('users').set({ disabled_at: at }).where('id', '=', user.id).execute();
    await tx.deleteFrom('sessions').where('user_id', '=', user.id).execute();
    await appendEvent(tx, {
      actor,
      subject: { kind: 'user', id: user.id },
      kind: 'user.disabled',
      before: { disabledAt: null },
      after: { disabledAt: at.toISOString() },
      at,
    });
  });
}

/**
 * The principal of an enabled user, with their memberships as they are now (a membership removed a second ago no
 * longer counts); undefined for a disabled or deleted user.
 */
export async function loadPrincipal(
  db: CatalogueDb,
  userId: string,
  via: Principal['via'],
): Promise<Principal | undefined> {
  const user = await db
    .selectFrom('users')
    .select(['id', 'login', 'display_name', 'role', 'disabled_at'])
    .where('id', '=', userId)
    .executeTakeFirst();
  if (!user || user.disabled_at !== null) return undefined;
  const memberships = await db
    .selectFrom('memberships')
    .select('organisation')
    .where('user_id', '=', userId)
    .orderBy('organisation')
    .execute();
  return {
    userId: user.id,
    login: user.login,
    displayName: user.display_name,
    role: user.role,
    organisations: memberships.map((m) => m.organisation),
    via,
  };
}

/** A user as the administration lists them: never the password hash. */
export interface UserSummary {
  readonly login: string;
  readonly displayName: string;
  readonly email: string | null;
  readonly role: GlobalRole | null;
  readonly organisations: readonly string[];
  /** Signs in with a password here (otherwise OIDC or API tokens only). */
  readonly password: boolean;
  readonly oidc: boolean;
  readonly disabledAt: Date | null;
  readonly createdAt: Date;
  readonly lastSeenAt: Date | null;
}

/** Every user (or only the members of `organisation`, or the one `login`), by login, with their memberships. */
export async function listUsers(
  db: CatalogueDb,
  options: { organisation?: string; login?: string } = {},
): Promise<UserSummary[]> {
  let query = db
    .selectFrom('users')
    .select([
      'id',
      'login',
      'display_name',
      'email',
      'role',
      'password_hash',
      'oidc_issuer',
      'disabled_at',
      'created_at',
      'last_seen_at',
    ])
    .orderBy('login');
  if (options.organisation !== undefined) {
    const organisation = options.organisation;
    query = query.where('id', 'in', (q) =>
      q.selectFrom('memberships').select('user_id').where('organisation', '=', organisation),
    );
  }
  if (options.login !== undefined) query = query.where('login', '=', options.login);
  const users = await query.execute();
  if (users.length === 0) return [];
  const memberships = await db
    .selectFrom('memberships')
    .select(['user_id', 'organisation'])
    .where(
      'user_id',
      'in',
      users.map((u) => u.id),
    )
    .orderBy('organisation')
    .execute();
  const byUser = new Map<string, string[]>();
  for (const m of memberships) {
    const list = byUser.get(m.user_id) ?? [];
    list.push(m.organisation);
    byUser.set(m.user_id, list);
  }
  return users.map((u) => ({
    login: u.login,
    displayName: u.display_name,
    email: u.email,
    role: u.role,
    organisations: byUser.get(u.id) ?? [],
    password: u.password_hash !== null,
    oidc: u.oidc_issuer !== null,
    disabledAt: u.disabled_at,
    createdAt: u.created_at,
    lastSeenAt: u.last_seen_at,
  }));
}

/** Sets a user's global role (null: none, a contributor of their organisations); one `user.role-changed` event. */
export async function changeUserRole(
  catalogue: Catalogue,
  actor: Actor,
  login: string,
  role: GlobalRole | null,
): Promise<void> {
  await catalogue.transaction(async (tx) => {
    const user = await requireUser(tx, login);
    await updateUserRights(tx, catalogue.now(), actor, user.id, { role });
  });
}
