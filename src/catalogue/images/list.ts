import { sql } from 'kysely';
import { SgciError } from '../../core/index.ts';
import type { CatalogueDb } from '../db/open.ts';
import type { SubmissionStatus } from '../submissions/states.ts';
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
 * Ordered by name, or with `q` by rank then name; `next` continues after the last entry (keyset). PostgreSQL
 * filters, ranks, sorts and limits one narrow row per image in `latest_versions` (which carries what the list needs
 * of the image and its newest public version, migration 0008); only the rows of the page are joined to the image's
 * texts and pay for what depends on the clock (a valid verdict, the maintainers' activity). No stored result is
 * parsed.
 */
export async function listImages(
  db: CatalogueDb,
  request: ImageListRequest,
  options: ImageReadOptions,
): Promise<ImagePage> {
  const { now } = options;
  const validOf = (submission: string) =>
    sql<boolean>`exists (select 1 from verdicts v
      where v.submission = ${sql.ref(submission)} and v.valid_from <= ${now} and v.valid_until > ${now})`;
  // the query is parsed and stemmed once, not once for the filter, the rank and the cursor each
  const rank = request.q === undefined ? undefined : sql<number>`ts_rank(l.search, q.query)::float8`;
  let candidates = db
    .selectFrom('latest_versions as l')
    .select([
      'l.image',
      'l.submission',
      'l.digest',
      'l.status',
      'l.admitted_at',
      'l.tags',
      'l.vulnerabilities',
      'l.baseline',
      (rank ?? sql<number | null>`null::float8`).as('rank'),
    ])
    // a version is listed once its figures are recorded
    .where('l.baseline', 'is not', null);
  if (request.q !== undefined)
    candidates = candidates
      .innerJoin(sql`(select ${searchQuery(request.q)} as query offset 0)`.as('q'), (join) => join.onTrue())
      .where(sql<boolean>`l.search @@ q.query`);
  const f = request;
  if (f.category !== undefined)
    candidates = candidates.where(sql<boolean>`l.categories @> ${JSON.stringify([f.category])}::jsonb`);
  if (f.organisation !== undefined) candidates = candidates.where('l.organisation', '=', f.organisation);
  if (f.distro !== undefined) candidates = candidates.where('l.distro', '=', f.distro);
  if (f.distroVersion !== undefined) candidates = candidates.where('l.distro_version', '=', f.distroVersion);
  if (f.ecosystem !== undefined)
    candidates = candidates.where(sql<boolean>`l.ecosystems @> ${JSON.stringify([f.ecosystem])}::jsonb`);
  if (f.baseline !== undefined) candidates = candidates.where('l.baseline', '=', f.baseline);
  if (f.fixable === 'none') candidates = candidates.where('l.fixable_rank', 'is', null);
  else if (f.fixable === 'any') candidates = candidates.where('l.fixable_rank', 'is not', null);
  else if (f.fixable !== undefined) candidates = candidates.where('l.fixable_rank', '<=', fixableThreshold[f.fixable]);
  if (f.sla === 'overdue') candidates = candidates.where('l.overdue', '>', 0);
  else if (f.sla === 'ok') candidates = candidates.where('l.overdue', '=', 0);
  if (f.signed === true) candidates = candidates.where(validOf('l.submission'));
  else if (f.signed === false) candidates = candidates.where(sql<boolean>`not ${validOf('l.submission')}`);
  const cursor = request.cursor;
  if (cursor?.order === 'rank' && rank) {
    candidates = candidates.where(
      sql<boolean>`(${rank} < ${cursor.rank}::float8 or (${rank} = ${cursor.rank}::float8 and l.image > ${cursor.name}))`,
    );
  } else if (cursor?.order === 'name' && !rank) candidates = candidates.where('l.image', '>', cursor.name);
  else if (cursor) throw new SgciError('USAGE', 'cursor', `a cursor of a list ${rank ? 'without' : 'with'} q`);
  if (rank) candidates = candidates.orderBy(rank, 'desc');
  let query = db
    .selectFrom(
      candidates
        .orderBy('l.image')
        .limit(request.limit + 1)
        .as('p'),
    )
    .innerJoin('images as i', 'i.name', 'p.image')
    .select([
      'i.name',
      'i.organisation',
      'i.description_de',
      'i.description_en',
      'i.categories',
      'i.license',
      'i.source',
      'p.digest',
      'p.status',
      'p.admitted_at',
      'p.tags',
      'p.vulnerabilities',
      'p.baseline',
      'p.rank',
      validOf('p.submission').as('signed'),
      maintainerCountsSql(sql.ref('i.name'), orphanCutoff(now, options.orphanAfterDays)).as('maintainers'),
    ]);
  if (rank) query = query.orderBy('p.rank', 'desc');
  const rows = await query.orderBy('p.image').execute();
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
        // both set: the query lists only versions with figures
        vulnerabilities: row.vulnerabilities as CatalogueFigures['vulnerabilities'],
        checks: { baseline: row.baseline as 'passed' | 'failed' },
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
          typeof last.rank === 'number'
            ? { order: 'rank', rank: last.rank, name: last.name }
            : { order: 'name', name: last.name },
        );
  return { items, next };
}
