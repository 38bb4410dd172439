import { sql } from 'kysely';
import { canonicalJson, digestOf, SgciError } from '../../core/index.ts';
import type { CatalogueDb } from '../db/open.ts';
import { publicStatuses } from '../submissions/states.ts';
import { versionPath } from './detail.ts';
import { type Publisher, renderVex } from './documents.ts';
import { imageFacts } from './facts.ts';
import type { ImageReadOptions } from './list.ts';
import { type MaintainerCounts, maintainerCountsSql, orphanCutoff, orphanOf } from './orphans.ts';

const exportFormat = 'sgci-catalogue-export';
const exportVersion = '1';

export interface CatalogueExportOptions extends ImageReadOptions {
  readonly publisher: Publisher;
  /** The digest of the published policy document (`GET /api/v1/policy`). */
  readonly policyDigest: string;
  /** Images written per database round trip. */
  readonly batch?: number;
}

export interface CatalogueExport {
  /**
   * A strong validator of the body: the digest of everything the body is derived from (each version's result
   * digest, verdict and state, each image's entry and maintainers), known before the first byte is written. The
   * batches are read after it, outside one transaction (which on PGlite would hold every other request for the
   * whole download): a version re-evaluated while the export streams is written as it is then.
   */
  readonly etag: string;
  /** The body as JSON text chunks, one image at a time: the whole catalogue is never held in memory. */
  chunks(): AsyncGenerator<string>;
}

/**
 * The public catalogue as one JSON document for mirrors and air-gapped sites: every image with a public version,
 * each public version with its figures, published VEX (OpenVEX) and newest verdict (the DSSE envelope as signed),
 * and where its SBOM and reports are served. Versions newest first; images by name.
 */
