import { isDeepStrictEqual } from 'node:util';
import { sql } from 'kysely';
import type { CatalogueTx } from '../db/open.ts';
import { recordset } from '../db/recordset.ts';
import { type ReportDigests, reportDigestsOf, writeVersionFigures } from '../images/figures.ts';
import type { MatchingInput } from '../rematch/matching-input.ts';
import type { ScannedResult, StoredScanResult } from './result.ts';

/** The result stored before a re-evaluation, with the digest of its checks report recorded with it (none before 0010). */
export interface PreviousResult {
  readonly result: StoredScanResult;
  readonly checksDigest: string | null;
}

/** One version's (re-)evaluated result to store, and the one stored before a re-evaluation. */
export interface ResultToRecord {
  readonly submission: string;
  readonly result: StoredScanResult | ScannedResult;
  readonly previous?: PreviousResult | undefined;
}

/**
 * Stores versions' (re-)evaluated results: the one place a submission's result is written, by the scan job and by
 * re-evaluation alike, so every figure derived from it is derived in one place. The figures the catalogue API lists
 * and filters by, and the version's published VEX, are written with it in the same transaction; a scan's result
 * brings what re-matching reads of its SBOM, which is stored beside it. Given the result stored before, a
 * re-evaluation that changed nothing but the time it was evaluated at writes only that time into the stored result,
 * one that changed only its vulnerability report sends only that report (the rest stays in the database), and one
 * that kept its checks report keeps that report's digest. Each write is one statement for all the versions
 * (a batch of re-evaluations). Returns the digests of the stored reports, in the order given.
 */
export async function recordScanResults(
  tx: CatalogueTx,
  versions: readonly ResultToRecord[],
): Promise<ReportDigests[]> {
  const recorded = versions.map(({ submission, result, previous }) => {
    const stored = 'matching' in result ? storedPart(result) : result;
    const keptChecks = previous && previous.result.checks === stored.checks ? previous.checksDigest : undefined;
    const reports = reportDigestsOf(stored, keptChecks);
    const write: Write = !previous
      ? 'whole'
      : onlyEvaluatedAtChanged(previous.result, stored)
        ? 'time'
        : onlyVulnsChanged(previous.result, stored)
          ? 'vulns'
          : 'whole';
    return { submission, stored, previous, reports, write };
  });
  const rows = (write: Write) => recorded.filter((r) => r.write === write);
  const timed = rows('time').map((r) => ({
    id: r.submission,
    at: r.stored.vulns.evaluatedAt,
    checks: r.reports.checks,
  }));
  if (timed.length > 0) {
    await sql`update submissions s
      set result = jsonb_set(s.result, '{vulns,evaluatedAt}', to_jsonb(r.at)), checks_digest = r.checks
      from ${recordset(timed, { id: 'text', at: 'text', checks: 'text' })} where s.id = r.id`.execute(tx);
  }
  // the rest of the stored result (the checks report above all) stays in the database: only the new report travels.
  // `jsonb_set` of the one key copies the other keys' values as they are; `||` walks every value of both sides
  // (on PGlite, 50 results of 200 KB: 550 ms of CPU merged, 370 set), so it merges only where `matched` or
  // `unavailable` change.
  const matched = rows('vulns').map((r) => ({
    id: r.submission,
    vulns: r.stored.vulns,
    matched: r.stored.matched,
    merge: r.previous?.result.matched !== r.stored.matched || 'unavailable' in (r.previous?.result ?? {}),
    checks: r.reports.checks,
  }));
  if (matched.length > 0) {
    await sql`update submissions s
      set result = case when r.merge
            then (s.result - 'unavailable') || jsonb_build_object('vulns', r.vulns, 'matched', r.matched)
            else jsonb_set(s.result, '{vulns}', r.vulns) end,
          checks_digest = r.checks
      from ${recordset(matched, { id: 'text', vulns: 'jsonb', matched: 'boolean', merge: 'boolean', checks: 'text' })}
      where s.id = r.id`.execute(tx);
  }
  const whole = rows('whole').map((r) => ({ id: r.submission, result: r.stored, checks: r.reports.checks }));
  if (whole.length > 0) {
    await sql`update submissions s set result = r.result, checks_digest = r.checks
      from ${recordset(whole, { id: 'text', result: 'jsonb', checks: 'text' })} where s.id = r.id`.execute(tx);
  }
  await writeVersionFigures(
    tx,
    recorded.map((r) => ({ submission: r.submission, result: r.stored, reports: r.reports })),
  );
  await recordMatchingInputs(
    tx,
    versions.flatMap(({ submission, result }) =>
      'matching' in result ? [{ submission, input: result.matching }] : [],
    ),
  );
  return recorded.map((r) => r.reports);
}

/** `recordScanResults` of one version. */
export async function recordScanResult(
  tx: CatalogueTx,
  submission: string,
  result: StoredScanResult | ScannedResult,
  previous?: PreviousResult,
): Promise<ReportDigests> {
  const [reports] = await recordScanResults(tx, [{ submission, result, previous }]);
  return reports as ReportDigests;
}

/** How a result is written: only its time, only its vulnerability report (and `matched`), or whole. */
type Write = 'time' | 'vulns' | 'whole';

/**
 * Whether `result` is `previous` with another vulnerability report: every other part the very same value (a
 * re-evaluation keeps them), `matched` aside, and `unavailable` at most dropped.
 */
function onlyVulnsChanged(previous: StoredScanResult, result: StoredScanResult): boolean {
  if ('unavailable' in result) return false;
  const keys = new Set([...Object.keys(previous), ...Object.keys(result)]);
  for (const key of ['vulns', 'matched', 'unavailable']) keys.delete(key);
  for (const key of keys) {
    if (previous[key as keyof StoredScanResult] !== result[key as keyof StoredScanResult]) return false;
  }
  return true;
}

/** Whether `result` is `previous` evaluated again at another time: the same findings, notes, database and counts. */
function onlyEvaluatedAtChanged(previous: StoredScanResult, result: StoredScanResult): boolean {
  const at = result.vulns.evaluatedAt;
  return isDeepStrictEqual({ ...previous, vulns: { ...previous.vulns, evaluatedAt: at } }, result);
}

function storedPart({ matching: _, ...stored }: ScannedResult): StoredScanResult {
  return stored;
}

/** Stores (or replaces) what re-matching reads of each version's SBOM, in one statement. */
export async function recordMatchingInputs(
  tx: CatalogueTx,
  inputs: readonly { readonly submission: string; readonly input: MatchingInput }[],
): Promise<void> {
  if (inputs.length === 0) return;
  await tx
    .insertInto('matching_inputs')
    .values(inputs.map(({ submission, input }) => ({ submission, input: JSON.stringify(input) })))
    .onConflict((oc) => oc.column('submission').doUpdateSet((eb) => ({ input: eb.ref('excluded.input') })))
    .execute();
}
