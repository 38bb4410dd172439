import type { Unknown } from '../core/index.ts';

/** Package ecosystems sgci catalogues; the names follow purl types. */
export type Ecosystem =
  | 'deb'
  | 'apk'
  | 'rpm'
  | 'npm'
  | 'pypi'
  | 'maven'
  | 'golang'
  | 'cargo'
  | 'nuget'
  | 'composer'
  | 'gem'
  | 'binary';

export interface Location {
  readonly path: string;
  readonly layer: number;
  /** `primary`: the file that declares the package; `supporting`: a file that confirms it. */
  readonly evidence: 'primary' | 'supporting';
}

export interface Distro {
  /** os-release ID: `debian`, `alpine`, `ubuntu`, `rhel` … */
  readonly id: string;
  readonly versionId?: string;
  readonly versionCodename?: string;
  readonly prettyName?: string;
  readonly idLike?: readonly string[];
}

/** Metadata common to OS packages: what vulnerability matching by source package needs. */
export interface OsPackageMetadata {
  readonly kind: 'deb' | 'apk' | 'rpm';
  readonly architecture?: string;
  readonly sourceName?: string;
  readonly sourceVersion?: string;
  readonly maintainer?: string;
  readonly installedSize?: number;
  /** Files the package database says the package owns. */
  readonly files?: readonly { readonly path: string; readonly digest?: string }[];
  readonly epoch?: number;
  readonly release?: string;
  /** sha256 of the package archive (`.deb`) it was installed from, where known: `sgci build` records it. */
  readonly archiveSha256?: string;
}

export interface LanguagePackageMetadata {
  readonly kind: 'language';
  /** e.g. a Go main module's Go version, npm `private`, a jar's manifest attributes. */
  readonly attributes?: Readonly<Record<string, string>>;
  readonly files?: readonly { readonly path: string; readonly digest?: string }[];
}

export interface BinaryMetadata {
  readonly kind: 'binary';
  /** The classifier rule that recognised the binary. */
  readonly classifier: string;
}

export type PackageMetadata = OsPackageMetadata | LanguagePackageMetadata | BinaryMetadata;

export interface Package {
  /** Content hash of ecosystem/name/version/purl/locations: deterministic across runs. */
  readonly id: string;
  readonly name: string;
  readonly version: string;
  readonly ecosystem: Ecosystem;
  /** CycloneDX component type. */
  readonly type: 'library' | 'application' | 'operating-system' | 'framework' | 'file';
  readonly purl: string;
  readonly locations: readonly Location[];
  /** SPDX license expressions where known. */
  readonly licenses: readonly string[];
  /** Cataloger name. */
  readonly foundBy: string;
  /** The layer that introduced the package (its primary location's layer). */
  readonly layer: number;
  readonly metadata: PackageMetadata;
}

export interface Relationship {
  readonly from: string;
  readonly to: string;
  /** `depends-on`: from needs to; `owns`: the OS package `from` installed the language package `to`. */
  readonly type: 'depends-on' | 'owns';
}

export interface CatalogResult {
  readonly packages: readonly Package[];
  readonly relationships: readonly Relationship[];
  readonly unknowns: readonly Unknown[];
}
