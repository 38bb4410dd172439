import { createHash } from 'node:crypto';
import type { Limits, Unknown } from '../core/index.ts';
import type { FileEntry, FileNeeds, FileTreeView } from '../oci/index.ts';
import type { Distro, Ecosystem, Location, Package, PackageMetadata, Relationship } from './package.ts';

export { type PurlQualifier, type PurlType, purl } from './purl.ts';

/** What a cataloger sees: the squashed tree (content captured for its declared needs). */
export interface CatalogContext {
  readonly fs: FileTreeView;
  readonly distro?: Distro;
  readonly limits: Limits;
  readonly signal?: AbortSignal;
}

/** What one cataloger returns; `unknowns` carry files it could not read, never silence. */
export interface CatalogerOutput {
  packages: Package[];
  relationships: Relationship[];
  unknowns: Unknown[];
}

/**
 * A plug-in that declares the files it needs before any byte is read, then turns them into packages.
 * Parsers stay pure (bytes -> packages) so each is tested on corpus files without an image.
 */
export interface Cataloger {
  /** Stable, written into the SBOM as `foundBy`. */
  readonly name: string;
  readonly ecosystem: Ecosystem;
  readonly tags: readonly ('os' | 'language' | 'binary' | 'installed')[];
  /** Builds the needs fresh each call: visitors keep per-pass state. */
  needs(): CatalogerNeeds;
}

/** The needs of one pass plus the function that reads the result after the pass. */
export interface CatalogerNeeds extends FileNeeds {
  catalog(ctx: CatalogContext): Promise<CatalogerOutput>;
}

export function emptyOutput(): CatalogerOutput {
  return { packages: [], relationships: [], unknowns: [] };
}

/** Everything but the derived fields (`id`, `layer`) of a package. */
export interface PackageInput {
  readonly name: string;
  readonly version: string;
  readonly ecosystem: Ecosystem;
  readonly type?: Package['type'];
  readonly purl: string;
  readonly locations: readonly Location[];
  readonly licenses?: readonly string[];
  readonly foundBy: string;
  readonly metadata: PackageMetadata;
  /** The layer that introduced the package when the primary file's layer does not say it. */
  readonly layer?: number;
}

/** Builds a package with its deterministic id: a content hash, so the same image gives the same ids. */
export function makePackage(input: PackageInput): Package {
  const locations = [...input.locations].sort(
    (a, b) => compareStrings(a.path, b.path) || a.layer - b.layer || compareStrings(a.evidence, b.evidence),
  );
  const id = packageId(input.ecosystem, input.name, input.version, input.purl, locations);
  const primary = locations.find((l) => l.evidence === 'primary') ?? locations[0];
  return {
    id,
    name: input.name,
    version: input.version,
    ecosystem: input.ecosystem,
    type: input.type ?? 'library',
    purl: input.purl,
    locations,
    licenses: [...new Set(input.licenses ?? [])].sort(compareStrings),
    foundBy: input.foundBy,
    layer: input.layer ?? primary?.layer ?? 0,
    metadata: input.metadata,
  };
}

export function packageId(
  ecosystem: string,
  name: string,
  version: string,
  purl: string,
  locations: readonly Location[],
): string {
  const hash = createHash('sha256');
  hash.update(JSON.stringify([ecosystem, name, version, purl, locations.map((l) => [l.path, l.layer])]));
  return hash.digest('hex').slice(0, 16);
}

/** Code-point order: locale-independent, so output does not depend on the machine. */
export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function location(entry: FileEntry, evidence: Location['evidence'] = 'primary'): Location {
  return { path: entry.path, layer: entry.layer, evidence };
}

/** Reads captured content of every entry matching the globs, turning read errors into unknowns. */
export async function readMatches(
  ctx: CatalogContext,
  globs: readonly string[],
  out: CatalogerOutput,
): Promise<{ entry: FileEntry; bytes: Uint8Array }[]> {
  const seen = new Set<string>();
  const result: { entry: FileEntry; bytes: Uint8Array }[] = [];
  for (const glob of globs) {
    for (const entry of matching(ctx.fs, glob)) {
      if (entry.type !== 'file' || seen.has(entry.path)) continue;
      seen.add(entry.path);
      try {
        result.push({ entry, bytes: await ctx.fs.read(entry) });
      } catch (error) {
        out.unknowns.push({ path: entry.path, layer: entry.layer, reason: `cannot read: ${describeError(error)}` });
      }
    }
  }
  result.sort((a, b) => compareStrings(a.entry.path, b.entry.path));
  return result;
}

/**
 * The entries a glob matches. A pattern without wildcards (`/var/lib/dpkg/status`, the rpm databases) names one path:
 * looked up, not tested against every entry of the tree as `glob` does (six of the catalogers' 26 globs).
 */
function matching(fs: FileTreeView, glob: string): readonly FileEntry[] {
  if (/[*?]/.test(glob)) return fs.glob(glob);
  const path = glob.startsWith('/') ? glob : `/${glob}`;
  const entry = fs.get(path);
  return entry !== undefined && entry.path === path ? [entry] : [];
}

