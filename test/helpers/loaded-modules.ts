/**
 * Preloaded into a child sgci with `--import` (through NODE_OPTIONS): records the URL of every module the
 * process loads, ESM and CommonJS alike, and writes them one per line to the file SGCI_TEST_LOADED_MODULES
 * names when the process exits. test/integration/startup-cli.test.ts reads it to hold the short commands to
 * the modules they need. Two kinds of line besides: `worker:` for each worker thread started, and, when the child
 * runs with `--expose-internals`, `compiled:` for each of Node's built-in modules compiled from source instead of
 * taken from the code cache inside the Node binary (one loaded under sgci's V8 flags: core/v8-flags.ts).
 */
import { subscribe } from 'node:diagnostics_channel';
import { writeFileSync } from 'node:fs';
import { createRequire, registerHooks } from 'node:module';

const file = process.env.SGCI_TEST_LOADED_MODULES;
const loaded: string[] = [];
registerHooks({
  load(url, context, nextLoad) {
    loaded.push(url);
    return nextLoad(url, context);
  },
});
subscribe('worker_threads', () => loaded.push('worker:'));

/** Node's own account of its built-ins (test/parallel/test-code-cache.js reads the same). */
interface BuiltinCacheUsage {
  readonly compiledWithoutCache: Set<string>;
}

function compiledFromSource(): string[] {
  if (!process.execArgv.includes('--expose-internals')) return [];
  const { internalBinding } = createRequire(import.meta.url)('internal/test/binding') as {
    internalBinding(name: 'builtins'): { getCacheUsage(): BuiltinCacheUsage };
  };
  // the binding this reads with is loaded here, for the test only
  return [...internalBinding('builtins').getCacheUsage().compiledWithoutCache].filter(
    (name) => name !== 'internal/test/binding',
  );
}

process.on('exit', () => {
  for (const name of compiledFromSource()) loaded.push(`compiled:${name}`);
  if (file) writeFileSync(file, loaded.join('\n'));
});
