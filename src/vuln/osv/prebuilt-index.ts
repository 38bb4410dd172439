import { createVerify, type KeyObject } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { copyFile, mkdtemp, open, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, SgciError, writeFileAtomic } from '../../core/index.ts';
import type { IndexDatabase } from '../ports.ts';
import { fetchAdvisoryBytes, fetchAdvisoryFile } from './fetch.ts';

/**
 * A prebuilt advisory index: the whole advisory database as one SQLite file (`sgci db export`), for sites that
 * fetch nothing from osv.dev. It is signed like `cosign sign-blob` signs a file: `<index>.sig` holds the base64 of
 * an ECDSA P-256 (or RSA) signature over the file's SHA-256, so `cosign verify-blob --key K --signature
 * <index>.sig <index>` and `openssl dgst -sha256 -verify` check it too. sgci verifies a private copy before
 * opening it and installs exactly the bytes it verified.
 */

export interface IndexLimits {
  readonly maxIndexBytes: number;
  readonly timeoutMs: number;
}

export const defaultIndexLimits: IndexLimits = Object.freeze({
  maxIndexBytes: 8 * 1024 * 1024 * 1024,
  timeoutMs: 600_000,
});

/** A signature file holds some hundred bytes of base64; anything large is not one. */
const maxSignatureBytes = 64 * 1024;

export interface IndexUpdate {
  readonly index: string;
  readonly status: 'updated' | 'not-modified';
  readonly result?: { records: number; written: number; unchanged: number; removed: number };
}

/** Where the signature of an index lives: `<index>.sig`, also for a URL with a query. */
export function signatureLocation(index: string): string {
  if (!isUrl(index)) return `${index}.sig`;
  const url = new URL(index);
  url.pathname = `${url.pathname}.sig`;
  return url.toString();
}

function isUrl(location: string): boolean {
  return /^https?:\/\//i.test(location);
}

function decodeSignature(text: string, input: string): Buffer {
  const base64 = text.trim();
  if (base64.length === 0 || !/^[A-Za-z0-9+/]+={0,2}$/.test(base64))
    throw new SgciError('SIGNATURE_INVALID', input, 'not a base64 signature (as cosign sign-blob writes)');
  return Buffer.from(base64, 'base64');
}

/** Verifies `file` against the signature, reading it as a stream (an index can be larger than memory allows). */
export async function verifyIndexSignature(
  file: string,
  signature: Uint8Array,
  publicKey: KeyObject,
  input: string,
): Promise<void> {
  const type = publicKey.asymmetricKeyType;
  if (type !== 'ec' && type !== 'rsa')
    throw new SgciError(
      'KEY_INVALID',
      input,
      `index signatures are ECDSA or RSA over SHA-256, not ${type ?? 'unknown'}`,
    );
  const verifier = createVerify('sha256');
  for await (const chunk of createReadStream(file)) verifier.update(chunk as Buffer);
  let valid: boolean;
  try {
    valid = verifier.verify({ key: publicKey, dsaEncoding: 'der' }, signature);
  } catch {
    // not even DER: simply not a valid signature
    valid = false;
  }
  if (!valid)
    throw new SgciError(
      'SIGNATURE_INVALID',
      input,
      'the signature does not match the index and key: nothing installed',
    );
}

/** Writes `<file>.sig`: the base64 signature of the file, in cosign sign-blob's format. */
export async function signIndex(
  file: string,
  signer: { sign(data: Uint8Array): Promise<Uint8Array> },
): Promise<string> {
  const signature = await signer.sign(await readFile(file));
  const path = signatureLocation(file);
  await writeFileAtomic(path, `${Buffer.from(signature).toString('base64')}\n`);
  return path;
}

/** An error's message without the input it names first (to name it again under another input). */
function reason(error: unknown): string {
  return error instanceof SgciError && error.message.startsWith(`${error.input}: `)
    ? error.message.slice(error.input.length + 2)
    : describe(error);
}

async function readSignatureFile(path: string): Promise<Buffer> {
  const handle = await open(path, 'r').catch((error: unknown) => {
    throw new SgciError('SIGNATURE_NOT_FOUND', path, `cannot read the signature: ${describe(error)}`, { cause: error });
  });
  try {
    const size = (await handle.stat()).size;
    if (size > maxSignatureBytes)
      throw new SgciError('SIGNATURE_INVALID', path, `${size} bytes: larger than any signature`);
    return await handle.readFile();
  } finally {
    await handle.close();
  }
}

/**
 * Fetches a prebuilt index (http(s) URL, with the validators of the last response, or a local path) and its
 * signature into a private directory, verifies the copy with `publicKey`, then installs it in one transaction.
 * A bad signature, a wrong key or an unreadable file install nothing.
 */
export async function updateFromIndex(
  db: IndexDatabase,
  options: { readonly index: string; readonly publicKey: KeyObject; readonly limits?: Partial<IndexLimits> },
): Promise<IndexUpdate> {
  const { index, publicKey } = options;
  const limits: IndexLimits = { ...defaultIndexLimits, ...options.limits };
  const dir = await mkdtemp(join(tmpdir(), 'sgci-index-'));
  try {
    const file = join(dir, 'index.db');
    let validators: { etag?: string; lastModified?: string } = {};
    let signature: Uint8Array;
    if (isUrl(index)) {
      const previous = await db.advisories.feed(index);
      const fetched = await fetchAdvisoryFile(index, file, {
        ...(previous?.etag ? { etag: previous.etag } : {}),
        ...(previous?.lastModified ? { lastModified: previous.lastModified } : {}),
        maxBytes: limits.maxIndexBytes,
        timeoutMs: limits.timeoutMs,
      });
      if (fetched.status === 'not-modified') return { index, status: 'not-modified' };
      validators = {
        ...(fetched.etag ? { etag: fetched.etag } : {}),
        ...(fetched.lastModified ? { lastModified: fetched.lastModified } : {}),
      };
      const sigUrl = signatureLocation(index);
      const sig = await fetchAdvisoryBytes(sigUrl, { maxBytes: maxSignatureBytes, timeoutMs: limits.timeoutMs }).catch(
        (error: unknown) => {
          throw new SgciError('SIGNATURE_NOT_FOUND', sigUrl, `cannot fetch the signature: ${reason(error)}`, {
            cause: error,
          });
        },
      );
      if (sig.status !== 'ok') throw new SgciError('SIGNATURE_NOT_FOUND', sigUrl, 'no signature');
      signature = decodeSignature(Buffer.from(sig.bytes).toString('utf8'), sigUrl);
    } else {
      const size = (await stat(index).catch(() => undefined))?.size;
      if (size === undefined) throw new SgciError('SOURCE_NOT_FOUND', index, 'no such index file');
      if (size > limits.maxIndexBytes)
        throw new SgciError('LIMIT_EXCEEDED', index, `index of ${size} bytes exceeds ${limits.maxIndexBytes}`);
      await copyFile(index, file);
      const sigPath = signatureLocation(index);
      signature = decodeSignature((await readSignatureFile(sigPath)).toString('utf8'), sigPath);
    }
    await verifyIndexSignature(file, signature, publicKey, index);
    return { index, status: 'updated', result: await db.installIndex(file, { url: index, ...validators }) };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
