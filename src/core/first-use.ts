import { createRequire } from 'node:module';

/**
 * A module required on the first call and kept: heavy parsers and schemas load with the first input that needs
 * them, not with every command that imports their caller (each module loaded is start-up time every run pays,
 * issue 17). require() of an ES module shares the import's instance. `url` is the caller's `import.meta.url`.
 */
export function requireOnFirstUse<T>(url: string, path: string): () => T {
  let module: T | undefined;
  return () => {
    module ??= createRequire(url)(path) as T;
    return module;
  };
}
