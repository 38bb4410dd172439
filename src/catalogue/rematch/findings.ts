import { type Insertable, type RawBuilder, type Selectable, sql } from 'kysely';
import { digestOf } from '../../core/index.ts';
import { type Policy, type SlaPolicy, slaPolicyOf } from '../../policy/index.ts';
import { type Finding, slaOf, type VulnReport } from '../../vuln/index.ts';
import { appendEvents, type EventInput } from '../db/events.ts';
import type { CatalogueTx } from '../db/open.ts';
import { recordset } from '../db/recordset.ts';
import type { FindingsTable } from '../db/schema.ts';
import type { ReportDigests } from '../images/figures.ts';
import { type PreviousResult, recordScanResults } from '../submissions/record.ts';
import type { StoredScanResult } from '../submissions/result.ts';
import { setReevaluations } from './schedule.ts';

/** What the catalogue already knew of a finding before this evaluation. */
type KnownFinding = Pick<
  Selectable<FindingsTable>,
  | 'id'
  | 'vulnerability'
  | 'purl'
  | 'severity'
  | 'state'
  | 'first_seen'
  | 'last_seen'
  | 'fix_available_since'
  | 'breached_at'
  | 'content'
>;

/** A counted finding past its deadline. */
export interface OverdueFinding {
  readonly finding: Finding;
  readonly due: Date;
}

export interface RecordedFindings {
  /** The result as stored: its SLA clocks as the catalogue started them (see `fixAvailableSince`). */
  readonly result: StoredScanResult;
  /** Counted findings past their deadline, the earliest deadline first. */
  readonly overdue: readonly OverdueFinding[];
  /** The digests of its reports, as its verdict attests them. */
  readonly reports: ReportDigests;
}

/** Events per insert: 7 values each, far below PostgreSQL's 65,535 bound parameters. */
const rowsPerStatement = 1000;

const system = { kind: 'system' } as const;

/**
 * When the SLA clock of a fixable finding starts. OSV's range events carry no dates, so:
 * - a clock once started keeps its start (a finding that comes back continues where it was);
 * - else the advisory data's date, as `sgci vulns` computes it (`published`, else `modified`, of the earliest matched
 *   advisory that names a fixed version); without one, the first sight of the finding;
 * - but never before the last evaluation that saw the finding without a fix: a Debian or GHSA record that gains its
 *   fix later keeps its old `published`, and the fix cannot have been there when the catalogue saw none.
 */
function fixAvailableSince(finding: Finding, known: KnownFinding | undefined, now: Date): string {
  if (known?.fix_available_since) return known.fix_available_since.toISOString();
  const fromData = finding.fixAvailableAt ?? (known?.first_seen ?? now).toISOString();
  if (!known) return fromData;
  return Date.parse(fromData) > known.last_seen.getTime() ? fromData : known.last_seen.toISOString();
}

/**
 * The report with each fixable finding's clock started as `fixAvailableSince` says, and its SLA state computed by
 * the one SLA calculation (`slaOf`) from there. Unchanged when every clock starts where the matcher put it.
 */
function clockedReport(report: VulnReport, known: ReadonlyMap<string, KnownFinding>, sla: SlaPolicy, now: Date) {
  let changed = false;
  const matches = report.matches.map((finding): Finding => {
    if (finding.fixState !== 'fixed') return finding;
    const since = fixAvailableSince(finding, known.get(finding.id), now);
    if (since === finding.fixAvailableAt) return finding;
    changed = true;
    const { sla: _, ...rest } = finding;
    const clocked = { ...rest, fixAvailableAt: since };
    const state = slaOf(clocked, sla, now);
    return state ? { ...clocked, sla: state } : clocked;
  });
  if (!changed) return report;
  return { ...report, matches, summary: { ...report.summary, overdue: matches.filter((f) => f.sla?.overdue).length } };
}

function counted(finding: Finding): boolean {
  return !finding.suppressed && finding.judgement === 'open';
}

