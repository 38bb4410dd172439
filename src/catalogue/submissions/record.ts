import type { CatalogueTx } from '../db/open.ts';
import type { StoredScanResult } from './result.ts';

/**
 * Stores a version's (re-)evaluated result: the one place a submission's result is written, by the scan job and by
 * re-evaluation alike, so every figure derived from it is derived in one place.
 */
export async function recordScanResult(tx: CatalogueTx, submission: string, result: StoredScanResult): Promise<void> {
  await tx
    .updateTable('submissions')
    .set({ result: JSON.stringify(result) })
    .where('id', '=', submission)
    .execute();
}
