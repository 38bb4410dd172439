/**
 * What the image page shows of a version's stored result, kept per process under the digest of that result
 * (`version_figures.result_digest`, written with the result in one transaction and changed exactly when it is):
 * the check results section rendered for a language and heading, and the findings the table shows. The page then
 * reads neither the result (60–200 KB of JSON) nor renders its checks again while the result stays the same; a
 * re-evaluation that changes it changes the key. The findings are rendered on every request: their SLA clocks run
 * against the page's clock. What is kept is derived from the result alone, so the key holds in any catalogue.
 */
import { visibleResult } from '../../catalogue/index.ts';
import { ByteBoundedLru } from '../byte-lru.ts';
import type { ServerDeps } from '../deps.ts';
import type { PageContext } from './context.ts';
import type { Html } from './html.ts';
import { checkResultsSection, type FindingsReport, findingsShownOf } from './scan-results.ts';

export interface ScanView {
  /** The check results section, its heading included. */
  readonly checks: Html;
  readonly findings: FindingsReport;
}

/** The views one process keeps (sizes in characters of markup and findings' JSON): a few hundred versions. */
const views = new ByteBoundedLru<ScanView>(16 * 1024 * 1024, 1024 * 1024);

/**
 * The view of version `submission`'s result in the page's language, under the checks heading given; undefined when
 * the version has no result the principal may see. `resultDigest`: the digest the image's read named for it.
 */
export async function scanView(
  deps: ServerDeps,
  ctx: PageContext,
  submission: string,
  resultDigest: string | undefined,
  checksHeading: string,
): Promise<ScanView | undefined> {
  const key = (digest: string) => `${digest}\n${ctx.lang}\n${checksHeading}`;
  const kept = resultDigest === undefined ? undefined : views.get(key(resultDigest));
  if (kept) return kept;
  const stored = await visibleResult(deps.catalogue.db, ctx.principal, submission);
  if (!stored) return undefined;
  const view: ScanView = {
    checks: checkResultsSection(ctx, stored.result.checks, checksHeading),
    findings: findingsShownOf(stored.result.vulns),
  };
  // kept under the digest read with the result: a result replaced since the image was read is not kept as the old
  views.set(key(stored.digest), view, view.checks.length + JSON.stringify(view.findings).length);
  return view;
}
