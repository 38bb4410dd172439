import { readFileSync } from 'node:fs';

/** sgci's version: package.json's, the one source for `--version`, SBOM tool entries, reports and cache keys. */
export const toolVersion: string = (() => {
  const pkg: unknown = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'));
  if (typeof pkg !== 'object' || pkg === null || !('version' in pkg) || typeof pkg.version !== 'string')
    throw new Error('package.json has no version');
  return pkg.version;
})();
