import { sql } from 'kysely';
import { SgciError } from '../../core/index.ts';
import type { CatalogueDb } from '../db/open.ts';
import { publicStatuses, type SubmissionStatus } from '../submissions/states.ts';
import { encodeImageCursor, type ImageCursor } from './cursor.ts';
import type { ImageFacts } from './facts.ts';
import type { CatalogueFigures } from './figures.ts';
import { maintainerCountsSql, type Orphaned, orphanCutoff, orphanOf } from './orphans.ts';

/** The list's filters; each narrows to images whose newest public version has the property. */
export interface ImageFilters {
  /** Full-text search over name and the German and English descriptions. */
  readonly q?: string;
  readonly category?: string;
  readonly organisation?: string;
  /** os-release ID (`debian`), and optionally its VERSION_ID (`12`). */
  readonly distro?: string;
  readonly distroVersion?: string;
  /** A package ecosystem present in the SBOM: the runtime or language (`npm`, `pypi`, `deb` …). */
  readonly ecosystem?: string;
  /** The checklist baseline: every check the policy requires passed, or not. */
  readonly baseline?: 'passed' | 'failed';
  /**
   * Open findings a fix exists for: `critical`, `high`, `medium`, `low` — one of that severity or higher (as
   * `--fail-on` reads a threshold); `any` — at least one; `none` — not one.
   */
  readonly fixable?: FixableFilter;
  /** `overdue`: at least one finding past its SLA deadline; `ok`: none. */
  readonly sla?: 'overdue' | 'ok';
  /** Whether a verdict of the catalogue is valid now. */
  readonly signed?: boolean;
}

export const fixableFilters = ['critical', 'high', 'medium', 'low', 'any', 'none'] as const;
export type FixableFilter = (typeof fixableFilters)[number];

export interface ImageListRequest extends ImageFilters {
  readonly limit: number;
  readonly cursor?: ImageCursor;
}

/** The clock and the orphan period every read of images is judged by. */
export interface ImageReadOptions {
  readonly now: Date;
  readonly orphanAfterDays: number;
}

export interface LatestVersion {
  readonly digest: string;
  readonly status: SubmissionStatus;
  readonly tags: readonly string[];
  readonly admittedAt: string | null;
  readonly vulnerabilities: CatalogueFigures['vulnerabilities'];
  readonly checks: { readonly baseline: 'passed' | 'failed' };
  /** A verdict of the catalogue is valid now. */
  readonly signed: boolean;
}

export interface ImageSummary
  extends Pick<ImageFacts, 'name' | 'organisation' | 'description' | 'categories' | 'license' | 'source'> {
  readonly latest: LatestVersion;
  readonly orphaned: boolean;
  readonly orphanedReason: Orphaned['reason'];
}

export interface ImagePage {
  readonly items: ImageSummary[];
  /** The cursor of the next page; null on the last. */
  readonly next: string | null;
}

/** The rank of `fixable=<severity>` in severityOrder: that severity or higher. */
const fixableThreshold: Readonly<Record<'critical' | 'high' | 'medium' | 'low', number>> = {
  critical: 0,
  high: 1,
  medium: 2,
  low: 3,
};

/**
 * Every search goes through the three configurations the `images.search` vector is built from: the name as typed
 * (simple), German stems of the German description, English stems of the English one. "gehärtet" and "hardened"
 * find the same image.
 */
function searchQuery(q: string) {
  return sql`(websearch_to_tsquery('simple', ${q}) || websearch_to_tsquery('german', ${q}) || websearch_to_tsquery('english', ${q}))`;
}

/**
 * A page of the public catalogue: one entry per image with a public version, its newest public version's figures.
 * Ordered by name, or with `q` by rank then name; `next` continues after the last entry (keyset). Reads one row per
 * image through `latest_versions` and `version_figures`: no stored result is parsed.
 */
