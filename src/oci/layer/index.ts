export {
  type Compression,
  compressionFromMagic,
  compressionFromMediaType,
  createDecompressor,
} from './compression.ts';
export { decompressChunks } from './decompress.ts';
export { InflatePool, layerJobs, maxLayerWorkers, readAheadBytes } from './inflate-pool.ts';
export {
  compressionRatioFloor,
  type ImageBudget,
  type LayerBytes,
  type LayerHandler,
  type LayerReadResult,
  minWorkerLayerBytes,
  openLayerBytes,
  type ReadLayerOptions,
  readLayer,
} from './read-layer.ts';
export { decodeName, encodeName } from './tar-fields.ts';
export { type TarEntryType, type TarHandler, type TarHeader, TarParser, type TarParserLimits } from './tar-parser.ts';
