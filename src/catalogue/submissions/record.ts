import type { CatalogueTx } from '../db/open.ts';
import { writeVersionFigures } from '../images/figures.ts';
import type { StoredScanResult } from './result.ts';

/**
 * Stores a version's (re-)evaluated result: the one place a submission's result is written, by the scan job and by
 * re-evaluation alike, so every figure derived from it is derived in one place. The figures the catalogue API lists
 * and filters by, and the version's published VEX, are written with it in the same transaction.
 */
export async function recordScanResult(tx: CatalogueTx, submission: string, result: StoredScanResult): Promise<void> {
  await tx
    .updateTable('submissions')
    .set({ result: JSON.stringify(result) })
    .where('id', '=', submission)
    .execute();
  await writeVersionFigures(tx, submission, result);
}
