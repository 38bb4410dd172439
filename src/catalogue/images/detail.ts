import { type RawBuilder, sql } from 'kysely';
import { SgciError } from '../../core/index.ts';
import { isMember, isReviewer, type Principal } from '../accounts/principal.ts';
import type { CatalogueDb } from '../db/open.ts';
import type { StoredScanResult } from '../submissions/result.ts';
import type { SubmissionStatus } from '../submissions/states.ts';
import { canSee } from '../submissions/view.ts';
import { type ImageFacts, type ImageRow, imageFacts } from './facts.ts';
import type { CatalogueFigures } from './figures.ts';
import type { ImageReadOptions } from './list.ts';
import { type MaintainerCounts, maintainerCountsSql, type Orphaned, orphanCutoff, orphanOf } from './orphans.ts';

export interface VersionVerdict {
  readonly validFrom: string;
  readonly validUntil: string;
  /** Valid now: the version is signed. */
  readonly valid: boolean;
}

export interface VersionEntry {
  /** The submission this version's status, figures and documents come from. */
  readonly submission: string;
  readonly digest: string;
  /** Every tag the digest was submitted under. */
  readonly tags: readonly string[];
  readonly status: SubmissionStatus;
  readonly statusReason: string | null;
  readonly submittedAt: string;
  readonly admittedAt: string | null;
  /** Null until the scan has finished. */
  readonly figures: CatalogueFigures | null;
  /** The newest verdict; null before admission. */
  readonly verdict: VersionVerdict | null;
  /** Where the version's documents are served; null until the scan has finished (`vsa` until admission). */
  readonly documents:
    | (Readonly<Record<'sbom' | 'vex' | 'vulns' | 'checks', string>> & { readonly vsa: string | null })
    | null;
}

export interface ImageDetail extends ImageFacts {
  readonly createdAt: string;
  readonly maintainers: readonly { readonly name: string; readonly organisation: string; readonly since: string }[];
  readonly orphaned: boolean;
  readonly orphanedReason: Orphaned['reason'];
  /** One entry per digest, newest first. */
  readonly versions: readonly VersionEntry[];
  /** Which digest each tag named when it was submitted, newest first. */
  readonly tagHistory: readonly { readonly tag: string; readonly digest: string; readonly at: string }[];
}

/** Whether `principal` sees an image's non-public versions: its organisation's members and the reviewers. */
export function seesUnpublished(principal: Principal | undefined, organisation: string): boolean {
  return isReviewer(principal) || isMember(principal, organisation);
}

export function versionPath(image: string, digest: string): string {
  return `/api/v1/images/${image}/versions/${digest}`;
}

/** A version row as the detail's one statement returns it, times already as `toISOString` writes them. */
interface VersionRow {
  readonly id: string;
  readonly digest: string;
  readonly tag: string | null;
  readonly status: string;
  readonly statusReason: string | null;
  readonly submittedAt: string;
  readonly admittedAt: string | null;
  readonly figures: CatalogueFigures | null;
  readonly resultDigest: string | null;
  readonly verdict: VersionVerdict | null;
}

interface DetailRow extends ImageRow {
  readonly created_at: Date;
  readonly counts: MaintainerCounts;
  readonly maintainers: ImageDetail['maintainers'];
  readonly versions: readonly VersionRow[];
}

/**
 * A timestamp column as `Date.prototype.toISOString` writes the driver's Date of it: UTC, milliseconds (truncated,
 * as the driver truncates microseconds), `Z`.
 */
