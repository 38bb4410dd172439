import { SgciError } from '../../core/index.ts';
import { type Actor, actorId, appendEvent } from '../db/events.ts';
import type { Catalogue, CatalogueDb } from '../db/open.ts';
import type { CredentialsKey } from './secret-box.ts';
import { requireOrganisation } from './users.ts';

const hostPattern = /^(\[[0-9a-f:.]+\]|[a-z0-9.-]+)(:\d{1,5})?$/;
/** Docker Hub answers under several names; credentials are stored under one. */
const dockerHubAliases = new Set(['index.docker.io', 'registry-1.docker.io', 'registry.hub.docker.com']);

/** `HOST[:PORT]` in lower case, Docker Hub's aliases as `docker.io`. */
export function normaliseRegistryHost(host: string): string {
  const normal = host.trim().toLowerCase();
  if (!hostPattern.test(normal)) throw new SgciError('USAGE', host, 'expected a registry HOST or HOST:PORT');
  return dockerHubAliases.has(normal) ? 'docker.io' : normal;
}

/** The sealed password is bound to its row: copied to another organisation or registry it does not open. */
function context(organisation: string, registry: string, username: string): string {
  return `sgci registry credentials\n${organisation}\n${registry}\n${username}`;
}

export interface RegistryCredentials {
  readonly username: string;
  readonly password: string;
}

/** Stores (or replaces) an organisation's login to one registry, the password sealed with the operator's key. */
export async function setRegistryCredentials(
  catalogue: Catalogue,
  actor: Actor,
  key: CredentialsKey | undefined,
  organisation: string,
  credentials: { registry: string; username: string; password: string },
): Promise<void> {
  if (!key)
    throw new SgciError(
      'KEY_INVALID',
      organisation,
      'the server has no credentials key (SGCI_CREDENTIALS_KEY or credentialsKeyFile): refusing to store a password',
    );
  const registry = normaliseRegistryHost(credentials.registry);
  const username = credentials.username;
  const sealed = key.seal(credentials.password, context(organisation, registry, username));
  await catalogue.transaction(async (tx) => {
    await requireOrganisation(tx, organisation);
    const before = await tx
      .selectFrom('registry_credentials')
      .select('username')
      .where('organisation', '=', organisation)
      .where('registry', '=', registry)
      .executeTakeFirst();
    const now = catalogue.now();
    const by = actorId(actor);
    await tx
      .insertInto('registry_credentials')
      .values({ organisation, registry, username, sealed_password: sealed, updated_at: now, updated_by: by })
      .onConflict((oc) =>
        oc
          .columns(['organisation', 'registry'])
          .doUpdateSet({ username, sealed_password: sealed, updated_at: now, updated_by: by }),
      )
      .execute();
    await appendEvent(tx, {
      actor,
      subject: { kind: 'organisation', id: organisation },
      kind: 'registry-credentials.set',
      before: before ? { registry, username: before.username } : null,
      after: { registry, username },
      at: now,
    });
  });
}

export interface RegistryCredentialsInfo {
  readonly registry: string;
  readonly username: string;
  readonly updatedAt: Date;
}

/** What an organisation has stored: registries and usernames, never a password. */
export async function listRegistryCredentials(
  db: CatalogueDb,
  organisation: string,
): Promise<RegistryCredentialsInfo[]> {
  const rows = await db
    .selectFrom('registry_credentials')
    .select(['registry', 'username', 'updated_at'])
    .where('organisation', '=', organisation)
    .orderBy('registry')
    .execute();
  return rows.map((r) => ({ registry: r.registry, username: r.username, updatedAt: r.updated_at }));
}

export async function deleteRegistryCredentials(
  catalogue: Catalogue,
  actor: Actor,
  organisation: string,
  registryHost: string,
): Promise<void> {
  const registry = normaliseRegistryHost(registryHost);
  await catalogue.transaction(async (tx) => {
    const gone = await tx
      .deleteFrom('registry_credentials')
      .where('organisation', '=', organisation)
      .where('registry', '=', registry)
      .returning('username')
      .executeTakeFirst();
    if (!gone) throw new SgciError('NOT_FOUND', registry, `organisation ${organisation} has no credentials for it`);
    await appendEvent(tx, {
      actor,
      subject: { kind: 'organisation', id: organisation },
      kind: 'registry-credentials.deleted',
      before: { registry, username: gone.username },
      at: catalogue.now(),
    });
  });
}

/**
 * The decrypted login of `organisation` for `registryHost`, for the job that pulls its images; undefined when none
 * is stored. Fails (KEY_INVALID) when stored ones cannot be opened with `key`: a changed key must be noticed, not
 * turned into an anonymous pull.
 */
export async function registryCredentialsFor(
  catalogue: Catalogue,
  organisation: string,
  registryHost: string,
  key: CredentialsKey | undefined,
): Promise<RegistryCredentials | undefined> {
  const registry = normaliseRegistryHost(registryHost);
  const row = await catalogue.db
    .selectFrom('registry_credentials')
    .select(['username', 'sealed_password'])
    .where('organisation', '=', organisation)
    .where('registry', '=', registry)
    .executeTakeFirst();
  if (!row) return undefined;
  if (!key)
    throw new SgciError(
      'KEY_INVALID',
      organisation,
      `credentials for ${registry} are stored but the server has no key`,
    );
  return {
    username: row.username,
    password: key.open(row.sealed_password, context(organisation, registry, row.username)),
  };
}
