import { sql } from 'kysely';
import { SgciError } from '../../core/index.ts';
import { isMember, isReviewer, type Principal } from '../accounts/principal.ts';
import type { CatalogueDb } from '../db/open.ts';
import type { SubmissionStatus } from '../submissions/states.ts';
import { canSee } from '../submissions/view.ts';
import { type ImageFacts, imageFacts } from './facts.ts';
import type { CatalogueFigures } from './figures.ts';
import type { ImageReadOptions } from './list.ts';
import { maintainerCountsSql, type Orphaned, orphanCutoff, orphanOf } from './orphans.ts';

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
  const image = await db.selectFrom('images').selectAll().where('name', '=', name).executeTakeFirst();
  if (!image) throw new SgciError('NOT_FOUND', name, 'no such image');
  const submissions = (
    await db
      .selectFrom('submissions as s')
      .leftJoin('version_figures as f', 'f.submission', 's.id')
      .select([
        's.id',
        's.digest',
        's.tag',
        's.status',
        's.status_reason',
        's.created_at',
        's.admitted_at',
        'f.figures',
      ])
      .where('s.image', '=', name)
      .orderBy('s.created_at', 'desc')
      .orderBy('s.id', 'desc')
      .execute()
  ).filter((s) => canSee(principal, { organisation: image.organisation, status: s.status }));
  if (submissions.length === 0) throw new SgciError('NOT_FOUND', name, 'no such image');
  const [verdicts, maintainers, counts] = await Promise.all([
    db
      .selectFrom('verdicts')
      .select(['submission', 'valid_from', 'valid_until'])
      .distinctOn('submission')
      .where(
        'submission',
        'in',
        submissions.map((s) => s.id),
      )
      .orderBy('submission')
      .orderBy('id', 'desc')
      .execute(),
    db
      .selectFrom('maintainers as m')
      .innerJoin('users as u', 'u.id', 'm.user_id')
      .select(['u.display_name', 'm.organisation', 'm.since'])
      .where('m.image', '=', name)
      .orderBy('m.since')
      .orderBy('u.display_name')
      .execute(),
    db
      .selectNoFrom(maintainerCountsSql(sql`${name}`, orphanCutoff(options.now, options.orphanAfterDays)).as('counts'))
      .executeTakeFirstOrThrow(),
  ]);
  const verdictOf = new Map(verdicts.map((v) => [v.submission, v]));
  const tagsOf = new Map<string, Set<string>>();
  for (const s of submissions) {
    if (!tagsOf.has(s.digest)) tagsOf.set(s.digest, new Set());
    if (s.tag) tagsOf.get(s.digest)?.add(s.tag);
  }
  const versions: VersionEntry[] = [];
  const seen = new Set<string>();
  for (const s of submissions) {
    if (seen.has(s.digest)) continue;
    seen.add(s.digest);
    const verdict = verdictOf.get(s.id);
    const path = versionPath(name, s.digest);
    versions.push({
      submission: s.id,
      digest: s.digest,
      tags: [...(tagsOf.get(s.digest) ?? [])].sort(),
      status: s.status as SubmissionStatus,
      statusReason: s.status_reason,
      submittedAt: s.created_at.toISOString(),
      admittedAt: s.admitted_at?.toISOString() ?? null,
      figures: s.figures ?? null,
      verdict: verdict
        ? {
            validFrom: verdict.valid_from.toISOString(),
            validUntil: verdict.valid_until.toISOString(),
            valid: verdict.valid_from <= options.now && options.now < verdict.valid_until,
          }
        : null,
      documents: s.figures
        ? {
            sbom: `${path}/sbom`,
            vex: `${path}/vex`,
            vulns: `${path}/vulns`,
            checks: `${path}/checks`,
            vsa: verdict ? `${path}/vsa` : null,
          }
        : null,
    });
  }
  const orphan = orphanOf(counts.counts, options.orphanAfterDays);
  return {
    ...imageFacts(image),
    createdAt: image.created_at.toISOString(),
    maintainers: maintainers.map((m) => ({
      name: m.display_name,
      organisation: m.organisation,
      since: m.since.toISOString(),
    })),
    orphaned: orphan.orphaned,
    orphanedReason: orphan.reason,
    versions,
    tagHistory: submissions
      .filter((s): s is typeof s & { tag: string } => s.tag !== null)
      .map((s) => ({ tag: s.tag, digest: s.digest, at: s.created_at.toISOString() })),
  };
}
