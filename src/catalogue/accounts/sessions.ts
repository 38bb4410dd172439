import { appendEvent } from '../db/events.ts';
import type { Catalogue } from '../db/open.ts';
import type { SessionsTable } from '../db/schema.ts';
import type { Principal } from './principal.ts';
import { randomSecret, sha256Hex } from './secrets.ts';
import { loadPrincipal } from './users.ts';

/** How long a browser session lives: ASVS level 2 asks for at most 30 minutes idle and 12 hours in all. */
export interface SessionLifetime {
  readonly idleMs: number;
  readonly maxMs: number;
}

export const defaultSessionLifetime: SessionLifetime = { idleMs: 30 * 60_000, maxMs: 12 * 3_600_000 };

/** A session's last-seen time is written at most this often: not one write per request. */
const touchEveryMs = 60_000;

export interface StartedSession {
  /** The cookie value: 32 random bytes, base64url. Only its SHA-256 is stored. */
  readonly cookie: string;
  readonly idHash: string;
}

/**
 * Starts a session for a user who just proved who they are. Always a new id (no session fixation): the caller ends
 * the browser's previous session, if any. Expired sessions of anyone are swept here, where it costs one indexed
 * delete per login.
 */
export async function startSession(
  catalogue: Catalogue,
  userId: string,
  method: SessionsTable['method'],
  lifetime: SessionLifetime,
): Promise<StartedSession> {
  const cookie = randomSecret();
  const idHash = sha256Hex(cookie);
  const now = catalogue.now();
  await catalogue.transaction(async (tx) => {
    await tx.deleteFrom('sessions').where('expires_at', '<=', now).execute();
    await tx
      .insertInto('sessions')
      .values({
        id_hash: idHash,
        user_id: userId,
        method,
        created_at: now,
        last_seen_at: now,
        expires_at: new Date(now.getTime() + lifetime.maxMs),
      })
      .execute();
    await tx.updateTable('users').set({ last_seen_at: now }).where('id', '=', userId).execute();
    await appendEvent(tx, {
      actor: { kind: 'user', id: userId },
      subject: { kind: 'user', id: userId },
      kind: 'user.logged-in',
      after: { method },
      at: now,
    });
  });
  return { cookie, idHash };
}

/**
 * The principal of a live session, or undefined: unknown, idle too long, past its absolute end, or of a disabled
 * user. A dead session's row is deleted on sight.
 */
export async function sessionPrincipal(
  catalogue: Catalogue,
  cookie: string,
  lifetime: SessionLifetime,
): Promise<{ principal: Principal; idHash: string } | undefined> {
  const idHash = sha256Hex(cookie);
  const session = await catalogue.db
    .selectFrom('sessions')
    .select(['user_id', 'last_seen_at', 'expires_at'])
    .where('id_hash', '=', idHash)
    .executeTakeFirst();
  if (!session) return undefined;
  const now = catalogue.now();
  const idle = now.getTime() - session.last_seen_at.getTime() >= lifetime.idleMs;
  if (idle || session.expires_at.getTime() <= now.getTime()) {
    await catalogue.db.deleteFrom('sessions').where('id_hash', '=', idHash).execute();
    return undefined;
  }
  const principal = await loadPrincipal(catalogue.db, session.user_id, { kind: 'session' });
  if (!principal) return undefined;
  if (now.getTime() - session.last_seen_at.getTime() >= touchEveryMs)
    await catalogue.db.updateTable('sessions').set({ last_seen_at: now }).where('id_hash', '=', idHash).execute();
  return { principal, idHash };
}

/** Ends the session of this cookie (logout); an unknown cookie is no error. */
export async function endSession(catalogue: Catalogue, cookie: string): Promise<void> {
  const idHash = sha256Hex(cookie);
  await catalogue.transaction(async (tx) => {
    const ended = await tx.deleteFrom('sessions').where('id_hash', '=', idHash).returning('user_id').executeTakeFirst();
    if (!ended) return;
    await appendEvent(tx, {
      actor: { kind: 'user', id: ended.user_id },
      subject: { kind: 'user', id: ended.user_id },
      kind: 'user.logged-out',
      at: catalogue.now(),
    });
  });
}
