import type { Actor } from '../db/events.ts';
import type { Catalogue, CatalogueTx } from '../db/open.ts';
import type { GlobalRole } from '../db/schema.ts';
import { sha256Hex } from './secrets.ts';
import { insertUser, normaliseLogin, updateUserRights } from './users.ts';

/** An OIDC login between the redirect to the issuer and its callback, kept server-side: any instance may finish it. */
export interface PendingOidcLogin {
  readonly state: string;
  /** The value of the cookie that ties the login to the browser that started it. */
  readonly browser: string;
  readonly nonce: string;
  readonly codeVerifier: string;
  /** A path on this site to go to afterwards. */
  readonly returnTo: string;
}

/** How long the user may take at the issuer. */
export const oidcLoginTtlMs = 10 * 60_000;

export async function saveOidcLogin(catalogue: Catalogue, login: PendingOidcLogin): Promise<void> {
  const now = catalogue.now();
  await catalogue.transaction(async (tx) => {
    await tx.deleteFrom('oidc_logins').where('expires_at', '<=', now).execute();
    await tx
      .insertInto('oidc_logins')
      .values({
        state_hash: sha256Hex(login.state),
        browser_hash: sha256Hex(login.browser),
        nonce: login.nonce,
        code_verifier: login.codeVerifier,
        return_to: login.returnTo,
        expires_at: new Date(now.getTime() + oidcLoginTtlMs),
      })
      .execute();
  });
}

/**
 * Takes the pending login of `state` out of the database (single use: a replayed callback finds nothing). Undefined
 * when unknown, expired, or started by another browser.
 */
export async function takeOidcLogin(
  catalogue: Catalogue,
  state: string,
  browser: string | undefined,
): Promise<Omit<PendingOidcLogin, 'browser'> | undefined> {
  const row = await catalogue.db
    .deleteFrom('oidc_logins')
    .where('state_hash', '=', sha256Hex(state))
    .returningAll()
    .executeTakeFirst();
  if (!row || row.expires_at.getTime() <= catalogue.now().getTime()) return undefined;
  if (browser === undefined || sha256Hex(browser) !== row.browser_hash) return undefined;
  return { state, nonce: row.nonce, codeVerifier: row.code_verifier, returnTo: row.return_to };
}

/** Who the issuer says signed in, and the rights its claims map to. */
export interface OidcIdentity {
  readonly issuer: string;
  readonly subject: string;
  /** The login wanted for a new user (a taken one gets a number appended); the subject if none. */
  readonly login?: string;
  readonly displayName?: string;
  readonly email?: string;
  /** The global role from the claims; undefined: roles are managed in sgci, not by the issuer. */
  readonly role?: GlobalRole | null;
  /** Organisation slugs from the claims; undefined: memberships are managed in sgci, not by the issuer. */
  readonly organisations?: readonly string[];
}

function loginCandidate(identity: OidcIdentity): string {
  const wanted = (identity.login ?? identity.subject)
    .toLowerCase()
    .replace(/[^a-z0-9._@-]+/g, '-')
    .replace(/^[^a-z0-9]+/, '')
    .slice(0, 100);
  try {
    return normaliseLogin(wanted);
  } catch {
    return `oidc-${sha256Hex(`${identity.issuer}\n${identity.subject}`).slice(0, 12)}`;
  }
}

/**
 * The user of (issuer, subject), created on first sign-in; role and (when the issuer manages them) memberships are
 * set from the claims on every sign-in, each change an event. Organisations sgci does not know are ignored. A local
 * account with the same login is never taken over: the new user gets `login-2`. Undefined for a disabled user.
 */
export async function signInOidcUser(catalogue: Catalogue, identity: OidcIdentity): Promise<string | undefined> {
  return catalogue.transaction(async (tx: CatalogueTx) => {
    const now = catalogue.now();
    const known = identity.organisations
      ? (
          await tx
            .selectFrom('organisations')
            .select('slug')
            .where('slug', 'in', identity.organisations.length > 0 ? [...identity.organisations] : [''])
            .orderBy('slug')
            .execute()
        ).map((o) => o.slug)
      : undefined;
    const existing = await tx
      .selectFrom('users')
      .select(['id', 'disabled_at'])
      .where('oidc_issuer', '=', identity.issuer)
      .where('oidc_subject', '=', identity.subject)
      .executeTakeFirst();
    if (existing) {
      if (existing.disabled_at !== null) return undefined;
      const actor: Actor = { kind: 'system' };
      await updateUserRights(tx, now, actor, existing.id, {
        ...(identity.role !== undefined ? { role: identity.role } : {}),
        ...(known ? { organisations: known } : {}),
      });
      return existing.id;
    }
    const base = loginCandidate(identity);
    let login = base;
    for (let n = 2; await tx.selectFrom('users').select('id').where('login', '=', login).executeTakeFirst(); n++)
      login = `${base}-${n}`;
    const user = await insertUser(
      tx,
      now,
      { kind: 'system' },
      {
        login,
        role: identity.role ?? null,
        oidc: { issuer: identity.issuer, subject: identity.subject },
        ...(identity.displayName ? { displayName: identity.displayName } : {}),
        ...(identity.email ? { email: identity.email } : {}),
      },
      login,
      null,
      known ?? [],
    );
    return user.id;
  });
}
