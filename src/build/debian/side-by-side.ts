/**
 * Work on several items at once, answered as a loop one after the other would answer: the results in the items'
 * order, and on failure the error of the first item (in that order) that failed, whichever failed first in time.
 * The others are waited for, so nothing is left running or unhandled after a failure.
 */
export async function sideBySide<T, R>(
  items: readonly T[],
  work: (item: T, index: number) => Promise<R>,
  atOnce = Number.POSITIVE_INFINITY,
): Promise<R[]> {
  const settled: PromiseSettledResult<R>[] = new Array(items.length);
  let next = 0;
  const lane = async (): Promise<void> => {
    for (let i = next++; i < items.length; i = next++) {
      try {
        settled[i] = { status: 'fulfilled', value: await work(items[i] as T, i) };
      } catch (reason) {
        settled[i] = { status: 'rejected', reason };
      }
    }
  };
  const lanes: Promise<void>[] = [];
  for (let l = 0; l < Math.min(atOnce, items.length); l++) lanes.push(lane());
  await Promise.all(lanes);
  const results: R[] = [];
  for (const outcome of settled) {
    if (outcome.status === 'rejected') throw outcome.reason;
    results.push(outcome.value);
  }
  return results;
}
