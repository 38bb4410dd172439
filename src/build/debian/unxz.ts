/**
 * xz-decompress (xz-embedded compiled to WebAssembly, streaming) over a whole verified file, stopping at a bound.
 * It imports nothing of sgci's, so the index worker (`decompress-worker.ts`) starts with it alone.
 */

export interface XzRequest {
  readonly bytes: Uint8Array;
  readonly maxBytes: number;
}

/** The decompressed bytes, or why there are none: larger than allowed, or not xz. */
export type XzReply = { readonly text: Uint8Array } | { readonly tooLarge: true } | { readonly failure: string };

export async function unxz({ bytes, maxBytes }: XzRequest): Promise<XzReply> {
  const { default: xz } = await import('xz-decompress');
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    const stream = new xz.XzReadableStream(new Blob([new Uint8Array(bytes)]).stream());
    for await (const chunk of stream) {
      size += chunk.length;
      if (size > maxBytes) return { tooLarge: true }; // leaving the loop cancels the stream
      chunks.push(chunk);
    }
  } catch (error) {
    return { failure: error instanceof Error ? error.message : String(error) };
  }
  // one buffer of its own (never Node's shared pool): the worker hands it over without a copy
  const text = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    text.set(chunk, offset);
    offset += chunk.length;
  }
  return { text };
}
