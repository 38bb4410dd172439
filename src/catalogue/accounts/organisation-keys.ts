import { createHash, createPublicKey, type KeyObject } from 'node:crypto';
import { SgciError } from '../../core/index.ts';
import { type Actor, actorId, appendEvent } from '../db/events.ts';
import type { Catalogue, CatalogueDb } from '../db/open.ts';
import { requireOrganisation } from './users.ts';

/** An organisation's public key its image signatures and attestations are verified with. */
export interface TrustedKeyInfo {
  /** `sha256:<hex>` of the DER SubjectPublicKeyInfo: the same key always has the same id. */
  readonly id: string;
  readonly label: string;
  /** `ecdsa-p256`, `rsa-3072`, `ed25519` … */
  readonly algorithm: string;
  /** The key as SPKI PEM, re-encoded: nothing but the key survives from what was uploaded. */
  readonly pem: string;
  readonly addedAt: Date;
  readonly addedBy: string;
}

const maxKeysPerOrganisation = 20;
const maxPemBytes = 16 * 1024;
const curves: Readonly<Record<string, string>> = {
  prime256v1: 'ecdsa-p256',
  secp384r1: 'ecdsa-p384',
  secp521r1: 'ecdsa-p521',
};

function algorithmOf(key: KeyObject, input: string): string {
  const details = key.asymmetricKeyDetails;
  if (key.asymmetricKeyType === 'ec') {
    const name = curves[details?.namedCurve ?? ''];
    if (name) return name;
    throw new SgciError('KEY_INVALID', input, `EC curve ${details?.namedCurve ?? '?'} is not P-256, P-384 or P-521`);
  }
  if (key.asymmetricKeyType === 'rsa') {
    const bits = details?.modulusLength ?? 0;
    if (bits >= 2048) return `rsa-${bits}`;
    throw new SgciError('KEY_INVALID', input, `RSA key of ${bits} bits: at least 2048 are needed`);
  }
  if (key.asymmetricKeyType === 'ed25519') return 'ed25519';
  throw new SgciError('KEY_INVALID', input, `key type ${key.asymmetricKeyType ?? '?'} is not ECDSA, RSA or Ed25519`);
}

/**
 * Reads one `PUBLIC KEY` PEM block. A private key is refused, not turned into its public half: whoever sent it
 * has leaked it.
 */
export function parseTrustedKey(pem: string, label: string): Omit<TrustedKeyInfo, 'addedAt' | 'addedBy'> {
  const input = label || 'key';
  if (pem.length > maxPemBytes) throw new SgciError('KEY_INVALID', input, `PEM larger than ${maxPemBytes} bytes`);
  const blocks = [...pem.matchAll(/-----BEGIN ([A-Z0-9 ]+)-----/g)].map((m) => m[1]);
  if (blocks.some((b) => b?.includes('PRIVATE')))
    throw new SgciError('KEY_INVALID', input, 'this is a private key: send only the public key, and replace this one');
  if (blocks.length !== 1 || blocks[0] !== 'PUBLIC KEY')
    throw new SgciError('KEY_INVALID', input, 'expected exactly one -----BEGIN PUBLIC KEY----- block');
  let key: KeyObject;
  try {
    key = createPublicKey({ key: pem, format: 'pem' });
  } catch (error) {
    throw new SgciError('KEY_INVALID', input, `unreadable public key: ${(error as Error).message}`);
  }
  const der = key.export({ type: 'spki', format: 'der' });
  return {
    id: `sha256:${createHash('sha256').update(der).digest('hex')}`,
    label: label.trim().slice(0, 200),
    algorithm: algorithmOf(key, input),
    pem: key.export({ type: 'spki', format: 'pem' }).toString(),
  };
}

export async function listOrganisationKeys(db: CatalogueDb, organisation: string): Promise<TrustedKeyInfo[]> {
  const rows = await db
    .selectFrom('organisation_keys')
    .selectAll()
    .where('organisation', '=', organisation)
    .orderBy('added_at')
    .orderBy('id')
    .execute();
  return rows.map((r) => ({
    id: r.id,
    label: r.label,
    algorithm: r.algorithm,
    pem: r.pem,
    addedAt: r.added_at,
    addedBy: r.added_by,
  }));
}

/** Makes `keys` the organisation's trusted keys: new ones added, missing ones removed, kept ones keep their date. */
export async function replaceOrganisationKeys(
  catalogue: Catalogue,
  actor: Actor,
  organisation: string,
  keys: readonly { pem: string; label?: string }[],
): Promise<TrustedKeyInfo[]> {
  if (keys.length > maxKeysPerOrganisation)
    throw new SgciError('KEY_INVALID', organisation, `at most ${maxKeysPerOrganisation} keys per organisation`);
  const parsed = keys.map((k, i) => parseTrustedKey(k.pem, k.label ?? `key ${i + 1}`));
  const wanted = new Map(parsed.map((k) => [k.id, k]));
  await catalogue.transaction(async (tx) => {
    await requireOrganisation(tx, organisation);
    const current = await tx
      .selectFrom('organisation_keys')
      .select('id')
      .where('organisation', '=', organisation)
      .orderBy('id')
      .execute();
    const before = current.map((k) => k.id);
    const now = catalogue.now();
    const gone = before.filter((id) => !wanted.has(id));
    if (gone.length > 0)
      await tx
        .deleteFrom('organisation_keys')
        .where('organisation', '=', organisation)
        .where('id', 'in', gone)
        .execute();
    for (const key of wanted.values()) {
      await tx
        .insertInto('organisation_keys')
        .values({ organisation, ...key, added_at: now, added_by: actorId(actor) })
        .onConflict((oc) => oc.columns(['organisation', 'id']).doUpdateSet({ label: key.label }))
        .execute();
    }
    const after = [...wanted.keys()].sort();
    if (after.join() === before.join()) return;
    await appendEvent(tx, {
      actor,
      subject: { kind: 'organisation', id: organisation },
      kind: 'organisation.keys-replaced',
      before: { keys: before },
      after: { keys: after },
      at: now,
    });
  });
  return listOrganisationKeys(catalogue.db, organisation);
}

export async function removeOrganisationKey(
  catalogue: Catalogue,
  actor: Actor,
  organisation: string,
  id: string,
): Promise<void> {
  await catalogue.transaction(async (tx) => {
    const gone = await tx
      .deleteFrom('organisation_keys')
      .where('organisation', '=', organisation)
      .where('id', '=', id)
      .returning('id')
      .executeTakeFirst();
    if (!gone) throw new SgciError('NOT_FOUND', id, `organisation ${organisation} has no such key`);
    await appendEvent(tx, {
      actor,
      subject: { kind: 'organisation', id: organisation },
      kind: 'organisation.key-removed',
      before: { key: id },
      at: catalogue.now(),
    });
  });
}