function rowOf(submission: string, finding: Finding, now: Date): Insertable<FindingsTable> {
  const stated = {
    vulnerability: finding.vulnerability.id,
    aliases: JSON.stringify(finding.vulnerability.aliases),
    purl: finding.package.purl,
    package: finding.package.name,
    installed: finding.package.version,
    fixed_versions: JSON.stringify(finding.fixedVersions),
    severity: finding.vulnerability.severity,
    severity_source: JSON.stringify(finding.vulnerability.severitySource),
    judgement: finding.judgement,
    state: finding.suppressed ? ('suppressed' as const) : ('open' as const),
    vex: finding.vex ? JSON.stringify(finding.vex) : null,
    fix_available_since: finding.fixAvailableAt ?? null,
    sla_due: finding.sla?.dueAt ?? null,
  };
  return {
    submission,
    id: finding.id,
    ...stated,
    first_seen: now,
    last_seen: now,
    fixed_at: null,
    content: digestOf(JSON.stringify(stated)),
  };
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** The columns of a finding row as `rowOf` writes them, with the type each has in a JSON recordset. */
const findingColumns = {
  submission: 'text',
  id: 'text',
  vulnerability: 'text',
  aliases: 'jsonb',
  purl: 'text',
  package: 'text',
  installed: 'text',
  fixed_versions: 'jsonb',
  severity: 'text',
  severity_source: 'jsonb',
  judgement: 'text',
  state: 'text',
  vex: 'jsonb',
  fix_available_since: 'timestamptz',
  sla_due: 'timestamptz',
  first_seen: 'timestamptz',
  last_seen: 'timestamptz',
  fixed_at: 'timestamptz',
  content: 'text',
} as const satisfies Partial<Record<keyof FindingsTable, string>>;

/**
 * The rows as one recordset: a hundred new findings are one bound value instead of nineteen hundred. The JSON
 * columns travel as the JSON text `rowOf` made of them and are cast back.
 */
function fromRecordset(rows: readonly Insertable<FindingsTable>[]) {
  const columns = Object.entries(findingColumns);
  const asText = Object.fromEntries(columns.map(([column, type]) => [column, type === 'jsonb' ? 'text' : type]));
  const selected = columns.map(([column, type]) => (type === 'jsonb' ? `${column}::jsonb` : column));
  return sql`select ${sql.raw(selected.join(', '))} from ${recordset(rows, asText)}`;
}

/** One version's evaluation as the findings' writes see it. */
interface Evaluated {
  readonly submission: string;
  readonly now: Date;
  /** When its open findings were last seen: the previous evaluation (undefined: as their rows say). */
  readonly seenBefore: Date | undefined;
  readonly matches: readonly Finding[];
  readonly known: ReadonlyMap<string, KnownFinding>;
  readonly gone: readonly KnownFinding[];
  readonly overdue: readonly OverdueFinding[];
}

/** Updates the findings named by (submission, id) in the rows as `set` says (`r.at`, `r.seen`), in one statement. */
async function updateFindings(
  tx: CatalogueTx,
  rows: readonly { readonly submission: string; readonly id: string; readonly at: Date; readonly seen?: Date }[],
  set: RawBuilder<unknown>,
): Promise<void> {
  if (rows.length === 0) return;
  await sql`update findings f set ${set}
    from ${recordset(rows, { submission: 'text', id: 'text', at: 'timestamptz', seen: 'timestamptz' })}
    where f.submission = r.submission and f.id = r.id`.execute(tx);
}

/**
 * Writes what changed, each write one statement for every version: new and changed findings (first sight and
 * breach time kept), the gone ones `fixed` (seen last at the evaluation before). An unchanged open finding's row is
 * not rewritten: that it was seen at every evaluation since is what its version's stored result says (`seenBefore`,
 * read back by `recordFindingsOf`); only a version evaluated without that result has its rows' `last_seen` moved.
 */
async function writeFindings(tx: CatalogueTx, versions: readonly Evaluated[]): Promise<void> {
  const changed: Insertable<FindingsTable>[] = [];
  const seen: { submission: string; at: Date }[] = [];
  for (const { submission, now, matches, known, seenBefore } of versions) {
    const rows = matches
      .map((f) => rowOf(submission, f, now))
      .filter((row) => {
        const before = known.get(row.id);
        return before?.state === 'fixed' || before?.content !== row.content;
      });
    for (const row of rows) changed.push(row);
    if (rows.length < matches.length && !seenBefore) seen.push({ submission, at: now });
  }
  if (changed.length > 0) {
    await tx
      .insertInto('findings')
      .columns(Object.keys(findingColumns) as (keyof typeof findingColumns)[])
      .expression(fromRecordset(changed))
      .onConflict((oc) =>
        oc.columns(['submission', 'id']).doUpdateSet((eb) => ({
          aliases: eb.ref('excluded.aliases'),
          fixed_versions: eb.ref('excluded.fixed_versions'),
          severity: eb.ref('excluded.severity'),
          severity_source: eb.ref('excluded.severity_source'),
          judgement: eb.ref('excluded.judgement'),
          state: eb.ref('excluded.state'),
          vex: eb.ref('excluded.vex'),
          last_seen: eb.ref('excluded.last_seen'),
          fix_available_since: eb.ref('excluded.fix_available_since'),
          sla_due: eb.ref('excluded.sla_due'),
          fixed_at: null,
          content: eb.ref('excluded.content'),
        })),
      )
      .execute();
  }
  await updateFindings(
    tx,
    versions.flatMap((v) => v.gone.map((k) => ({ submission: v.submission, id: k.id, at: v.now, seen: k.last_seen }))),
    sql`state = 'fixed', fixed_at = r.at, last_seen = r.seen`,
  );
  if (seen.length > 0) {
    await sql`update findings f set last_seen = r.at
      from ${recordset(seen, { submission: 'text', at: 'timestamptz' })}
      where f.submission = r.submission and f.state <> 'fixed' and f.last_seen < r.at`.execute(tx);
  }
}

/** `finding-new`, `finding-fixed` and (once per finding) `sla-breach` events of re-evaluations, version by version. */
async function announce(tx: CatalogueTx, versions: readonly Evaluated[]): Promise<void> {
  const events: EventInput[] = [];
  const breaches: { submission: string; id: string; at: Date }[] = [];
  for (const { submission, now, matches, known, gone, overdue } of versions) {
    const event = (kind: string, after: object, before?: object): EventInput => ({
      actor: system,
      subject: { kind: 'submission', id: submission },
      kind,
      ...(before ? { before } : {}),
      after,
      at: now,
    });
    for (const f of matches) {
      const before = known.get(f.id);
      if (before && before.state !== 'fixed') continue;
      events.push(
        event('finding-new', {
          vulnerability: f.vulnerability.id,
          aliases: f.vulnerability.aliases,
          purl: f.package.purl,
          severity: f.vulnerability.severity,
          state: f.suppressed ? 'suppressed' : 'open',
          fixedVersions: f.fixedVersions,
          due: f.sla?.dueAt ?? null,
        }),
      );
    }
    for (const k of gone) {
      events.push(
        event(
          'finding-fixed',
          { vulnerability: k.vulnerability, purl: k.purl, severity: k.severity },
          { state: k.state },
        ),
      );
    }
    for (const { finding: f, due } of overdue) {
      if (known.get(f.id)?.breached_at) continue;
      breaches.push({ submission, id: f.id, at: now });
      events.push(
        event('sla-breach', {
          vulnerability: f.vulnerability.id,
          purl: f.package.purl,
          severity: f.vulnerability.severity,
          due: due.toISOString(),
        }),
      );
    }
  }
  for (const batch of chunks(events, rowsPerStatement)) await appendEvents(tx, batch);
  await updateFindings(tx, breaches, sql`breached_at = r.at`);
}

/**
 * When the watch last saw new advisory data: a version scanned and matched before that was not among those it queued
 * (the scan was matched before the import that ran meanwhile).
 */
async function watchLastSawChange(tx: CatalogueTx): Promise<Date | undefined> {
  const handled = await tx
    .selectFrom('advisory_watch')
    .select('handled_at')
    .where('name', '=', 'store')
    .executeTakeFirst();
  return handled?.handled_at;
}

/** One version's evaluated result to store. */
export interface FindingsToRecord {
  readonly submission: string;
  readonly result: StoredScanResult;
  /** The result stored before a re-evaluation: spares rewriting what did not change. */
  readonly previous?: PreviousResult | undefined;
}

/**
 * Stores a version's evaluated result and its findings, in the caller's transaction: the scan job's first result
 * and every re-evaluation's. Each finding keeps its first sight and its SLA clock; one that is no longer matched
 * becomes `fixed` (never deleted). A re-evaluation writes what changed as events (the scan's first result is no news).
 * The version's next evaluation by the clock is its next deadline; after a scan matched before the watch last saw
 * new advisory data (an import that ran while the image was read), at once. `previous`, the result stored before a
 * re-evaluation, spares rewriting what did not change.
 */
export async function recordFindings(
  tx: CatalogueTx,
  submission: string,
  result: StoredScanResult,
  policy: Policy,
  options: { readonly reevaluation?: boolean; readonly previous?: PreviousResult } = {},
): Promise<RecordedFindings> {
  const [recorded] = await recordFindingsOf(tx, [{ submission, result, previous: options.previous }], policy, options);
  return recorded as RecordedFindings;
}

/**
 * `recordFindings` of several versions (a batch of re-evaluations), each write one statement for all of them;
 * what each version gets, events included and in the same order, is what it gets alone. In the order given.
 */
export async function recordFindingsOf(
  tx: CatalogueTx,
  versions: readonly FindingsToRecord[],
  policy: Policy,
  options: { readonly reevaluation?: boolean } = {},
): Promise<RecordedFindings[]> {
  const ids = versions.filter((v) => v.result.matched).map((v) => v.submission);
  const rows =
    ids.length === 0
      ? []
      : await tx
          .selectFrom('findings')
          .select([
            'submission',
            'id',
            'vulnerability',
            'purl',
            'severity',
            'state',
            'first_seen',
            'last_seen',
            'fix_available_since',
            'breached_at',
            'content',
          ])
          .where('submission', 'in', ids)
          .execute();
  const knownOf = new Map<string, KnownFinding[]>(ids.map((id) => [id, []]));
  for (const row of rows) knownOf.get(row.submission)?.push(row);
  const sla = slaPolicyOf(policy);
  const evaluated: Evaluated[] = [];
  const stored = versions.map(({ submission, result, previous }) => {
    if (!result.matched) return result;
    const now = new Date(result.vulns.evaluatedAt);
    const seenBefore = previous?.result.matched ? new Date(previous.result.vulns.evaluatedAt) : undefined;
    const rows = (knownOf.get(submission) ?? []).map((row) =>
      row.state !== 'fixed' && seenBefore && seenBefore > row.last_seen ? { ...row, last_seen: seenBefore } : row,
    );
    const known = new Map(rows.map((r) => [r.id, r]));
    const vulns = clockedReport(result.vulns, known, sla, now);
    const present = new Set(vulns.matches.map((f) => f.id));
    const gone = rows.filter((k) => k.state !== 'fixed' && !present.has(k.id));
    const overdue = vulns.matches
      .flatMap((finding) =>
        finding.sla?.overdue && finding.sla.dueAt ? [{ finding, due: new Date(finding.sla.dueAt) }] : [],
      )
      .sort((a, b) => a.due.getTime() - b.due.getTime());
    evaluated.push({ submission, now, seenBefore, matches: vulns.matches, known, gone, overdue });
    return vulns === result.vulns ? result : { ...result, vulns };
  });
  const reports = await recordScanResults(
    tx,
    versions.map((v, i) => ({ submission: v.submission, result: stored[i] as StoredScanResult, previous: v.previous })),
  );
  await writeFindings(tx, evaluated);
  if (options.reevaluation) await announce(tx, evaluated);
  // a re-evaluation that missed an import is queued again by the watch; a scan is not among the versions it queues
  const watchSaw = !options.reevaluation && evaluated.length > 0 ? await watchLastSawChange(tx) : undefined;
  const next = evaluated.map(({ submission, now, matches }) => {
    const deadlines = matches.flatMap((f) =>
      counted(f) && f.sla?.dueAt && !f.sla.overdue ? [Date.parse(f.sla.dueAt)] : [],
    );
    const dueAt =
      watchSaw && watchSaw.getTime() > now.getTime()
        ? now
        : deadlines.length > 0
          ? new Date(deadlines.reduce((a, b) => Math.min(a, b)))
          : undefined;
    return { submission, dueAt, evaluatedAt: now };
  });
  await setReevaluations(tx, next);
  const overdueOf = new Map(evaluated.map((e) => [e.submission, e.overdue]));
  return versions.map((v, i) => ({
    result: stored[i] as StoredScanResult,
    overdue: overdueOf.get(v.submission) ?? [],
    reports: reports[i] as ReportDigests,
  }));
}
