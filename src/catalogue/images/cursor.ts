import { SgciError } from '../../core/index.ts';

/**
 * Where the next page of the image list starts: after this name in name order, or after this rank and name in
 * search order. Keyset, not offset: images added or removed meanwhile never shift a page.
 */
export type ImageCursor =
  | { readonly order: 'name'; readonly name: string }
  | { readonly order: 'rank'; readonly rank: number; readonly name: string };

/** The cursor as the client sees it: base64url of a small JSON document, opaque by contract. */
export function encodeImageCursor(cursor: ImageCursor): string {
  const body = cursor.order === 'name' ? { n: cursor.name } : { r: cursor.rank, n: cursor.name };
  return Buffer.from(JSON.stringify(body), 'utf8').toString('base64url');
}

/** Reads a cursor back; anything this server did not write is a USAGE error naming `cursor`. */
export function decodeImageCursor(text: string): ImageCursor {
  const invalid = () => new SgciError('USAGE', 'cursor', 'not a cursor of this list: start again without it');
  if (!/^[A-Za-z0-9_-]{1,400}$/.test(text)) throw invalid();
  let body: unknown;
  try {
    body = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  } catch {
    throw invalid();
  }
  if (!body || typeof body !== 'object' || Array.isArray(body)) throw invalid();
  const { n, r, ...rest } = body as Record<string, unknown>;
  if (Object.keys(rest).length > 0 || typeof n !== 'string' || n.length === 0 || n.length > 64) throw invalid();
  if (r === undefined) return { order: 'name', name: n };
  if (typeof r !== 'number' || !Number.isFinite(r)) throw invalid();
  return { order: 'rank', rank: r, name: n };
}
