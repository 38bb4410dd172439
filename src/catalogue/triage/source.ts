import type { CachedScan } from '../../scan/index.ts';
import type { VexStatement } from '../../vuln/index.ts';
import type { Catalogue, CatalogueDb } from '../db/open.ts';
import type { VersionScope, VersionVexSource } from '../services.ts';
import { type DecisionScope, decisionOf, type VexDecision } from './decision.ts';
import { type BaseLayers, versionStatements } from './statements.ts';
import { type BaseVersion, baseVersionsOf } from './versions.ts';

/** The decisions that apply to one version: its own, and per admitted base the base image's. */
export interface AppliedDecisions {
  readonly own: readonly VexDecision[];
  readonly inherited: readonly { readonly base: BaseLayers; readonly decisions: readonly VexDecision[] }[];
}

/** Whether a decision's scope names this version itself (inheritance aside). */
export function reaches(scope: DecisionScope, version: Pick<VersionScope, 'image' | 'organisation'>): boolean {
  if (scope.kind === 'image') return scope.image === version.image;
  if (scope.kind === 'organisation') return scope.organisation === version.organisation;
  return true;
}

async function ownDecisions(db: CatalogueDb, version: VersionScope, now: Date): Promise<VexDecision[]> {
  const rows = await db
    .selectFrom('vex_decisions')
    .selectAll()
    .where('withdrawn_at', 'is', null)
    .where((eb) =>
      eb.or([
        eb('scope_kind', '=', 'purl'),
        eb('scope_image', '=', version.image),
        eb.and([eb('scope_kind', '=', 'organisation'), eb('organisation', '=', version.organisation)]),
      ]),
    )
    .orderBy('id')
    .execute();
  return rows.map((row) => decisionOf(row, now));
}

async function imageDecisions(
  db: CatalogueDb,
  images: readonly string[],
  now: Date,
): Promise<Map<string, VexDecision[]>> {
  const byImage = new Map<string, VexDecision[]>();
  if (images.length === 0) return byImage;
  const rows = await db
    .selectFrom('vex_decisions')
    .selectAll()
    .where('withdrawn_at', 'is', null)
    .where('scope_kind', '=', 'image')
    .where('scope_image', 'in', images)
    .orderBy('id')
    .execute();
  for (const row of rows) {
    const list = byImage.get(row.scope_image ?? '') ?? [];
    list.push(decisionOf(row, now));
    byImage.set(row.scope_image ?? '', list);
  }
  return byImage;
}

/** How many bases' package lists a source keeps: the SBOM is immutable under its content key, so reuse is safe. */
const cachedBases = 64;

/**
 * The catalogue's VEX decisions as a version's statements (`services.vex`): read by the scan job and by
 * re-evaluation for every version, so a decision applies to every matching version now and later. Expired decisions
 * re-open their findings and say so; withdrawn ones no longer apply.
 */
export class CatalogueVexSource implements VersionVexSource {
  readonly #catalogue: Catalogue;
  readonly #packages = new Map<string, readonly string[]>();

  constructor(catalogue: Catalogue) {
    this.#catalogue = catalogue;
  }

  async statementsFor(version: VersionScope, now: Date): Promise<VexStatement[]> {
    const applied = await this.decisionsFor(version, now);
    return versionStatements(version, applied.own, applied.inherited);
  }

  /**
   * The decisions applying to `version` at `now` (withdrawn ones left out), with `draft` added where its scope
   * reaches the version, directly or through a base (the dry run).
   */
  async decisionsFor(version: VersionScope, now: Date, draft?: VexDecision): Promise<AppliedDecisions> {
    const db = this.#catalogue.db;
    const own = await ownDecisions(db, version, now);
    if (draft && reaches(draft.scope, version)) own.push(draft);
    const bases = await baseVersionsOf(db, version);
    const decided = await imageDecisions(
      db,
      bases.map((b) => b.image),
      now,
    );
    if (draft?.scope.kind === 'image') {
      const image = draft.scope.image;
      if (bases.some((b) => b.image === image)) decided.set(image, [...(decided.get(image) ?? []), draft]);
    }
    const inherited: { base: BaseLayers; decisions: VexDecision[] }[] = [];
    for (const base of bases) {
      const decisions = decided.get(base.image);
      if (!decisions?.length) continue;
      inherited.push({ base: { ...base, purls: await this.#purlsOf(base) }, decisions });
    }
    return { own, inherited };
  }

  /**
   * The package URLs of a base version's stored SBOM: every package it lists lies in the base's layers, which the
   * version starts with. The version's own SBOM cannot tell which layer a package came from: dpkg's status file,
   * where every Debian package is found, is rewritten by any later install.
   */
  async #purlsOf(base: BaseVersion): Promise<readonly string[]> {
    if (!base.scanKey) return [];
    const known = this.#packages.get(base.scanKey);
    if (known) return known;
    const scan = (await this.#catalogue.store.scans.get(base.scanKey)) as CachedScan | undefined;
    const purls = [...new Set((scan?.sbom.packages ?? []).map((p) => p.purl))].sort();
    if (this.#packages.size >= cachedBases) this.#packages.delete(this.#packages.keys().next().value ?? '');
    this.#packages.set(base.scanKey, purls);
    return purls;
  }
}

export function catalogueVexSource(catalogue: Catalogue): CatalogueVexSource {
  return new CatalogueVexSource(catalogue);
}
