import { homedir } from 'node:os';
import { join } from 'node:path';

/** `$XDG_CACHE_HOME/sgci`: content-addressed blobs; safe to delete at any time. */
export function cacheDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.SGCI_CACHE_DIR) return env.SGCI_CACHE_DIR;
  return join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'sgci');
}

/** `$SGCI_HOME` (default `$XDG_DATA_HOME/sgci`): the embedded database, keys the user made, settings. */
export function dataDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.SGCI_HOME) return env.SGCI_HOME;
  return join(env.XDG_DATA_HOME || join(homedir(), '.local', 'share'), 'sgci');
}
