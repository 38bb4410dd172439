#!/usr/bin/env node
// sgci runs its TypeScript sources directly on Node's built-in type stripping (Node >= 22.18).
if (!process.features?.typescript) {
  process.stderr.write(
    `sgci: Node.js ${process.versions.node} cannot run TypeScript sources; use Node.js 24 LTS (or 22.18+)\n`,
  );
  process.exit(2);
}
// V8's compile cache spares stripping the types and compiling the sources on every start (~0.3 s of a short
// command). It lives beside the blob cache (core/paths.ts `cacheDir`), under the user's home, never in Node's default
// directory in the shared temp dir: that belongs to whichever user created it first, fails for everyone else, and
// code cached there by another user would run as this one. Where the user's directory cannot be written, sgci runs
// without the cache. NODE_COMPILE_CACHE, when set, is Node's own and wins.
// `sgci build …` runs with V8 flags of its own (core/v8-flags.ts, profile `build`), which V8 hashes into every code
// cache it checks: its compile cache is a directory of its own, or it and the other commands would each find the
// other's entries rejected and write them anew, run after run.
const profile = process.argv[2] === 'build' ? 'build' : 'scan';
const { enableCompileCache } = await import('node:module');
if (enableCompileCache !== undefined && !process.env.NODE_COMPILE_CACHE) {
  const { homedir } = await import('node:os');
  const { join } = await import('node:path');
  const { env } = process;
  const cache = env.SGCI_CACHE_DIR || join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'sgci');
  enableCompileCache(join(cache, profile === 'scan' ? 'node-compile-cache' : `node-compile-cache-${profile}`));
}
// A reader that stops early (`sgci sbom … | head`) is not an error: stop quietly, like other CLI tools do.
process.stdout.on('error', (error) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});
// Node's built-in modules that the CLI's core and commander import load before the V8 flags below are set: a flag
// that differs from its default changes the hash V8 checks code caches against, and these were cached with the
// defaults inside the Node binary. Loaded after the change, each would be parsed and compiled anew on every run,
// and so would every function of theirs the scan calls (~30 ms of CPU on `sgci sbom`, issue 17). sgci's own modules
// are cached with the flags set, the same on every run.
// The same holds for what loads on first use: `performance` and `navigator` (perf_hooks, internal/navigator), the
// streams `fs` exports and `net`'s BlockList (an ESM import of either evaluates its lazy exports), import.meta's
// support and worker_threads for the hash worker (~6 ms of `sgci sbom`). What only the registry client uses loads
// with it (core/v8-flags.ts `loadBuiltins`); test/integration/startup-cli.test.ts holds the commands to that.
await Promise.all(
  [
    'node:child_process',
    'node:crypto',
    'node:fs',
    'node:fs/promises',
    'node:net',
    'node:os',
    'node:perf_hooks',
    'node:process',
    'node:stream',
    'node:worker_threads',
    'node:zlib',
  ].map((name) => import(name)),
);
void globalThis.navigator;
const sources = new URL('../src/', import.meta.url).href;
// sgci's sources import each other by relative paths, resolved without Node's file system checks (~15 ms of
// `sgci sbom`; src/cli/source-resolve.ts says why that is safe).
const { resolveSourcesDirectly } = await import('../src/cli/source-resolve.ts');
resolveSourcesDirectly(sources);
// sgci's V8 flags (src/core/v8-flags.ts says why each) come after them.
const { tuneV8 } = await import('../src/core/v8-flags.ts');
tuneV8(profile);
const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv);
// Done: main returns once a command's work is over (`serve` and `worker` once they have shut down). Left to end by
// itself, Node would first wait for V8's background jobs, such as optimising compiles no code will run any more
// (0-6 ms of a short command, issue 17). Output still buffered for a slow reader is written first.
for (const stream of [process.stdout, process.stderr]) {
  if (stream.writableLength > 0) await new Promise((resolve) => stream.once('drain', resolve));
}
process.exit();
