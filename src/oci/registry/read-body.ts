import { SgciError } from '../../core/index.ts';
import { bodyError } from './transport.ts';

/**
 * Reads a response body into memory, failing with LIMIT_EXCEEDED as soon as it passes `maxBytes`
 * (a hostile registry can lie in Content-Length or send none), and destroying the rest. A body that
 * breaks off or goes silent is one coded line naming `what` and the URL it came from.
 */
export async function readBounded(
  body: AsyncIterable<Uint8Array> & { destroy?: (error?: Error) => void },
  maxBytes: number,
  input: string,
  what: string,
  url?: URL,
): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    for await (const chunk of body) {
      total += chunk.length;
      if (total > maxBytes) {
        body.destroy?.();
        throw new SgciError('LIMIT_EXCEEDED', input, `${what} is larger than the limit of ${maxBytes} bytes`);
      }
      chunks.push(chunk);
    }
  } catch (error) {
    throw bodyError(error, { input, what, ...(url ? { url } : {}) });
  }
  return Buffer.concat(chunks, total);
}
