import type { KeyObject } from 'node:crypto';
import type { InTotoStatement, Signer } from '../attest/index.ts';
import { digestHex, parseDigest, SgciError, toolVersion } from '../core/index.ts';
import type { StoredAlarm, StoredObservation, WatchKey } from '../store/index.ts';
import type { HistoryPredicate } from './schema.ts';
import { formatWatch } from './watch-key.ts';

/** The predicate type of a signed ledger export: what `monitor verify-export` accepts and nothing else. */
export const historyPredicateType = 'https://opencode.de/sgci/monitor-history/v1';

/**
 * An in-toto Statement v1 over a tag's ledger: every digest the tag pointed at is a subject (so the statement is
 * found by any of them), the predicate carries the rows, classifications and alarms. An auditor verifies rebuild
 * frequency and time-to-patch claims from it without access to the store.
 */
export async function historyStatement(
  key: WatchKey,
  rows: readonly StoredObservation[],
  alarms: readonly StoredAlarm[],
  now: Date,
): Promise<InTotoStatement> {
  // the signing module loads with the export: a round never needs it
  const { inTotoStatementV1 } = await import('../attest/index.ts');
  const name = formatWatch(key);
  if (rows.length === 0)
    throw new SgciError('NOT_FOUND', name, 'no observations to export: run sgci monitor run first');
  const digests = [...new Set(rows.map((r) => r.digest))].sort();
  const predicate: HistoryPredicate = {
    tag: name,
    platform: key.platform,
    observer: { tool: 'sgci', version: toolVersion },
    exportedAt: now.toISOString(),
    entries: rows.map((r) => ({
      digest: r.digest,
      platformDigest: r.platformDigest,
      configDigest: r.configDigest,
      diffIds: [...r.diffIds],
      firstSeen: r.firstSeen,
      lastSeen: r.lastSeen,
      source: r.source,
      change: r.change,
    })),
    alarms: alarms.map((a) => ({
      kind: a.kind,
      ...(a.digest ? { digest: a.digest } : {}),
      raisedAt: a.raisedAt,
      detail: a.detail,
    })),
  };
  return {
    _type: inTotoStatementV1,
    subject: digests.map((digest) => ({
      name: `${key.registry}/${key.repository}`,
      digest: { sha256: digestHex(parseDigest(digest, name)) },
    })),
    predicateType: historyPredicateType,
    predicate,
  };
}

/** The statement in a DSSE envelope signed with the operator's key: the bytes of the export file. */
export async function signHistory(signer: Signer, statement: InTotoStatement): Promise<Uint8Array> {
  const { cosign, envelopeBytes, signEnvelope } = await import('../attest/index.ts');
  const envelope = await signEnvelope(
    signer,
    cosign.inTotoPayloadType,
    new TextEncoder().encode(JSON.stringify(statement)),
  );
  return envelopeBytes(envelope);
}

/** Verifies an export against a public key and returns its predicate; SIGNATURE_INVALID names the file otherwise. */
export async function verifyHistory(bytes: Uint8Array, key: KeyObject, input: string): Promise<HistoryPredicate> {
  // the signing modules and the predicate's zod schema load with the verification: a round never needs them
  const [{ cosign, openEnvelope, parseEnvelope, parseStatement }, schema] = await Promise.all([
    import('../attest/index.ts'),
    import('./schema.ts'),
  ]);
  const envelope = parseEnvelope(bytes, input);
  if (envelope.payloadType !== cosign.inTotoPayloadType) {
    throw new SgciError('SIGNATURE_INVALID', input, `payload type ${envelope.payloadType} is not an in-toto statement`);
  }
  const payload = openEnvelope(envelope, key);
  if (!payload) throw new SgciError('SIGNATURE_INVALID', input, 'no signature verifies with the given key');
  const statement = parseStatement(payload, input);
  if (statement.predicateType !== historyPredicateType) {
    throw new SgciError(
      'SIGNATURE_INVALID',
      input,
      `predicate type ${statement.predicateType} is not a monitor history`,
    );
  }
  const predicate = schema.HistoryPredicate.safeParse(statement.predicate);
  if (!predicate.success) throw new SgciError('SIGNATURE_INVALID', input, 'the monitor history predicate is malformed');
  return predicate.data;
}
