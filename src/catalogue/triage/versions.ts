import { type RawBuilder, sql } from 'kysely';
import { SgciError } from '../../core/index.ts';
import { type Finding, purlMatches, type VulnReport } from '../../vuln/index.ts';
import type { CatalogueDb } from '../db/open.ts';
import type { SubmissionInputs } from '../db/schema.ts';
import type { VersionScope } from '../services.ts';
import type { StoredScanResult } from '../submissions/result.ts';
import type { SubmissionStatus } from '../submissions/states.ts';

/** Versions whose findings decisions are tried against: pending review or admitted (what re-evaluation keeps current). */
export const liveStatuses: readonly SubmissionStatus[] = ['awaiting-review', 'admitted', 'at-risk', 'suspended'];

/** Versions whose image-scoped decisions images built on them inherit. */
export const admittedStatuses: readonly SubmissionStatus[] = ['admitted', 'at-risk'];

/** A stored version: its scope for decisions, its state and what its findings are matched against. */
export interface StoredVersion extends VersionScope {
  readonly status: SubmissionStatus;
  readonly subject: VulnReport['subject'];
  readonly inputs: SubmissionInputs;
}

interface VersionRow {
  id: string;
  image: string;
  digest: string;
  organisation: string;
  status: string;
  inputs: SubmissionInputs;
  repository: string;
  diff_ids: string[] | null;
  subject: VulnReport['subject'] | null;
}

function storedVersion(row: VersionRow): StoredVersion {
  return {
    submission: row.id,
    image: row.image,
    repository: row.repository,
    digest: row.digest,
    organisation: row.organisation,
    diffIds: row.diff_ids ?? [],
    status: row.status as SubmissionStatus,
    subject: row.subject ?? { name: `${row.repository}@${row.digest}` },
    inputs: row.inputs,
  };
}

/** The live versions with findings that meet `condition` (on a match `m.value`), each with only those findings. */
async function liveFindings(
  db: CatalogueDb,
  condition: RawBuilder<unknown>,
): Promise<{ version: StoredVersion; findings: Finding[] }[]> {
  const { rows } = await sql<VersionRow & { findings: Finding[] }>`
    select s.id, s.image, s.digest, s.organisation, s.status, s.inputs, i.repository,
      s.result -> 'diffIds' as diff_ids, s.result -> 'vulns' -> 'subject' as subject,
      jsonb_agg(m.value order by m.n) as findings
    from submissions s
    join images i on i.name = s.image
    cross join lateral jsonb_array_elements(s.result -> 'vulns' -> 'matches') with ordinality as m(value, n)
    where s.status in (${sql.join([...liveStatuses])})
      and ${condition}
    group by s.id, i.repository
    order by s.created_at, s.id`.execute(db);
  return rows.map((row) => ({ version: storedVersion(row), findings: row.findings }));
}

/**
 * The live versions with findings naming one of `ids` (as id or alias) in their stored results, each with only
 * those findings: PostgreSQL picks them out of the jsonb, so a catalogue of many versions is not read whole.
 */
export async function findingsNaming(
  db: CatalogueDb,
  ids: readonly string[],
): Promise<{ version: StoredVersion; findings: Finding[] }[]> {
  if (ids.length === 0) return [];
  const list = [...new Set(ids)];
  return liveFindings(
    db,
    sql`(m.value -> 'vulnerability' ->> 'id' in (${sql.join(list)})
        or m.value -> 'vulnerability' -> 'aliases' ?| array[${sql.join(list)}]::text[])`,
  );
}

/**
 * The live versions with findings on the package a package URL names, as a VEX statement names it (version and
 * qualifiers only where given, `purlMatches`): the type, namespace and name pick the candidates in SQL.
 */
export async function findingsOnPackage(
  db: CatalogueDb,
  purl: string,
): Promise<{ version: StoredVersion; findings: Finding[] }[]> {
  const name = purl.split(/[@?#]/, 1)[0] ?? purl;
  const pattern = `${name.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  const rows = await liveFindings(db, sql`m.value -> 'package' ->> 'purl' like ${pattern}`);
  return rows.flatMap(({ version, findings }) => {
    const on = findings.filter((f) => purlMatches(purl, f.package.purl));
    return on.length > 0 ? [{ version, findings: on }] : [];
  });
}

/** One version with its stored result, or NOT_FOUND. */
export async function storedVersionOf(
  db: CatalogueDb,
  submission: string,
): Promise<{ version: StoredVersion; result: StoredScanResult | null }> {
  const row = await db
    .selectFrom('submissions')
    .innerJoin('images', 'images.name', 'submissions.image')
    .select([
      'submissions.id',
      'submissions.image',
      'submissions.digest',
      'submissions.organisation',
      'submissions.status',
      'submissions.inputs',
      'submissions.result',
      'images.repository',
    ])
    .where('submissions.id', '=', submission)
    .executeTakeFirst();
  if (!row) throw new SgciError('NOT_FOUND', submission, 'no such submission');
  const result = row.result as StoredScanResult | null;
  return {
    version: storedVersion({
      ...row,
      diff_ids: result?.diffIds ? [...result.diffIds] : null,
      subject: result?.vulns.subject ?? null,
    }),
    result,
  };
}

/** An admitted version of another image whose layers are the first layers of a version. */
export interface BaseVersion {
  readonly submission: string;
  readonly image: string;
  readonly digest: string;
  /** Where its SBOM is stored (the scan's cache key). */
  readonly scanKey: string | null;
}

/**
 * The admitted versions of other images that `version` is built on: all their layer diffIDs are the first of the
 * version's. Per base image the most recently admitted such version.
 */
export async function baseVersionsOf(
  db: CatalogueDb,
  version: Pick<VersionScope, 'image' | 'diffIds'>,
): Promise<BaseVersion[]> {
  const first = version.diffIds[0];
  if (!first) return [];
  const { rows } = await sql<{
    id: string;
    image: string;
    digest: string;
    scan_key: string | null;
    diff_ids: string[];
  }>`
    select id, image, digest, scan_key, result -> 'diffIds' as diff_ids
    from submissions
    where status in (${sql.join([...admittedStatuses])})
      and image <> ${version.image}
      and result -> 'diffIds' ->> 0 = ${first}
      and jsonb_array_length(result -> 'diffIds') <= ${version.diffIds.length}
    order by admitted_at desc nulls last, id`.execute(db);
  const bases = new Map<string, BaseVersion>();
  for (const row of rows) {
    if (bases.has(row.image) || !row.diff_ids.every((diffId, i) => version.diffIds[i] === diffId)) continue;
    bases.set(row.image, { submission: row.id, image: row.image, digest: row.digest, scanKey: row.scan_key });
  }
  return [...bases.values()];
}
