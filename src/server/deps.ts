import type { CatalogueServices } from '../catalogue/index.ts';
import type { Logger } from '../core/index.ts';
import type { ServerConfig } from './config.ts';
import type { Metrics } from './metrics.ts';

/** What every handler reaches through `c.var.deps`: one object, built by `serve`, no module-level state. */
export interface ServerDeps extends CatalogueServices {
  readonly config: ServerConfig;
  readonly logger: Logger;
  readonly metrics: Metrics;
  /** Whether this process accepts work: false while it shuts down (readyz answers 503). */
  readonly accepting: () => boolean;
  /** Tells this process's worker that a job was queued (claim now, not at the next poll). */
  readonly wake?: () => void;
}
