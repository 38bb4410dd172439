import type { Context } from 'hono';
import type { Publisher } from '../catalogue/index.ts';
import type { AppEnv } from './router.ts';
import { publicBase } from './services.ts';

/** Who publishes the catalogue's documents (the VEX author, the feed's author): the catalogue at its public URL. */
export function publisherOf(c: Context<AppEnv>): Publisher {
  const url = publicBase(c.var.deps.config);
  return { name: `sgci-Katalog ${url}`, url };
}
