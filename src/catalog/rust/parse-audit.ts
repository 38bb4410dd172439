import { inflateSync } from 'node:zlib';
import { parseElf } from '../binary/elf.ts';

/** One crate from cargo-auditable's dependency list. */
export interface RustCrate {
  readonly name: string;
  readonly version: string;
  readonly source: string;
  readonly kind: 'runtime' | 'build';
  readonly root: boolean;
  readonly dependencies: readonly number[];
}

/** The JSON is small (a few KiB); this bounds inflation against a crafted section. */
const maxJsonBytes = 8 * 1024 * 1024;

/**
 * cargo-auditable embeds the dependency tree as zlib-compressed JSON in the `.dep-v0` section:
 * `{"packages":[{"name","version","source","kind","dependencies":[indexes],"root"}]}`.
 */
export function parseCargoAuditable(bytes: Uint8Array): RustCrate[] | undefined {
  const elf = parseElf(bytes);
  const section = elf?.section('.dep-v0');
  if (!section || section.size === 0) return undefined;
  const json: unknown = JSON.parse(
    inflateSync(bytes.subarray(section.offset, section.offset + section.size), {
      maxOutputLength: maxJsonBytes,
    }).toString('utf8'),
  );
  const list = typeof json === 'object' && json !== null ? (json as { packages?: unknown }).packages : undefined;
  if (!Array.isArray(list)) throw new Error('.dep-v0: no packages list');
  const crates: RustCrate[] = [];
  for (const p of list) {
    if (typeof p !== 'object' || p === null) continue;
    const { name, version, source, kind, root, dependencies } = p as Record<string, unknown>;
    if (typeof name !== 'string' || typeof version !== 'string') continue;
    crates.push({
      name,
      version,
      source: typeof source === 'string' ? source : 'crates.io',
      kind: kind === 'build' ? 'build' : 'runtime',
      root: root === true,
      dependencies: Array.isArray(dependencies) ? dependencies.filter((d): d is number => Number.isInteger(d)) : [],
    });
  }
  return crates;
}
