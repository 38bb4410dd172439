import { randomBytes, randomInt } from 'node:crypto';
import { SgciError } from '../../core/index.ts';
import { type Actor, appendEvent } from '../db/events.ts';
import type { Catalogue, CatalogueDb } from '../db/open.ts';
import type { Principal } from './principal.ts';
import { sha256Hex } from './secrets.ts';
import { loadPrincipal, requireUser } from './users.ts';

/**
 * `sgci_<8 characters>_<64 hex digits>`: the first part (the prefix) is public, shown in lists and the audit log and
 * found by secret scanners; the 256-bit rest is the secret. Only the SHA-256 of the whole token is stored.
 */
const tokenPattern = /^(sgci_[a-z2-7]{8})_[0-9a-f]{64}$/;
const prefixPattern = /^sgci_[a-z2-7]{8}$/;
const idAlphabet = 'abcdefghijklmnopqrstuvwxyz234567';
const maxExpiryDays = 3650;
/** Last-used is written at most this often, not on every request. */
const touchEveryMs = 60_000;

export interface ApiTokenInfo {
  readonly prefix: string;
  readonly label: string;
  readonly createdAt: Date;
  readonly expiresAt: Date | null;
  readonly revokedAt: Date | null;
  readonly lastUsedAt: Date | null;
}

export interface CreatedApiToken extends ApiTokenInfo {
  /** The token itself: shown once, never stored. */
  readonly token: string;
}

function newPrefix(): string {
  let id = '';
  for (let i = 0; i < 8; i++) id += idAlphabet[randomInt(idAlphabet.length)];
  return `sgci_${id}`;
}

function isTokenPrefix(value: string): boolean {
  return prefixPattern.test(value);
}

/** A token for the user `login`, acting as them; `expiresInDays` omitted: until revoked. */
export async function createApiToken(
  catalogue: Catalogue,
  actor: Actor,
  options: { login: string; label: string; expiresInDays?: number },
): Promise<CreatedApiToken> {
  const days = options.expiresInDays;
  if (days !== undefined && (!Number.isInteger(days) || days < 1 || days > maxExpiryDays))
    throw new SgciError('USAGE', String(days), `token expiry must be 1–${maxExpiryDays} whole days`);
  const label = options.label.trim().slice(0, 200) || 'token';
  return catalogue.transaction(async (tx) => {
    const user = await requireUser(tx, options.login);
    if (user.disabled) throw new SgciError('USAGE', user.login, 'user is disabled');
    const now = catalogue.now();
    const expiresAt = days === undefined ? null : new Date(now.getTime() + days * 86_400_000);
    for (;;) {
      const prefix = newPrefix();
      const token = `${prefix}_${randomBytes(32).toString('hex')}`;
      const inserted = await tx
        .insertInto('api_tokens')
        .values({
          prefix,
          token_hash: sha256Hex(token),
          user_id: user.id,
          label,
          created_at: now,
          expires_at: expiresAt,
        })
        .onConflict((oc) => oc.column('prefix').doNothing())
        .returning('prefix')
        .executeTakeFirst();
      // 40 bits of prefix: a collision is rare, but would otherwise fail the whole request
      if (!inserted) continue;
      await appendEvent(tx, {
        actor,
        subject: { kind: 'token', id: prefix },
        kind: 'token.created',
        after: { prefix, userId: user.id, login: user.login, label, expiresAt: expiresAt?.toISOString() ?? null },
        at: now,
      });
      return { token, prefix, label, createdAt: now, expiresAt, revokedAt: null, lastUsedAt: null };
    }
  });
}

/**
 * Revokes a token by its prefix. `ownerId` given: only a token of that user (someone else's is "not found", so
 * prefixes of others cannot be probed). Revoking twice is no error and writes one event.
 */
export async function revokeApiToken(
  catalogue: Catalogue,
  actor: Actor,
  prefix: string,
  ownerId?: string,
): Promise<void> {
  if (!isTokenPrefix(prefix)) throw new SgciError('USAGE', prefix, 'expected a token prefix sgci_xxxxxxxx');
  await catalogue.transaction(async (tx) => {
    const row = await tx
      .selectFrom('api_tokens')
      .select(['user_id', 'revoked_at'])
      .where('prefix', '=', prefix)
      .executeTakeFirst();
    if (!row || (ownerId !== undefined && row.user_id !== ownerId))
      throw new SgciError('NOT_FOUND', prefix, 'no such token');
    if (row.revoked_at) return;
    const at = catalogue.now();
    await tx.updateTable('api_tokens').set({ revoked_at: at }).where('prefix', '=', prefix).execute();
    await appendEvent(tx, {
      actor,
      subject: { kind: 'token', id: prefix },
      kind: 'token.revoked',
      before: { revokedAt: null },
      after: { revokedAt: at.toISOString() },
      at,
    });
  });
}

export async function listApiTokens(db: CatalogueDb, userId: string): Promise<ApiTokenInfo[]> {
  const rows = await db
    .selectFrom('api_tokens')
    .select(['prefix', 'label', 'created_at', 'expires_at', 'revoked_at', 'last_used_at'])
    .where('user_id', '=', userId)
    .orderBy('created_at')
    .orderBy('prefix')
    .execute();
  return rows.map((r) => ({
    prefix: r.prefix,
    label: r.label,
    createdAt: r.created_at,
    expiresAt: r.expires_at,
    revokedAt: r.revoked_at,
    lastUsedAt: r.last_used_at,
  }));
}

/** The owner's principal for a live token; undefined for a malformed, unknown, expired or revoked token or a disabled owner. */
export async function tokenPrincipal(catalogue: Catalogue, token: string): Promise<Principal | undefined> {
  const prefix = tokenPattern.exec(token)?.[1];
  if (!prefix) return undefined;
  const row = await catalogue.db
    .selectFrom('api_tokens')
    .select(['prefix', 'user_id', 'expires_at', 'revoked_at', 'last_used_at'])
    .where('token_hash', '=', sha256Hex(token))
    .executeTakeFirst();
  const now = catalogue.now();
  if (!row || row.prefix !== prefix || row.revoked_at !== null) return undefined;
  if (row.expires_at !== null && row.expires_at.getTime() <= now.getTime()) return undefined;
  const principal = await loadPrincipal(catalogue.db, row.user_id, { kind: 'token', prefix });
  if (!principal) return undefined;
  if (!row.last_used_at || now.getTime() - row.last_used_at.getTime() >= touchEveryMs)
    await catalogue.db.updateTable('api_tokens').set({ last_used_at: now }).where('prefix', '=', prefix).execute();
  return principal;
}
