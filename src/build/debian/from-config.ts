/**
 * The glue between the build file and the Debian side: what a build file asks the resolver for, and a fetched
 * package as the image assembler takes it.
 */
import { isAbsolute, resolve } from 'node:path';
import type { BuildConfig, BuildPlatform } from '../config.ts';
import type { DebPackage } from '../image/assemble.ts';
import type { DebFile, Fetched, ResolveRequest } from './resolve-debian.ts';

/** `linux/amd64` → `amd64`: Debian names the architecture alone. */
export function debianArchitecture(platform: BuildPlatform): string {
  return platform.slice(platform.indexOf('/') + 1);
}

/**
 * The resolve request of a build file: every source with its key files resolved against the build file's
 * directory and the file's snapshot time, one architecture per platform, the packages and the cuts.
 */
export function resolveRequestOf(config: BuildConfig, baseDir: string): ResolveRequest {
  const { snapshot } = config.debian;
  return {
    sources: config.debian.sources.map((source) => ({
      url: source.url,
      suites: source.suites,
      components: source.components,
      keys: source.keys.map((key) => ({
        file: isAbsolute(key.file) ? key.file : resolve(baseDir, key.file),
        fingerprint: key.fingerprint,
      })),
      ...(source.signers ? { signers: source.signers } : {}),
      ...(snapshot ? { snapshot } : {}),
    })),
    architectures: config.image.platforms.map(debianArchitecture),
    packages: config.packages.include,
    excludes: config.packages.exclude,
  };
}

/** A package whose `.deb` is verified in the cache, as `assembleImage` takes it. */
export function debPackageOf(p: Fetched<DebFile>): DebPackage {
  return {
    name: p.name,
    version: p.version,
    arch: p.architecture,
    source: p.source,
    debPath: p.path,
    sha256: p.sha256,
  };
}
