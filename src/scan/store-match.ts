import type { AdvisoryReader, VexStatement } from '../vuln/index.ts';
import type { VulnMatcher } from './request.ts';

/**
 * Matching against an open store: the advisories it holds, the VEX statements made with `sgci vex add` and the
 * request's own. An empty database is said to be empty, never taken for "no vulnerabilities".
 */
export interface MatchingStore {
  readonly advisories: AdvisoryReader & { count(): Promise<number> };
  readonly vex: { list(): Promise<VexStatement[]> };
}

export function storeMatcher(store: MatchingStore): VulnMatcher {
  return async (sbom, request) => {
    const { matchSbom } = await import('../vuln/index.ts');
    if ((await store.advisories.count()) === 0) {
      return {
        unavailable: 'the advisory database is empty: run sgci db import or sgci db update first',
        unavailableDe: 'die Advisory-Datenbank ist leer: zuerst sgci db import oder sgci db update ausführen',
      };
    }
    const vex = [...(await store.vex.list()), ...request.vex];
    const report = await matchSbom(sbom, store.advisories, {
      vex,
      now: request.now,
      sla: request.sla,
      notes: request.notes,
    });
    return { report };
  };
}