export async function listImages(
  db: CatalogueDb,
  request: ImageListRequest,
  options: ImageReadOptions,
): Promise<ImagePage> {
  const { now } = options;
  const valid = sql<boolean>`exists (select 1 from verdicts v
      where v.submission = l.submission and v.valid_from <= ${now} and v.valid_until > ${now})`;
  const statuses = sql.join(publicStatuses);
  const tsquery = request.q === undefined ? undefined : searchQuery(request.q);
  const rank = tsquery && sql<number>`ts_rank(i.search, ${tsquery})::float8`;
  let query = db
    .selectFrom('latest_versions as l')
    .innerJoin('images as i', 'i.name', 'l.image')
    .innerJoin('submissions as s', 's.id', 'l.submission')
    .innerJoin('version_figures as f', 'f.submission', 'l.submission')
    .select([
      'i.name',
      'i.organisation',
      'i.description_de',
      'i.description_en',
      'i.categories',
      'i.license',
      'i.source',
      's.digest',
      's.status',
      's.admitted_at',
      'f.figures',
      valid.as('signed'),
      sql<string[]>`coalesce((select jsonb_agg(t.tag order by t.tag) from (select distinct s2.tag from submissions s2
          where s2.image = s.image and s2.digest = s.digest and s2.tag is not null and s2.status in (${statuses})) t),
        '[]'::jsonb)`.as('tags'),
      maintainerCountsSql(sql.ref('i.name'), orphanCutoff(now, options.orphanAfterDays)).as('maintainers'),
    ]);
  if (rank && tsquery) query = query.select(rank.as('rank')).where(sql<boolean>`i.search @@ ${tsquery}`);
  const f = request;
  if (f.category !== undefined)
    query = query.where(sql<boolean>`i.categories @> ${JSON.stringify([f.category])}::jsonb`);
  if (f.organisation !== undefined) query = query.where('i.organisation', '=', f.organisation);
  if (f.distro !== undefined) query = query.where('f.distro', '=', f.distro);
  if (f.distroVersion !== undefined) query = query.where('f.distro_version', '=', f.distroVersion);
  if (f.ecosystem !== undefined)
    query = query.where(sql<boolean>`f.ecosystems @> ${JSON.stringify([f.ecosystem])}::jsonb`);
  if (f.baseline !== undefined) query = query.where('f.baseline', '=', f.baseline);
  if (f.fixable === 'none') query = query.where('f.fixable_rank', 'is', null);
  else if (f.fixable === 'any') query = query.where('f.fixable_rank', 'is not', null);
  else if (f.fixable !== undefined) query = query.where('f.fixable_rank', '<=', fixableThreshold[f.fixable]);
  if (f.sla === 'overdue') query = query.where('f.overdue', '>', 0);
  else if (f.sla === 'ok') query = query.where('f.overdue', '=', 0);
  if (f.signed === true) query = query.where(valid);
  else if (f.signed === false) query = query.where(sql<boolean>`not ${valid}`);
  const cursor = request.cursor;
  if (cursor?.order === 'rank' && rank) {
    query = query.where(
      sql<boolean>`(${rank} < ${cursor.rank}::float8 or (${rank} = ${cursor.rank}::float8 and i.name > ${cursor.name}))`,
    );
  } else if (cursor?.order === 'name' && !rank) query = query.where('i.name', '>', cursor.name);
  else if (cursor) throw new SgciError('USAGE', 'cursor', `a cursor of a list ${rank ? 'without' : 'with'} q`);
  if (rank) query = query.orderBy(rank, 'desc');
  const rows = await query
    .orderBy('i.name')
    .limit(request.limit + 1)
    .execute();
  const page = rows.slice(0, request.limit);
  const items = page.map((row): ImageSummary => {
    const orphan = orphanOf(row.maintainers, options.orphanAfterDays);
    return {
      name: row.name,
      organisation: row.organisation,
      description: { de: row.description_de, en: row.description_en },
      categories: row.categories,
      license: row.license,
      source: row.source,
      latest: {
        digest: row.digest,
        status: row.status as SubmissionStatus,
        tags: row.tags,
        admittedAt: row.admitted_at?.toISOString() ?? null,
        vulnerabilities: row.figures.vulnerabilities,
        checks: { baseline: row.figures.checks.baseline },
        signed: row.signed,
      },
      orphaned: orphan.orphaned,
      orphanedReason: orphan.reason,
    };
  });
  const last = rows.length > request.limit ? page.at(-1) : undefined;
  const next =
    last === undefined
      ? null
      : encodeImageCursor(
          'rank' in last && typeof last.rank === 'number'
            ? { order: 'rank', rank: last.rank, name: last.name }
            : { order: 'name', name: last.name },
        );
  return { items, next };
}