function isoTime(column: string): RawBuilder<string> {
  return sql<string>`to_char(${sql.ref(column)} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
}

/**
 * The image, its maintainers and their counts, and every version with its figures, the digest of its stored result
 * and its newest verdict (valid at `now` or not), in one statement: one round trip and one row, where five
 * statements took five.
 */
async function detailRow(db: CatalogueDb, name: string, options: ImageReadOptions): Promise<DetailRow | undefined> {
  const { now } = options;
  const { rows } = await sql<DetailRow>`
    select i.name, i.organisation, i.repository, i.description_de, i.description_en, i.categories, i.license,
      i.source, i.contact, i.end_of_life, i.created_at, i.updated_at,
      ${maintainerCountsSql(sql`i.name`, orphanCutoff(now, options.orphanAfterDays))} as counts,
      coalesce((select jsonb_agg(jsonb_build_object('name', u.display_name, 'organisation', m.organisation,
          'since', ${isoTime('m.since')}) order by m.since, u.display_name)
        from maintainers m join users u on u.id = m.user_id where m.image = i.name), '[]'::jsonb) as maintainers,
      coalesce((select jsonb_agg(jsonb_build_object('id', s.id, 'digest', s.digest, 'tag', s.tag,
          'status', s.status, 'statusReason', s.status_reason, 'submittedAt', ${isoTime('s.created_at')},
          'admittedAt', ${isoTime('s.admitted_at')}, 'figures', f.figures, 'resultDigest', f.result_digest,
          'verdict', case when v.valid_from is null then null else jsonb_build_object(
            'validFrom', ${isoTime('v.valid_from')}, 'validUntil', ${isoTime('v.valid_until')},
            'valid', v.valid_from <= ${now} and ${now} < v.valid_until) end)
          order by s.created_at desc, s.id desc)
        from submissions s
        left join version_figures f on f.submission = s.id
        left join lateral (select valid_from, valid_until from verdicts
          where verdicts.submission = s.id order by verdicts.id desc limit 1) v on true
        where s.image = i.name), '[]'::jsonb) as versions
    from images i
    where i.name = ${name}`.execute(db);
  return rows[0];
}

/** An image's detail and, per version that has a stored result, that result's digest (`version_figures`). */
export interface ImageRead {
  readonly detail: ImageDetail;
  /**
   * Submission → the digest of its stored result: it changes exactly when the result does, so what is derived from
   * a result alone may be kept under it.
   */
  readonly resultDigests: ReadonlyMap<string, string>;
}

/**
 * One image with the versions `principal` may see, newest first: the public ones for everyone, every one for its
 * organisation and the reviewers. NOT_FOUND when there is nothing the principal may see (another organisation's
 * unpublished image is not found, not forbidden).
 */
export async function imageDetail(
  db: CatalogueDb,
  principal: Principal | undefined,
  name: string,
  options: ImageReadOptions,
): Promise<ImageDetail> {
  return (await readImageDetail(db, principal, name, options)).detail;
}

/** `imageDetail`, with the digests of the versions' stored results. */
export async function readImageDetail(
  db: CatalogueDb,
  principal: Principal | undefined,
  name: string,
  options: ImageReadOptions,
): Promise<ImageRead> {
  const image = await detailRow(db, name, options);
  if (!image) throw new SgciError('NOT_FOUND', name, 'no such image');
  const submissions = image.versions.filter((s) =>
    canSee(principal, { organisation: image.organisation, status: s.status }),
  );
  if (submissions.length === 0) throw new SgciError('NOT_FOUND', name, 'no such image');
  const tagsOf = new Map<string, Set<string>>();
  for (const s of submissions) {
    if (!tagsOf.has(s.digest)) tagsOf.set(s.digest, new Set());
    if (s.tag) tagsOf.get(s.digest)?.add(s.tag);
  }
  const versions: VersionEntry[] = [];
  const resultDigests = new Map<string, string>();
  const seen = new Set<string>();
  for (const s of submissions) {
    if (seen.has(s.digest)) continue;
    seen.add(s.digest);
    const path = versionPath(name, s.digest);
    if (s.resultDigest) resultDigests.set(s.id, s.resultDigest);
    versions.push({
      submission: s.id,
      digest: s.digest,
      tags: [...(tagsOf.get(s.digest) ?? [])].sort(),
      status: s.status as SubmissionStatus,
      statusReason: s.statusReason,
      submittedAt: s.submittedAt,
      admittedAt: s.admittedAt,
      figures: s.figures,
      verdict: s.verdict,
      documents: s.figures
        ? {
            sbom: `${path}/sbom`,
            vex: `${path}/vex`,
            vulns: `${path}/vulns`,
            checks: `${path}/checks`,
            vsa: s.verdict ? `${path}/vsa` : null,
          }
        : null,
    });
  }
  const orphan = orphanOf(image.counts, options.orphanAfterDays);
  const detail: ImageDetail = {
    ...imageFacts(image),
    createdAt: image.created_at.toISOString(),
    maintainers: image.maintainers,
    orphaned: orphan.orphaned,
    orphanedReason: orphan.reason,
    versions,
    tagHistory: submissions
      .filter((s): s is typeof s & { tag: string } => s.tag !== null)
      .map((s) => ({ tag: s.tag, digest: s.digest, at: s.submittedAt })),
  };
  return { detail, resultDigests };
}

/** A version's stored result and its digest, read in one statement so that the two belong together. */
export interface DigestedResult {
  readonly result: StoredScanResult;
  /** `version_figures.result_digest`: what `ImageRead.resultDigests` names. */
  readonly digest: string;
}

/** The stored result of a version `principal` may see, with its digest; undefined before its scan has finished. */
export async function visibleResult(
  db: CatalogueDb,
  principal: Principal | undefined,
  submission: string,
): Promise<DigestedResult | undefined> {
  const row = await db
    .selectFrom('submissions as s')
    .innerJoin('version_figures as f', 'f.submission', 's.id')
    .select(['s.organisation', 's.status', 's.result', 'f.result_digest'])
    .where('s.id', '=', submission)
    .executeTakeFirst();
  if (!row || row.result === null || !canSee(principal, row)) return undefined;
  return { result: row.result as StoredScanResult, digest: row.result_digest };
}
