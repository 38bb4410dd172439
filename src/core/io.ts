import { open } from 'node:fs/promises';

/**
 * Read size for streaming blobs from local files (layouts, archives, the blob cache). Node's 64 KiB
 * default costs one thread-pool round trip per 64 KiB: on a 120 MB layer that is ~1,800 trips and
 * about a quarter of a second of the main thread waiting. 1 MiB reads cut that to ~120.
 */
export const blobReadBytes = 1024 * 1024;

/** Bytes as they stream: a Node stream, or a generator of reused buffers (see readFileChunks). */
export type Chunks = AsyncIterable<Uint8Array>;

/**
 * The bytes of a file, or of `length` bytes from `offset`, in chunks of up to `blobReadBytes`. Two
 * buffers are used in turn, the next read running while the consumer handles the current chunk: a
 * chunk is valid only until the next one is asked for (copy what you keep). No allocation per
 * chunk, so a pass over gigabytes leaves no garbage for the collector to chase.
 */
export async function* readFileChunks(
  path: string,
  range?: { offset: number; length: number },
): AsyncGenerator<Uint8Array> {
  const handle = await open(path, 'r');
  const buffers: readonly [Buffer, Buffer] = [Buffer.allocUnsafe(blobReadBytes), Buffer.allocUnsafe(blobReadBytes)];
  let position = range?.offset ?? 0;
  const end = range ? range.offset + range.length : Number.POSITIVE_INFINITY;
  const readInto = (buffer: Buffer) =>
    position >= end
      ? Promise.resolve(0)
      : handle.read(buffer, 0, Math.min(buffer.length, end - position), position).then(({ bytesRead }) => bytesRead);
  let turn: 0 | 1 = 0;
  let pending: Promise<number> | undefined = readInto(buffers[0]);
  try {
    for (;;) {
      const bytesRead = await pending;
      pending = undefined;
      if (bytesRead === 0) return;
      const chunk = buffers[turn].subarray(0, bytesRead);
      position += bytesRead;
      turn = turn === 0 ? 1 : 0;
      pending = readInto(buffers[turn]);
      yield chunk;
    }
  } finally {
    // A consumer that stops early leaves a read in flight: let it land before the handle closes.
    await pending?.catch(() => {});
    await handle.close();
  }
}
