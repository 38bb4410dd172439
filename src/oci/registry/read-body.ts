import { SgciError } from '../../core/index.ts';

/**
 * Reads a response body into memory, failing with LIMIT_EXCEEDED as soon as it passes `maxBytes`
 * (a hostile registry can lie in Content-Length or send none), and destroying the rest.
 */
export async function readBounded(
  body: AsyncIterable<Uint8Array> & { destroy?: (error?: Error) => void },
  maxBytes: number,
  input: string,
  what: string,
): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  let total = 0;
  for await (const chunk of body) {
    total += chunk.length;
    if (total > maxBytes) {
      body.destroy?.();
      throw new SgciError('LIMIT_EXCEEDED', input, `${what} is larger than the limit of ${maxBytes} bytes`);
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks, total);
}
