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
const { enableCompileCache } = await import('node:module');
if (enableCompileCache !== undefined && !process.env.NODE_COMPILE_CACHE) {
  const { homedir } = await import('node:os');
  const { join } = await import('node:path');
  const { env } = process;
  const cache = env.SGCI_CACHE_DIR || join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'sgci');
  enableCompileCache(join(cache, 'node-compile-cache'));
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
await Promise.all(
  ['node:child_process', 'node:crypto', 'node:fs/promises', 'node:os', 'node:stream', 'node:zlib'].map(
    (name) => import(name),
  ),
);
const { setFlagsFromString } = await import('node:v8');
// V8 doubles the young generation (up to two 16 MiB semi-spaces) whenever many objects survive a scavenge, which
// a layer pass's one record per file makes them do: on a 2 GB image that was ~100 MiB of peak RSS for no CPU saved
// (issue 17, docs/filesystem.md). Keep it at its starting size; read by V8 at each growth, so it works at run time.
// Likewise the old generation: after each full collection V8 lets it grow to a multiple of what survived before
// the next, and under load (concurrent marking starved of a core) it gets there; a layer pass's records all survive,
// so that room is peak RSS. 25 % more than the survivors costs a few more full collections (issue 17).
setFlagsFromString('--semi-space-growth-factor=1');
setFlagsFromString('--heap-growing-percent=25');
// Compile every function of a module when the module is compiled, not when first called: Node's compile cache keeps
// what was compiled when a module first loaded, which lazily is only its top level, so every function the run calls
// was parsed and compiled again on every run (~400 of them for `sgci sbom`). Eagerly, the cache holds them all: the
// main thread's CPU on `sbom` of a small image 5-13 ms less, 1-3 MiB more peak RSS (issue 17).
setFlagsFromString('--no-lazy');
const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv);
