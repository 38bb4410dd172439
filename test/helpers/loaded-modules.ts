/**
 * Preloaded into a child sgci with `--import` (through NODE_OPTIONS): records the URL of every module the
 * process loads, ESM and CommonJS alike, and writes them one per line to the file SGCI_TEST_LOADED_MODULES
 * names when the process exits. test/integration/startup-cli.test.ts reads it to hold the short commands to
 * the modules they need.
 */
import { writeFileSync } from 'node:fs';
import { registerHooks } from 'node:module';

const file = process.env.SGCI_TEST_LOADED_MODULES;
const loaded: string[] = [];
registerHooks({
  load(url, context, nextLoad) {
    loaded.push(url);
    return nextLoad(url, context);
  },
});
process.on('exit', () => {
  if (file) writeFileSync(file, loaded.join('\n'));
});