export async function catalogueExport(db: CatalogueDb, options: CatalogueExportOptions): Promise<CatalogueExport> {
  const statuses = sql.join(publicStatuses);
  const cutoff = orphanCutoff(options.now, options.orphanAfterDays);
  const [images, versions, maintainers] = await Promise.all([
    db
      .selectFrom('images as i')
      .select([
        'i.name',
        'i.organisation',
        'i.repository',
        'i.description_de',
        'i.description_en',
        'i.categories',
        'i.license',
        'i.source',
        'i.contact',
        'i.end_of_life',
        'i.updated_at',
        maintainerCountsSql(sql.ref('i.name'), cutoff).as('counts'),
      ])
      .where(sql<boolean>`exists (select 1 from latest_versions l where l.image = i.name)`)
      .orderBy('i.name')
      .execute(),
    db
      .selectFrom('submissions as s')
      .innerJoin('version_figures as f', 'f.submission', 's.id')
      .select([
        's.id',
        's.image',
        's.digest',
        's.status',
        's.status_reason',
        's.created_at',
        's.admitted_at',
        'f.result_digest',
        sql<string[]>`coalesce((select jsonb_agg(t.tag order by t.tag) from (select distinct s2.tag from submissions s2
            where s2.image = s.image and s2.digest = s.digest and s2.tag is not null and s2.status in (${statuses})) t),
          '[]'::jsonb)`.as('tags'),
        sql<string | null>`(select max(v.id)::text from verdicts v where v.submission = s.id)`.as('verdict'),
      ])
      .where('s.status', 'in', publicStatuses)
      .orderBy('s.image')
      .orderBy('s.created_at', 'desc')
      .orderBy('s.id', 'desc')
      .execute(),
    db
      .selectFrom('maintainers as m')
      .innerJoin('users as u', 'u.id', 'm.user_id')
      .select(['m.image', 'u.display_name', 'm.organisation', 'm.since'])
      .where(sql<boolean>`exists (select 1 from latest_versions l where l.image = m.image)`)
      .orderBy('m.image')
      .orderBy('m.since')
      .orderBy('u.display_name')
      .execute(),
  ]);
  const base = options.publisher.url.replace(/\/$/, '');
  const versionsOf = group(versions, (v) => v.image);
  const maintainersOf = group(maintainers, (m) => m.image);
  const entries = images.map((image) => ({
    image,
    orphan: orphanOf(image.counts as MaintainerCounts, options.orphanAfterDays),
    maintainers: (maintainersOf.get(image.name) ?? []).map((m) => ({
      name: m.display_name,
      organisation: m.organisation,
      since: m.since.toISOString(),
    })),
    versions: versionsOf.get(image.name) ?? [],
  }));
  const etag = digestOf(
    canonicalJson({
      format: [exportFormat, exportVersion, options.policyDigest, options.publisher],
      images: entries.map((e) => ({
        ...e.image,
        updated_at: e.image.updated_at.toISOString(),
        orphan: e.orphan,
        maintainers: e.maintainers,
        versions: e.versions.map((v) => [
          v.id,
          v.status,
          v.status_reason,
          v.admitted_at?.toISOString() ?? null,
          v.tags,
          v.result_digest,
          v.verdict,
        ]),
      })),
    }),
  );
  const batch = options.batch ?? 50;

  async function* chunks(): AsyncGenerator<string> {
    yield `{"format":${JSON.stringify(exportFormat)},"version":${JSON.stringify(exportVersion)},"publisher":${JSON.stringify(
      options.publisher,
    )},"policy":${JSON.stringify({ uri: `${base}/api/v1/policy`, digest: options.policyDigest })},"images":[`;
    for (let start = 0; start < entries.length; start += batch) {
      const slice = entries.slice(start, start + batch);
      const ids = slice.flatMap((e) => e.versions.map((v) => v.id));
      const heavy = ids.length === 0 ? [] : await versionDocuments(db, ids);
      const byId = new Map(heavy.map((h) => [h.submission, h]));
      const parts = slice.map(({ image, orphan, maintainers, versions: list }) =>
        JSON.stringify({
          ...imageFacts(image),
          maintainers,
          orphaned: orphan.orphaned,
          orphanedReason: orphan.reason,
          versions: list.map((v) => {
            const h = byId.get(v.id);
            const path = `${base}${versionPath(image.name, v.digest)}`;
            if (!h) throw new SgciError('NOT_FOUND', v.id, 'the version changed during the export');
            const { figures } = h;
            return {
              digest: v.digest,
              tags: v.tags,
              status: v.status,
              statusReason: v.status_reason,
              submittedAt: v.created_at.toISOString(),
              admittedAt: v.admitted_at?.toISOString() ?? null,
              figures,
              vex: JSON.parse(
                renderVex(
                  h.vex,
                  'openvex',
                  { image: image.name, digest: v.digest, evaluatedAt: figures.vulnerabilities.evaluatedAt },
                  options.publisher,
                ),
              ),
              verdict: h.envelope ? { envelope: h.envelope, validFrom: h.validFrom, validUntil: h.validUntil } : null,
              documents: {
                sbom: `${path}/sbom`,
                vulns: `${path}/vulns`,
                checks: `${path}/checks`,
                vex: `${path}/vex`,
                vsa: `${path}/vsa`,
              },
            };
          }),
        }),
      );
      yield `${start === 0 ? '' : ','}${parts.join(',')}`;
    }
    yield ']}\n';
  }
  return { etag, chunks };
}

function group<T>(rows: readonly T[], key: (row: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const row of rows) {
    const k = key(row);
    const list = out.get(k);
    if (list) list.push(row);
    else out.set(k, [row]);
  }
  return out;
}

/** The figures, published VEX and newest verdict of some versions, read a batch at a time. */
async function versionDocuments(db: CatalogueDb, ids: readonly string[]) {
  const rows = await db
    .selectFrom('version_figures as f')
    .leftJoin(
      (eb) =>
        eb
          .selectFrom('verdicts')
          .select(['submission', 'envelope', 'valid_from', 'valid_until'])
          .distinctOn('submission')
          .where('submission', 'in', ids)
          .orderBy('submission')
          .orderBy('id', 'desc')
          .as('v'),
      (join) => join.onRef('v.submission', '=', 'f.submission'),
    )
    .select(['f.submission', 'f.figures', 'f.vex', 'v.envelope', 'v.valid_from', 'v.valid_until'])
    .where('f.submission', 'in', ids)
    .execute();
  return rows.map((r) => ({
    submission: r.submission,
    figures: r.figures,
    vex: r.vex,
    envelope: r.envelope,
    validFrom: r.valid_from?.toISOString() ?? null,
    validUntil: r.valid_until?.toISOString() ?? null,
  }));
}
