import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type Digest, describe, parseDigest, SgciError, verifyDigest } from '../../core/index.ts';

/** A descriptor as this builder writes them into index.json and image indexes. */
export interface LayoutDescriptor {
  readonly mediaType: string;
  readonly digest: string;
  readonly size: number;
  readonly platform?: { readonly architecture: string; readonly os: string };
}

/** One blob of a layout, checked against its digest: the layout may have changed since the build wrote it. */
export async function readBlob(layout: string, digest: string): Promise<Buffer> {
  const expected: Digest = parseDigest(digest, layout);
  let bytes: Buffer;
  try {
    bytes = await readFile(join(layout, 'blobs', ...digest.split(':')));
  } catch (error) {
    throw new SgciError('IO_ERROR', layout, `cannot read blob ${digest}: ${describe(error)}`, { cause: error });
  }
  verifyDigest(bytes, expected, layout);
  return bytes;
}

export async function readJsonBlob<T>(layout: string, digest: string): Promise<T> {
  return JSON.parse((await readBlob(layout, digest)).toString('utf8')) as T;
}

/** The descriptor index.json names (one per tag, all the same image). */
export async function rootDescriptor(layout: string): Promise<LayoutDescriptor> {
  let text: string;
  try {
    text = await readFile(join(layout, 'index.json'), 'utf8');
  } catch (error) {
    throw new SgciError('IO_ERROR', layout, `cannot read index.json: ${describe(error)}`, { cause: error });
  }
  const root = (JSON.parse(text) as { manifests?: LayoutDescriptor[] }).manifests?.[0];
  if (root === undefined) throw new SgciError('MANIFEST_INVALID', layout, 'index.json names no image');
  return root;
}

export function isIndex(descriptor: LayoutDescriptor): boolean {
  return descriptor.mediaType.endsWith('index.v1+json');
}

/** The image manifests of a layout this builder wrote, by `os/arch`: the root itself or the entries of its index. */
export async function platformManifests(layout: string): Promise<Map<string, LayoutDescriptor>> {
  const root = await rootDescriptor(layout);
  const out = new Map<string, LayoutDescriptor>();
  const entries = isIndex(root)
    ? (await readJsonBlob<{ manifests: LayoutDescriptor[] }>(layout, root.digest)).manifests
    : [root];
  for (const m of entries) out.set(m.platform ? `${m.platform.os}/${m.platform.architecture}` : 'image', m);
  return out;
}
