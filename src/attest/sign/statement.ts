import { z } from 'zod';
import { type Digest, digestHex, SgciError } from '../../core/index.ts';
import { inTotoStatementV1, type PredicateShorthand, predicateTypes } from '../media-types/index.ts';

/** The predicate type URI for a `--type` value: a cosign shorthand or any absolute URI. */
export function resolvePredicateType(type: string): string {
  const known = predicateTypes[type.toLowerCase() as PredicateShorthand];
  if (known) return known;
  if (/^[a-z][a-z0-9+.-]*:\/\/\S+$/i.test(type)) return type;
  throw new SgciError(
    'USAGE',
    type,
    `unknown predicate type; use one of ${Object.keys(predicateTypes).join(', ')} or an absolute URI`,
  );
}

/** The predicate types a `--type` value accepts when verifying. */
export function acceptedPredicateTypes(type: string): readonly string[] {
  const resolved = resolvePredicateType(type);
  if (type.toLowerCase() === 'slsaprovenance') return [resolved, predicateTypes.slsaprovenance02];
  return [resolved];
}

export interface InTotoStatement {
  readonly _type: string;
  readonly subject: readonly { name: string; digest: Record<string, string> }[];
  readonly predicateType: string;
  readonly predicate: unknown;
}

/** An in-toto Statement v1 about one image manifest. */
export function buildStatement(subjectName: string, digest: Digest, predicateType: string, predicate: unknown) {
  const statement: InTotoStatement = {
    _type: inTotoStatementV1,
    subject: [{ name: subjectName, digest: { sha256: digestHex(digest) } }],
    predicateType,
    predicate,
  };
  return statement;
}

/** v0.1 statements are still what cosign verifies from older signers; both are read. */
export const InTotoStatement = z.object({
  _type: z.enum(['https://in-toto.io/Statement/v1', 'https://in-toto.io/Statement/v0.1']),
  subject: z.array(z.object({ name: z.string().optional(), digest: z.record(z.string(), z.string()) })).min(1),
  predicateType: z.string(),
  predicate: z.unknown(),
});

export function parseStatement(bytes: Uint8Array, input: string): InTotoStatement {
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(bytes).toString('utf8'));
  } catch (error) {
    throw new SgciError('SIGNATURE_INVALID', input, 'attestation payload is not JSON', { cause: error });
  }
  const parsed = InTotoStatement.safeParse(json);
  if (!parsed.success)
    throw new SgciError('SIGNATURE_INVALID', input, 'attestation payload is not an in-toto Statement');
  return {
    _type: parsed.data._type,
    subject: parsed.data.subject.map((s) => ({ name: s.name ?? '', digest: s.digest })),
    predicateType: parsed.data.predicateType,
    predicate: parsed.data.predicate,
  };
}

/** Whether a statement's subjects name this manifest digest. */
export function statementCovers(statement: InTotoStatement, digest: Digest): boolean {
  const hex = digestHex(digest);
  const algorithm = digest.slice(0, digest.indexOf(':'));
  return statement.subject.some((s) => s.digest[algorithm]?.toLowerCase() === hex);
}
