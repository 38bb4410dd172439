/**
 * xz-decompress (xz-embedded compiled to WebAssembly, streaming) over a whole verified file, stopping at a bound.
 * It imports nothing of sgci's, so the index worker (`decompress-worker.ts`) starts with it alone.
 */

export interface XzRequest {
  readonly bytes: Uint8Array;
  readonly maxBytes: number;
  /** The size the output should have (the Release's entry for the uncompressed index): one buffer of it, filled. */
  readonly expectedBytes?: number;
}

/** The decompressed bytes, or why there are none: larger than allowed, or not xz. */
export type XzReply = { readonly text: Uint8Array } | { readonly tooLarge: true } | { readonly failure: string };

export async function unxz({ bytes, maxBytes, expectedBytes }: XzRequest): Promise<XzReply> {
  const { default: xz } = await import('xz-decompress');
  // the output goes into one buffer of its own (never Node's shared pool, so the worker hands it over without a
  // copy), sized as expected and grown only if the index is larger: no list of chunks beside a copy of them all
  let text = new Uint8Array(Math.min(expectedBytes ?? 1024 * 1024, maxBytes));
  let size = 0;
  try {
    const stream = new xz.XzReadableStream(new Blob([new Uint8Array(bytes)]).stream());
    for await (const chunk of stream) {
      if (size + chunk.length > maxBytes) return { tooLarge: true }; // leaving the loop cancels the stream
      if (size + chunk.length > text.length) {
        const grown = new Uint8Array(Math.min(maxBytes, Math.max(2 * text.length, size + chunk.length)));
        grown.set(text.subarray(0, size));
        text = grown;
      }
      text.set(chunk, size);
      size += chunk.length;
    }
  } catch (error) {
    return { failure: error instanceof Error ? error.message : String(error) };
  }
  return { text: text.subarray(0, size) };
}
