/**
 * A verified index (Packages, Packages.gz, Packages.xz) decompressed, its size bounded while it is
 * decompressed: a small signed file may still expand without end.
 *
 * `.xz` goes through xz-decompress (xz-embedded compiled to WebAssembly, streaming) rather than
 * @napi-rs/lzma: on bookworm's 50 MB main Packages both took about 1 s, but the stream can stop at the
 * bound where the native call returns the whole output first, and WebAssembly needs no prebuilt binary per
 * platform.
 */
import { gunzipSync } from 'node:zlib';
import { describe, SgciError } from '../../core/index.ts';

export async function decompressIndex(
  bytes: Uint8Array,
  path: string,
  maxBytes: number,
  input: string,
): Promise<Uint8Array> {
  if (path.endsWith('.gz')) {
    try {
      return gunzipSync(bytes, { maxOutputLength: maxBytes });
    } catch (error) {
      const code =
        (error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE' ? 'LIMIT_EXCEEDED' : 'REPOSITORY_INVALID';
      throw new SgciError(code, input, `cannot decompress: ${describe(error)}`, { cause: error });
    }
  }
  if (path.endsWith('.xz')) return unxz(bytes, maxBytes, input);
  return bytes;
}

async function unxz(bytes: Uint8Array, maxBytes: number, input: string): Promise<Uint8Array> {
  const { default: xz } = await import('xz-decompress');
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    const stream = new xz.XzReadableStream(new Blob([new Uint8Array(bytes)]).stream());
    for await (const chunk of stream) {
      size += chunk.length;
      if (size > maxBytes) break; // leaving the loop cancels the stream
      chunks.push(chunk);
    }
  } catch (error) {
    throw new SgciError('REPOSITORY_INVALID', input, `cannot decompress xz: ${describe(error)}`, { cause: error });
  }
  if (size > maxBytes) throw new SgciError('LIMIT_EXCEEDED', input, `decompresses to more than ${maxBytes} bytes`);
  return Buffer.concat(chunks, size);
}
