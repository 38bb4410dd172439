import { registerHooks } from 'node:module';

/**
 * Where a relative import of one of sgci's sources leads: the file the specifier names beside its importer, when
 * both are sgci sources (`.ts` files below `sources`, the URL of `src/`); undefined for anything else, which Node
 * resolves itself.
 *
 * For these specifiers that file is what Node's resolver would return too, once it has checked it on the file
 * system: that it exists and is no directory (stat), that its path is its real path (realpath) and that the
 * nearest package.json makes it an ES module. The sources are one package with `"type": "module"` and no symbolic
 * links, and every relative import in them names a file (test/architecture/layers.test.ts holds them to
 * that), so the checks find the same each time: ~0.1 ms for each of the ~110 modules `sgci sbom` loads, ~10 % of a
 * short command (issue 17). A specifier naming no file still fails, when the file is read.
 */
export function sourceURL(specifier: string, parentURL: string | undefined, sources: string): string | undefined {
  if (parentURL === undefined || !parentURL.startsWith(sources)) return undefined;
  if (!(specifier.startsWith('./') || specifier.startsWith('../')) || !specifier.endsWith('.ts')) return undefined;
  if (specifier.includes('?') || specifier.includes('#') || specifier.includes('%')) return undefined;
  const url = new URL(specifier, parentURL).href;
  return url.startsWith(sources) ? url : undefined;
}

/** Resolves relative imports among the sources below `sources` (`sourceURL`) without Node's file system checks. */
export function resolveSourcesDirectly(sources: string): void {
  registerHooks({
    resolve(specifier, context, nextResolve) {
      const url = sourceURL(specifier, context.parentURL, sources);
      return url === undefined
        ? nextResolve(specifier, context)
        : { url, format: 'module-typescript', shortCircuit: true };
    },
  });
}
