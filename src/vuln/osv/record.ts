/**
 * The OSV record as sgci reads it (https://ossf.github.io/osv-schema/). Only fields matching and reports use
 * are typed; the full record is stored as imported.
 */
export interface OsvEvent {
  readonly introduced?: string;
  readonly fixed?: string;
  readonly last_affected?: string;
  readonly limit?: string;
}

export interface OsvRange {
  readonly type: 'ECOSYSTEM' | 'SEMVER' | 'GIT';
  readonly repo?: string;
  readonly events: readonly OsvEvent[];
  readonly database_specific?: Record<string, unknown>;
}

export interface OsvAffected {
  readonly package?: { readonly ecosystem: string; readonly name: string; readonly purl?: string };
  readonly severity?: readonly OsvSeverity[];
  readonly ranges?: readonly OsvRange[];
  readonly versions?: readonly string[];
  readonly ecosystem_specific?: Record<string, unknown>;
  readonly database_specific?: Record<string, unknown>;
}

export interface OsvSeverity {
  readonly type: string;
  readonly score: string;
}

export interface OsvRecord {
  readonly schema_version?: string;
  readonly id: string;
  readonly modified: string;
  readonly published?: string;
  readonly withdrawn?: string;
  readonly aliases?: readonly string[] | null;
  readonly related?: readonly string[] | null;
  readonly upstream?: readonly string[] | null;
  readonly summary?: string;
  readonly details?: string;
  readonly severity?: readonly OsvSeverity[] | null;
  readonly affected?: readonly OsvAffected[] | null;
  readonly references?: readonly { readonly type: string; readonly url: string }[] | null;
  readonly database_specific?: Record<string, unknown>;
}

/** The OSV ecosystem without its release suffix: `Debian:12` → `Debian`. */
export function baseEcosystem(ecosystem: string): string {
  const colon = ecosystem.indexOf(':');
  return colon >= 0 ? ecosystem.slice(0, colon) : ecosystem;
}

/**
 * The name matching looks a package up by. PyPI names are case-insensitive with `-_.` runs equivalent
 * (PEP 503); every other ecosystem compares names exactly as OSV writes them.
 */
export function packageKey(ecosystem: string, name: string): string {
  if (baseEcosystem(ecosystem) === 'PyPI') return name.toLowerCase().replace(/[-_.]+/g, '-');
  return name;
}
