import type { Gunzip, ZstdDecompress } from 'node:zlib';
import * as zlib from 'node:zlib';

export type Compression = 'gzip' | 'zstd' | 'none';

/** What the media type claims, or undefined when it says nothing we know (foreign or odd types). */
export function compressionFromMediaType(mediaType: string): Compression | undefined {
  if (/[+.]gzip$/.test(mediaType)) return 'gzip';
  if (/[+.]zstd$/.test(mediaType)) return 'zstd';
  if (/[.+/]tar$/.test(mediaType)) return 'none';
  return undefined;
}

/** What the first bytes are: gzip `1f 8b`, zstd frame `28 b5 2f fd`, anything else is treated as tar. */
export function compressionFromMagic(head: Uint8Array): Compression {
  if (head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b) return 'gzip';
  if (head.length >= 4 && head[0] === 0x28 && head[1] === 0xb5 && head[2] === 0x2f && head[3] === 0xfd) return 'zstd';
  return 'none';
}

/** Output chunk size of the decompressors: large enough to keep per-chunk overhead low. */
export const decompressorChunkBytes = 256 * 1024;

export function createDecompressor(compression: Exclude<Compression, 'none'>): Gunzip | ZstdDecompress {
  return decompressorOf(zlib, compression, decompressorChunkBytes);
}

/**
 * The decompressor for `compression`. Self-contained (it names nothing outside itself): the inflate
 * worker runs it from its source text, with its own `zlib`.
 */
export function decompressorOf(
  zlibModule: typeof zlib,
  compression: Exclude<Compression, 'none'>,
  chunkSize: number,
): Gunzip | ZstdDecompress {
  if (compression === 'gzip') return zlibModule.createGunzip({ chunkSize });
  // A zstd frame may declare a window of up to 2 GiB; cap it so a hostile frame cannot make
  // the decoder allocate that much (zstd's own default cap for decoding is 128 MiB = 2^27).
  return zlibModule.createZstdDecompress({ chunkSize, params: { [zlibModule.constants.ZSTD_d_windowLogMax]: 27 } });
}
