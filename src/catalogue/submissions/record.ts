import { isDeepStrictEqual } from 'node:util';
import { sql } from 'kysely';
import type { CatalogueTx } from '../db/open.ts';
import { type ReportDigests, reportDigestsOf, writeVersionFigures } from '../images/figures.ts';
import type { MatchingInput } from '../rematch/matching-input.ts';
import type { ScannedResult, StoredScanResult } from './result.ts';

/** The result stored before a re-evaluation, with the digest of its checks report recorded with it (none before 0010). */
export interface PreviousResult {
  readonly result: StoredScanResult;
  readonly checksDigest: string | null;
}

/**
 * Stores a version's (re-)evaluated result: the one place a submission's result is written, by the scan job and by
 * re-evaluation alike, so every figure derived from it is derived in one place. The figures the catalogue API lists
 * and filters by, and the version's published VEX, are written with it in the same transaction; a scan's result
 * brings what re-matching reads of its SBOM, which is stored beside it. Given the result stored before, a
 * re-evaluation that changed nothing but the time it was evaluated at writes only that time into the stored result,
 * and one that kept its checks report keeps that report's digest. Returns the digests of the stored reports.
 */
export async function recordScanResult(
  tx: CatalogueTx,
  submission: string,
  result: StoredScanResult | ScannedResult,
  previous?: PreviousResult,
): Promise<ReportDigests> {
  const scanned = 'matching' in result ? result : undefined;
  const stored = scanned ? storedPart(scanned) : result;
  const keptChecks = previous && previous.result.checks === stored.checks ? previous.checksDigest : undefined;
  const reports = reportDigestsOf(stored, keptChecks);
  if (previous && onlyEvaluatedAtChanged(previous.result, stored)) {
    const at = stored.vulns.evaluatedAt;
    await sql`update submissions set result = jsonb_set(result, '{vulns,evaluatedAt}', to_jsonb(${at}::text)),
      checks_digest = ${reports.checks} where id = ${submission}`.execute(tx);
  } else {
    await tx
      .updateTable('submissions')
      .set({ result: JSON.stringify(stored), checks_digest: reports.checks })
      .where('id', '=', submission)
      .execute();
  }
  await writeVersionFigures(tx, submission, stored, reports);
  if (scanned) await recordMatchingInput(tx, submission, scanned.matching);
  return reports;
}

/** Whether `result` is `previous` evaluated again at another time: the same findings, notes, database and counts. */
function onlyEvaluatedAtChanged(previous: StoredScanResult, result: StoredScanResult): boolean {
  const at = result.vulns.evaluatedAt;
  return isDeepStrictEqual({ ...previous, vulns: { ...previous.vulns, evaluatedAt: at } }, result);
}

function storedPart({ matching: _, ...stored }: ScannedResult): StoredScanResult {
  return stored;
}

/** Stores (or replaces) what re-matching reads of the version's SBOM. */
export async function recordMatchingInput(tx: CatalogueTx, submission: string, input: MatchingInput): Promise<void> {
  const json = JSON.stringify(input);
  await tx
    .insertInto('matching_inputs')
    .values({ submission, input: json })
    .onConflict((oc) => oc.column('submission').doUpdateSet({ input: json }))
    .execute();
}
