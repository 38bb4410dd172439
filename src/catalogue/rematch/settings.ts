const day = 86_400_000;

/** How the catalogue keeps its verdicts current: `reevaluation` in the server's configuration. */
export interface ReevaluationSettings {
  /**
   * How long a version may stay `at-risk`: counted from the deadline of its oldest overdue finding; past it the
   * version is `suspended`.
   */
  readonly suspendAfterMs: number;
  /** How often the watch job looks for new advisory data and for deadlines that passed. */
  readonly watchIntervalMs: number;
  /** What `POST /api/v1/admin/advisories/update` fetches (the options of `sgci db update`). */
  readonly feeds: { readonly mirror?: string; readonly ecosystems?: readonly string[] };
}

export const defaultReevaluation: ReevaluationSettings = {
  suspendAfterMs: 7 * day,
  watchIntervalMs: 5 * 60_000,
  feeds: {},
};
