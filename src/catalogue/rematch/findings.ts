import { type Insertable, type Selectable, sql } from 'kysely';
import { digestOf } from '../../core/index.ts';
import { type Policy, type SlaPolicy, slaPolicyOf } from '../../policy/index.ts';
import { type Finding, slaOf, type VulnReport } from '../../vuln/index.ts';
import { appendEvents, type EventInput } from '../db/events.ts';
import type { CatalogueTx } from '../db/open.ts';
import type { FindingsTable } from '../db/schema.ts';
import type { ReportDigests } from '../images/figures.ts';
import { type PreviousResult, recordScanResult } from '../submissions/record.ts';
import type { StoredScanResult } from '../submissions/result.ts';
import { setReevaluation } from './schedule.ts';

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

/** Rows per insert: 18 values each, far below PostgreSQL's 65,535 bound parameters. */
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
const findingColumns = [
  ['submission', 'text'],
  ['id', 'text'],
  ['vulnerability', 'text'],
  ['aliases', 'jsonb'],
  ['purl', 'text'],
  ['package', 'text'],
  ['installed', 'text'],
  ['fixed_versions', 'jsonb'],
  ['severity', 'text'],
  ['severity_source', 'jsonb'],
  ['judgement', 'text'],
  ['state', 'text'],
  ['vex', 'jsonb'],
  ['fix_available_since', 'timestamptz'],
  ['sla_due', 'timestamptz'],
  ['first_seen', 'timestamptz'],
  ['last_seen', 'timestamptz'],
  ['fixed_at', 'timestamptz'],
  ['content', 'text'],
] as const satisfies readonly (readonly [keyof FindingsTable, string])[];

/**
 * The rows as one JSON parameter read back as a recordset: a hundred new findings are one bound value instead of
 * nineteen hundred, which both engines take in a fraction of the time. The JSON columns travel as the JSON text
 * `rowOf` made of them and are cast back.
 */
function fromRecordset(rows: readonly Insertable<FindingsTable>[]) {
  const definition = findingColumns.map(([column, type]) => `${column} ${type === 'jsonb' ? 'text' : type}`);
  const selected = findingColumns.map(([column, type]) => (type === 'jsonb' ? `${column}::jsonb` : column));
  return sql`select ${sql.raw(selected.join(', '))}
    from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as r(${sql.raw(definition.join(', '))})`;
}

/**
 * Writes what changed in a few statements: new and changed findings (first sight and breach time kept), the gone
 * ones `fixed`, and for the rest only that they were seen now.
 */
async function writeFindings(
  tx: CatalogueTx,
  submission: string,
  matches: readonly Finding[],
  known: ReadonlyMap<string, KnownFinding>,
  gone: readonly KnownFinding[],
  now: Date,
): Promise<void> {
  const changed = matches
    .map((f) => rowOf(submission, f, now))
    .filter((row) => {
      const before = known.get(row.id);
      return before?.state === 'fixed' || before?.content !== row.content;
    });
  if (changed.length > 0) {
    await tx
      .insertInto('findings')
      .columns(findingColumns.map(([column]) => column))
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
  for (const ids of chunks(
    gone.map((k) => k.id),
    rowsPerStatement,
  )) {
    await tx
      .updateTable('findings')
      .set({ state: 'fixed', fixed_at: now })
      .where('submission', '=', submission)
      .where('id', 'in', ids)
      .execute();
  }
  if (changed.length < matches.length) {
    await tx
      .updateTable('findings')
      .set({ last_seen: now })
      .where('submission', '=', submission)
      .where('state', '!=', 'fixed')
      .where('last_seen', '<', now)
      .execute();
  }
}

/** `finding-new`, `finding-fixed` and (once per finding) `sla-breach` events of one re-evaluation. */
async function announce(
  tx: CatalogueTx,
  submission: string,
  matches: readonly Finding[],
  known: ReadonlyMap<string, KnownFinding>,
  gone: readonly KnownFinding[],
  overdue: readonly OverdueFinding[],
  now: Date,
): Promise<void> {
  const event = (kind: string, after: object, before?: object): EventInput => ({
    actor: system,
    subject: { kind: 'submission', id: submission },
    kind,
    ...(before ? { before } : {}),
    after,
    at: now,
  });
  const events: EventInput[] = [];
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
  const breached = overdue.filter((o) => !known.get(o.finding.id)?.breached_at);
  for (const { finding: f, due } of breached) {
    events.push(
      event('sla-breach', {
        vulnerability: f.vulnerability.id,
        purl: f.package.purl,
        severity: f.vulnerability.severity,
        due: due.toISOString(),
      }),
    );
  }
  for (const batch of chunks(events, rowsPerStatement)) await appendEvents(tx, batch);
  for (const ids of chunks(
    breached.map((o) => o.finding.id),
    rowsPerStatement,
  )) {
    await tx
      .updateTable('findings')
      .set({ breached_at: now })
      .where('submission', '=', submission)
      .where('id', 'in', ids)
      .execute();
  }
}

/**
 * Whether the watch saw new advisory data after this result was matched: a version being scanned then was not among
 * those it queued (the scan was matched before the import that ran meanwhile).
 */
async function matchedBeforeWatchSawChange(tx: CatalogueTx, matchedAt: Date): Promise<boolean> {
  const handled = await tx
    .selectFrom('advisory_watch')
    .select('handled_at')
    .where('name', '=', 'store')
    .executeTakeFirst();
  return handled !== undefined && handled.handled_at.getTime() > matchedAt.getTime();
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
  if (!result.matched) {
    const reports = await recordScanResult(tx, submission, result);
    return { result, overdue: [], reports };
  }
  const now = new Date(result.vulns.evaluatedAt);
  const rows = await tx
    .selectFrom('findings')
    .select([
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
    .where('submission', '=', submission)
    .execute();
  const known = new Map(rows.map((r) => [r.id, r]));
  const vulns = clockedReport(result.vulns, known, slaPolicyOf(policy), now);
  const stored: StoredScanResult = vulns === result.vulns ? result : { ...result, vulns };
  const reports = await recordScanResult(tx, submission, stored, options.previous);
  const present = new Set(vulns.matches.map((f) => f.id));
  const gone = rows.filter((k) => k.state !== 'fixed' && !present.has(k.id));
  await writeFindings(tx, submission, vulns.matches, known, gone, now);
  const overdue = vulns.matches
    .flatMap((finding) =>
      finding.sla?.overdue && finding.sla.dueAt ? [{ finding, due: new Date(finding.sla.dueAt) }] : [],
    )
    .sort((a, b) => a.due.getTime() - b.due.getTime());
  if (options.reevaluation) await announce(tx, submission, vulns.matches, known, gone, overdue, now);
  const deadlines = vulns.matches.flatMap((f) =>
    counted(f) && f.sla?.dueAt && !f.sla.overdue ? [Date.parse(f.sla.dueAt)] : [],
  );
  // a re-evaluation that missed an import is queued again by the watch; a scan is not among the versions it queues
  const next =
    !options.reevaluation && (await matchedBeforeWatchSawChange(tx, now))
      ? now
      : deadlines.length > 0
        ? new Date(deadlines.reduce((a, b) => Math.min(a, b)))
        : undefined;
  await setReevaluation(tx, submission, next, now);
  return { result: stored, overdue, reports };
}
