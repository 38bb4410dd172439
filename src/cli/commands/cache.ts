import { type Command, Option } from 'commander';
import { BlobCache, defaultCacheMaxBytes, formatSize, parseSize } from '../../cache/index.ts';
import { createLogger } from '../../core/index.ts';
import { renderTable, writeOut } from '../output.ts';

const formatOption = () => new Option('--format <format>', 'output format').choices(['table', 'json']).default('table');

/** `sgci cache info` and `sgci cache prune`: the content-addressed blob cache under $XDG_CACHE_HOME/sgci. */
export function registerCache(program: Command): void {
  const cache = program
    .command('cache')
    .description('show or prune the blob cache ($SGCI_CACHE_DIR, default $XDG_CACHE_HOME/sgci)');

  cache
    .command('info')
    .description('where the cache is, how many blobs it holds and how large it is')
    .addOption(formatOption())
    .action(async (opts: { format: 'table' | 'json' }) => {
      const blobs = new BlobCache({ logger: createLogger() });
      const info = await blobs.info();
      const limit = defaultCacheMaxBytes();
      if (opts.format === 'json') {
        await writeOut(`${JSON.stringify({ ...info, maxBytes: limit }, null, 2)}\n`);
        return;
      }
      await writeOut(
        renderTable(
          ['DIR', 'BLOBS', 'SIZE', 'LIMIT'],
          [[info.dir, String(info.entries), formatSize(info.bytes), formatSize(limit)]],
        ),
      );
    });

  cache
    .command('prune')
    .description('remove least recently used blobs until the cache fits the size limit')
    .option('--max-size <size>', 'keep at most this much, e.g. 500M or 10GiB (default: SGCI_CACHE_MAX_SIZE or 10GiB)')
    .option('--all', 'remove every cached blob')
    .addOption(formatOption())
    .action(async (opts: { maxSize?: string; all?: boolean; format: 'table' | 'json' }) => {
      const maxBytes = opts.all
        ? 0
        : opts.maxSize !== undefined
          ? parseSize(opts.maxSize, '--max-size')
          : defaultCacheMaxBytes();
      const blobs = new BlobCache({ logger: createLogger() });
      const result = await blobs.prune({ maxBytes });
      if (opts.format === 'json') {
        const removed = result.removed.map((e) => ({
          digest: e.digest,
          size: e.size,
          lastUsed: e.lastUsed.toISOString(),
        }));
        await writeOut(`${JSON.stringify({ dir: blobs.dir, maxBytes, ...result, removed }, null, 2)}\n`);
        return;
      }
      await writeOut(
        `Removed ${result.removed.length} blobs (${formatSize(result.removedBytes)}); ` +
          `${result.remainingEntries} blobs (${formatSize(result.remainingBytes)}) remain in ${blobs.dir}\n`,
      );
    });
}
