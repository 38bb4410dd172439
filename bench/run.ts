/**
 * `npm run bench`: every capability's benchmark, one after the other (they compete for the same two cores
 * otherwise). Each prints its own table of sgci against the peer and the floor with ratios.
 * `npm run bench -- fs sbom` runs a subset.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

const only = new Set(process.argv.slice(2));
const benches = readdirSync(import.meta.dirname)
  .filter((name) => name.endsWith('.ts') && name !== 'run.ts' && !name.endsWith('.test.ts'))
  .map((name) => name.slice(0, -'.ts'.length))
  .filter((name) => only.size === 0 || only.has(name))
  .sort();

let failed = 0;
for (const name of benches) {
  process.stdout.write(`\n=== bench ${name}\n`);
  const result = spawnSync(process.execPath, [join(import.meta.dirname, `${name}.ts`)], { stdio: 'inherit' });
  if (result.status !== 0) {
    failed += 1;
    process.stdout.write(`bench ${name} failed with exit ${result.status ?? result.signal}\n`);
  }
}
process.exitCode = failed ? 1 : 0;
