import { createHash, randomBytes } from 'node:crypto';
import type { CatalogueDb } from '../db/open.ts';

/** SHA-256 in hex: what is stored of session ids, API tokens and OIDC states, never the values themselves. */
export function sha256Hex(value: string): string {
  return createHash('sha256').update(value, 'utf8').digest('hex');
}

/** 32 random bytes, base64url: a session id, a browser binding. */
export function randomSecret(): string {
  return randomBytes(32).toString('base64url');
}

/**
 * A random secret shared by every instance on this database, created by whichever asks first (a concurrent
 * creator loses the insert and reads the winner's). Signs values that must verify on any instance: CSRF tokens.
 */
export async function serverSecret(db: CatalogueDb, name: string, now: Date): Promise<Buffer> {
  await db
    .insertInto('server_secrets')
    .values({ name, value: randomBytes(32).toString('base64'), created_at: now })
    .onConflict((oc) => oc.column('name').doNothing())
    .execute();
  const row = await db.selectFrom('server_secrets').select('value').where('name', '=', name).executeTakeFirstOrThrow();
  return Buffer.from(row.value, 'base64');
}
