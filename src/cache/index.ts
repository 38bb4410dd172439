export {
  BlobCache,
  type BlobCacheOptions,
  type BlobCacheWriter,
  type CacheEntry,
  type CacheInfo,
  type PruneResult,
} from './blob-cache.ts';
export { defaultCacheMaxBytes, formatSize, parseSize } from './size.ts';
