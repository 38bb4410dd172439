import { sql } from 'kysely';
import { appendEvent } from '../db/events.ts';
import type { Catalogue, CatalogueDb } from '../db/open.ts';
import { hashPassword, verifyPassword } from './password.ts';

/**
 * Failed logins allowed per window, counted in the database so that every instance enforces the same budget: per
 * login (guessing one account's password) and per client address (trying many accounts).
 */
export interface LoginLimits {
  readonly perLogin: number;
  readonly perAddress: number;
  readonly windowMs: number;
}

export const defaultLoginLimits: LoginLimits = { perLogin: 5, perAddress: 20, windowMs: 15 * 60_000 };

export type PasswordLogin =
  | { readonly kind: 'ok'; readonly userId: string }
  /** Unknown login, wrong password, no password set or a disabled user: the caller says the same for all. */
  | { readonly kind: 'refused' }
  | { readonly kind: 'limited'; readonly retryAfterSeconds: number };

/** Seconds until the failures under `key` fall below `limit`: when the limit-th newest one leaves the window. */
async function retryAfter(db: CatalogueDb, key: string, limit: number, now: Date, windowMs: number): Promise<number> {
  const row = await db
    .selectFrom('login_failures')
    .select('at')
    .where('key', '=', key)
    .where('at', '>', new Date(now.getTime() - windowMs))
    .orderBy('at', 'desc')
    .offset(limit - 1)
    .limit(1)
    .executeTakeFirst();
  const until = row ? row.at.getTime() + windowMs : now.getTime();
  return Math.max(1, Math.ceil((until - now.getTime()) / 1000));
}

/**
 * Checks a password login under the rate limits. The attempt is counted before the password is checked, so parallel
 * guesses see each other and cannot overrun the budget; a success takes its count back and clears the login's
 * failures. An unknown login costs the same scrypt work as a known one.
 */
export async function passwordLogin(
  catalogue: Catalogue,
  attempt: { login: string; password: string; address: string },
  limits: LoginLimits = defaultLoginLimits,
): Promise<PasswordLogin> {
  const db = catalogue.db;
  const now = catalogue.now();
  const since = new Date(now.getTime() - limits.windowMs);
  const login = attempt.login.trim().toLowerCase();
  const budgets = [
    { key: `login:${login}`, limit: limits.perLogin },
    { key: `ip:${attempt.address}`, limit: limits.perAddress },
  ];
  const pending = await db
    .insertInto('login_failures')
    .values(budgets.map((b) => ({ key: b.key, at: now })))
    .returning('id')
    .execute();
  const ids = pending.map((p) => p.id);
  const counts = await db
    .selectFrom('login_failures')
    .select(['key', sql<number>`count(*)::int`.as('n')])
    .where(
      'key',
      'in',
      budgets.map((b) => b.key),
    )
    .where('at', '>', since)
    .groupBy('key')
    .execute();
  const over = budgets.filter((b) => (counts.find((c) => c.key === b.key)?.n ?? 0) > b.limit);
  if (over.length > 0) {
    await db.deleteFrom('login_failures').where('id', 'in', ids).execute();
    const waits = await Promise.all(over.map((b) => retryAfter(db, b.key, b.limit, now, limits.windowMs)));
    return { kind: 'limited', retryAfterSeconds: waits.reduce((a, b) => Math.max(a, b), 0) };
  }

  const user = await db
    .selectFrom('users')
    .select(['id', 'password_hash', 'disabled_at'])
    .where('login', '=', login)
    .executeTakeFirst();
  const check = await verifyPassword(attempt.password, user?.password_hash);
  if (!user || !check.ok || user.disabled_at !== null) {
    await db.deleteFrom('login_failures').where('at', '<=', since).execute();
    return { kind: 'refused' };
  }
  await db
    .deleteFrom('login_failures')
    .where((eb) => eb.or([eb('id', 'in', ids), eb('key', '=', `login:${login}`)]))
    .execute();
  if (check.rehash) {
    const rehashed = await hashPassword(attempt.password);
    await catalogue.transaction(async (tx) => {
      await tx.updateTable('users').set({ password_hash: rehashed }).where('id', '=', user.id).execute();
      await appendEvent(tx, {
        actor: { kind: 'system' },
        subject: { kind: 'user', id: user.id },
        kind: 'user.password-rehashed',
        at: now,
      });
    });
  }
  return { kind: 'ok', userId: user.id };
}
