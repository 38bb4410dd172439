import type { BlobCache } from '../cache/index.ts';
import type { Catalogue, MonitorRounds } from '../catalogue/index.ts';
import { defaultLimits, type Logger } from '../core/index.ts';
import { pipelineScanner } from '../monitor/index.ts';
import { RegistryClient, RegistryHostPolicy } from '../oci/registry/index.ts';
import { openImage } from '../oci/source/index.ts';
import type { Policy } from '../policy/index.ts';
import { storeMatcher, storeScanCache } from '../scan/index.ts';
import type { Store } from '../store/index.ts';
import type { ServerConfig } from './config.ts';

/**
 * What the server's monitor rounds run on: the watches and ledger of `store` (the same one `sgci monitor add|run`
 * writes: the catalogue's PostgreSQL, or the CLI's SQLite beside the embedded server), registries through the host
 * policy (`allowRegistry`), anonymous pulls, scans by the one pipeline with the catalogue's scan cache.
 */
export function monitorRounds(options: {
  readonly config: Pick<ServerConfig, 'insecureRegistry' | 'allowRegistry'>;
  readonly logger: Logger;
  readonly catalogue: Catalogue;
  readonly store: Store;
  readonly policy: Policy;
  readonly cache: BlobCache;
}): MonitorRounds {
  const { config, logger, catalogue, store, policy, cache } = options;
  const limits = defaultLimits;
  const hostPolicy = new RegistryHostPolicy({ allow: config.allowRegistry });
  const insecureRegistries = config.insecureRegistry;
  return {
    monitor: store.monitor,
    limits,
    openClient: (onResponse) =>
      new RegistryClient({ limits, logger, insecureRegistries, hostPolicy, retry: { attempts: 1 }, onResponse }),
    scan: pipelineScanner({
      openImage: (reference, platform) =>
        openImage(reference, { platform, limits, logger, insecureRegistries, hostPolicy, cache }),
      cache: storeScanCache(catalogue.store),
      matcher: storeMatcher(store),
      policy,
      clock: catalogue.now,
      limits,
    }),
  };
}
