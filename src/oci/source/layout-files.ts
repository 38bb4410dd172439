import { open, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { type Chunks, describe, readFileChunks, SgciError } from '../../core/index.ts';
import type { ArchiveReader } from './tar-index.ts';

/**
 * Read access to the files of an OCI image layout, wherever it is kept: a directory or an
 * uncompressed tar. Names are layout-relative (`index.json`, `blobs/sha256/…`) and always built by
 * sgci from validated digests, never taken from the image.
 */
export interface LayoutFiles {
  readonly input: string;
  /** The whole file, or undefined when it does not exist; LIMIT_EXCEEDED past `maxBytes`. */
  read(name: string, maxBytes: number): Promise<Uint8Array | undefined>;
  /** The file's bytes (reused buffers: see readFileChunks); SOURCE_NOT_FOUND when it does not exist. */
  open(name: string): Promise<Chunks>;
}

function notRegular(input: string, name: string): SgciError {
  return new SgciError('MANIFEST_INVALID', input, `${name} is not a regular file`);
}

function tooLarge(input: string, name: string, size: number, maxBytes: number): SgciError {
  return new SgciError(
    'LIMIT_EXCEEDED',
    input,
    `${name} (${size} bytes) is larger than the limit of ${maxBytes} bytes`,
  );
}

export function directoryLayoutFiles(root: string, input: string): LayoutFiles {
  return {
    input,
    async read(name, maxBytes) {
      let handle: Awaited<ReturnType<typeof open>>;
      try {
        // A FIFO or device planted in a layout must not block or stream forever.
        if (!(await stat(join(root, name))).isFile()) throw notRegular(input, name);
        handle = await open(join(root, name), 'r');
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
        if (error instanceof SgciError) throw error;
        throw new SgciError('IO_ERROR', input, `cannot read ${name}: ${describe(error)}`, { cause: error });
      }
      try {
        const { size } = await handle.stat();
        if (size > maxBytes) throw tooLarge(input, name, size, maxBytes);
        // Read at most maxBytes + 1 so a file that grows meanwhile is still caught by the bound.
        const data = Buffer.alloc(size + 1);
        let length = 0;
        for (;;) {
          const { bytesRead } = await handle.read(data, length, data.length - length, length);
          if (bytesRead === 0) break;
          length += bytesRead;
          if (length > maxBytes) throw tooLarge(input, name, length, maxBytes);
          if (length === data.length) break;
        }
        return data.subarray(0, length);
      } finally {
        await handle.close();
      }
    },
    async open(name) {
      const path = join(root, name);
      let isFile: boolean;
      try {
        isFile = (await stat(path)).isFile();
      } catch (error) {
        throw new SgciError('SOURCE_NOT_FOUND', input, `${name} is missing from the layout: ${describe(error)}`, {
          cause: error,
        });
      }
      if (!isFile) throw notRegular(input, name);
      return readFileChunks(path);
    },
  };
}

export function tarLayoutFiles(index: ArchiveReader): LayoutFiles {
  return {
    input: index.input,
    async read(name, maxBytes) {
      const member = index.lookup(name);
      if (!member) return undefined;
      return index.read(member, maxBytes, name);
    },
    async open(name) {
      const member = index.lookup(name);
      if (!member) throw new SgciError('SOURCE_NOT_FOUND', index.input, `${name} is missing from the archive`);
      return index.stream(member);
    },
  };
}