export function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

const catalogerFailed = 'cataloger failed: ';

/**
 * The unknown recording that a whole cataloger threw: every package it would have found is missing
 * from the SBOM, so SGCI-COMP-001 fails on it. The form survives CycloneDX and SPDX round trips.
 */
export function catalogerFailure(name: string, error: unknown): Unknown {
  return { path: '/', reason: `${catalogerFailed}${name}: ${describeError(error)}` };
}

export function isCatalogerFailure(unknown: Unknown): boolean {
  return unknown.path === '/' && unknown.reason.startsWith(catalogerFailed);
}

const decoder = new TextDecoder('utf-8');
export function utf8(bytes: Uint8Array): string {
  return decoder.decode(bytes);
}

/**
 * Runs a parser over every matching file: a bad file becomes an unknown naming path and layer,
 * the other files still count.
 */
export async function parseEach<T>(
  ctx: CatalogContext,
  globs: readonly string[],
  out: CatalogerOutput,
  parse: (entry: FileEntry, bytes: Uint8Array) => T,
): Promise<{ entry: FileEntry; value: T }[]> {
  const files = await readMatches(ctx, globs, out);
  const values: { entry: FileEntry; value: T }[] = [];
  for (const { entry, bytes } of files) {
    try {
      values.push({ entry, value: parse(entry, bytes) });
    } catch (error) {
      out.unknowns.push({ path: entry.path, layer: entry.layer, reason: describeError(error) });
    }
  }
  return values;
}

/** One captured file and what its parser made of it. */
export interface ParsedFile<T> {
  readonly entry: FileEntry;
  readonly value: T;
}

/** What one file a visitor saw stream by yielded; problems become unknowns naming the file. */
export interface FileFindings {
  readonly packages?: readonly Package[];
  readonly relationships?: readonly Relationship[];
  readonly problems?: readonly string[];
}

/**
 * Declares a cataloger as data: its identity, then how it reaches its files.
 * - `byGlob`: the matching files are captured and parsed as UTF-8 text one by one (a file whose
 *   parser throws becomes an unknown, the others still count); `build` turns the parsed files into
 *   packages.
 * - `byFiles`: the matching files are captured and `catalog` reads them itself, for databases made
 *   of several related kinds of file.
 * - `byVisitor`: files are inspected as they stream by, for files too large or too many to capture;
 *   what a file yielded is dropped when a later layer replaced or deleted that file.
 */
export function fileCataloger(name: string, ecosystem: Ecosystem, tags: Cataloger['tags']) {
  const byFiles = (globs: readonly string[], catalog: CatalogerNeeds['catalog']): Cataloger => ({
    name,
    ecosystem,
    tags,
    needs: () => ({ globs, catalog }),
  });
  return {
    byFiles,
    byGlob<T>(
      parse: (text: string) => T,
      globs: readonly string[],
      build: (files: readonly ParsedFile<T>[], out: CatalogerOutput, ctx: CatalogContext) => void,
    ): Cataloger {
      return byFiles(globs, async (ctx) => {
        const out = emptyOutput();
        build(await parseEach(ctx, globs, out, (_entry, bytes) => parse(utf8(bytes))), out, ctx);
        return out;
      });
    },
    byVisitor(
      wants: (entry: FileEntry) => number | undefined,
      inspect: (entry: FileEntry, content: Uint8Array, truncated: boolean) => FileFindings | undefined,
    ): Cataloger {
      return {
        name,
        ecosystem,
        tags,
        // built fresh each pass: the findings belong to one pass
        needs() {
          const seen = new Map<string, { file: FileEntry; findings: FileFindings }>();
          const visit = (entry: FileEntry, content: Uint8Array, truncated: boolean) => {
            let findings: FileFindings | undefined;
            try {
              findings = inspect(entry, content, truncated);
            } catch (error) {
              findings = { problems: [describeError(error)] };
            }
            if (findings) seen.set(`${entry.layer}\0${entry.path}`, { file: entry, findings });
          };
          return {
            visitors: [{ name, wants, visit }],
            async catalog(ctx: CatalogContext): Promise<CatalogerOutput> {
              const out = emptyOutput();
              for (const { file, findings } of seen.values()) {
                // every layer streams by: keep only the version of the file the squashed tree shows
                if (ctx.fs.get(file.path)?.layer !== file.layer) continue;
                for (const p of findings.packages ?? []) out.packages.push(p);
                for (const r of findings.relationships ?? []) out.relationships.push(r);
                for (const reason of findings.problems ?? [])
                  out.unknowns.push({ path: file.path, layer: file.layer, reason });
              }
              return out;
            },
          };
        },
      };
    },
  };
}

/**
 * `wants` for compiled binaries that carry their build metadata: a whole executable regular file,
 * none smaller than an ELF header.
 */
export function wholeExecutable(entry: FileEntry): number | undefined {
  return entry.type === 'file' && (entry.mode & 0o111) !== 0 && entry.size > 64 ? entry.size : undefined;
}
