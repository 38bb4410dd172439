import type { Limits, Logger } from '../../core/index.ts';
import type { ResolveOptions } from '../image/index.ts';

/** Everything a source needs once the CLI/library options are resolved to values. */
export interface SourceOptions extends ResolveOptions {
  readonly limits: Limits;
  readonly logger: Logger;
  readonly insecureRegistries: readonly string[];
  readonly username?: string;
  readonly password?: string;
}
