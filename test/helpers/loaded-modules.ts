/**
 * Preloaded into a child sgci with `--import` (through NODE_OPTIONS): records the URL of every module the
 * process loads, ESM and CommonJS alike, and writes them one per line to the file SGCI_TEST_LOADED_MODULES
 * names when the process exits. test/integration/startup-cli.test.ts reads it to hold the short commands to
 * the modules they need. Two kinds of line besides: `worker:` for each worker thread started, and `compiled:`
 * for each of Node's built-in modules loaded once sgci's own modules began to (`bin/sgci.js` has set its V8
 * flags by then, so V8 compiles such a module from its source instead of taking it from Node's code cache).
 */
import { subscribe } from 'node:diagnostics_channel';
import { writeFileSync } from 'node:fs';
import { registerHooks } from 'node:module';

const file = process.env.SGCI_TEST_LOADED_MODULES;
const loaded: string[] = [];
let flagsSet: number | undefined;
/** Node's own list of what it loaded, in order (`NativeModule name` for a built-in); not in @types/node. */
const moduleLoadList = (): readonly string[] => (process as unknown as { moduleLoadList: string[] }).moduleLoadList;
registerHooks({
  load(url, context, nextLoad) {
    if (flagsSet === undefined && url.endsWith('/src/cli/main.ts')) flagsSet = moduleLoadList().length;
    loaded.push(url);
    return nextLoad(url, context);
  },
});
subscribe('worker_threads', () => loaded.push('worker:'));
process.on('exit', () => {
  const builtins = flagsSet === undefined ? [] : moduleLoadList().slice(flagsSet);
  for (const entry of builtins) if (entry.startsWith('NativeModule ')) loaded.push(`compiled:${entry.slice(13)}`);
  if (file) writeFileSync(file, loaded.join('\n'));
});
