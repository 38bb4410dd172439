import type { Sbom, SbomSubject } from '../../sbom/index.ts';

type Package = Sbom['packages'][number];

/** One package as matching reads it: what it is searched by, and what a finding states of it. */
export interface MatchingPackage {
  readonly id: string;
  readonly name: string;
  readonly version: string;
  readonly ecosystem: Package['ecosystem'];
  readonly type: Package['type'];
  readonly purl: string;
  readonly foundBy: string;
  readonly layer: number;
  /** Of the metadata only the kind, the source package (distro advisories name it) and a binary's classifier. */
  readonly metadata: Package['metadata'];
}

/**
 * What re-matching reads of a version's SBOM, stored beside the version at scan time (`matching_inputs`): the
 * packages, which OS package owns which language package (such a finding is the distro's to judge), and the distro
 * (which advisory ecosystems apply). A few kilobytes where the stored pass holds every file location, the secrets
 * scan and the check inputs. `format` changes when the matcher comes to read more; an input of another format is
 * not used (the stored pass is).
 */
export interface MatchingInput {
  readonly format: typeof matchingInputFormat;
  readonly distro?: Sbom['distro'];
  readonly packages: readonly MatchingPackage[];
  /** `[owner, owned]` package ids of the SBOM's `owns` relationships. */
  readonly owns: readonly (readonly [string, string])[];
}

export const matchingInputFormat = 1;

function matchingMetadata(metadata: Package['metadata']): Package['metadata'] {
  switch (metadata.kind) {
    case 'binary':
      return { kind: 'binary', classifier: metadata.classifier };
    case 'language':
      return { kind: 'language' };
    default:
      return {
        kind: metadata.kind,
        ...(metadata.sourceName ? { sourceName: metadata.sourceName } : {}),
        ...(metadata.sourceVersion ? { sourceVersion: metadata.sourceVersion } : {}),
      };
  }
}

export function matchingInputOf(sbom: Sbom): MatchingInput {
  return {
    format: matchingInputFormat,
    ...(sbom.distro ? { distro: sbom.distro } : {}),
    packages: sbom.packages.map((p) => ({
      id: p.id,
      name: p.name,
      version: p.version,
      ecosystem: p.ecosystem,
      type: p.type,
      purl: p.purl,
      foundBy: p.foundBy,
      layer: p.layer,
      metadata: matchingMetadata(p.metadata),
    })),
    owns: sbom.relationships.flatMap((r) => (r.type === 'owns' ? [[r.from, r.to] as const] : [])),
  };
}

/** Whether a stored input is one this version of sgci matches from. */
export function isMatchingInput(input: unknown): input is MatchingInput {
  return (input as Partial<MatchingInput> | null)?.format === matchingInputFormat;
}

/**
 * The SBOM the matcher is given for a stored input: the same packages, relationships and distro as the scan's, named
 * by `subject`; file locations, licenses, unknowns and unowned executables, which matching does not read, are empty.
 */
export function matchingSbomOf(input: MatchingInput, subject: SbomSubject): Sbom {
  return {
    subject,
    ...(input.distro ? { distro: input.distro } : {}),
    packages: input.packages.map((p) => ({ ...p, locations: [], licenses: [] })),
    relationships: input.owns.map(([from, to]) => ({ from, to, type: 'owns' as const })),
    unidentifiedExecutables: [],
    unknowns: [],
    tool: { name: 'sgci', version: '' },
  };
}
