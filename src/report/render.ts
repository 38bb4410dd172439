import type { VulnReport } from '../vuln/index.ts';
import { renderHtml } from './html.ts';
import type { Lang } from './i18n.ts';
import { renderJson } from './json.ts';
import { renderJunit } from './junit.ts';
import { renderMarkdown } from './markdown.ts';
import type { ScanReport } from './model.ts';
import { checksSarifRun, renderSarif } from './sarif.ts';
import { sarifLog } from './sarif-log.ts';
import { renderTable } from './table.ts';
import { vulnsSarifRun } from './vulns/index.ts';

/** How a report is rendered for a reader: the language of its texts, and colour on a terminal. */
export interface RenderOptions {
  readonly lang: Lang;
  readonly color: boolean;
}

/** One output format of one kind of result: every format of sgci, checks and vulnerabilities, has this shape. */
export interface Reporter<Input> {
  readonly mediaType: string;
  /** The file name `sgci scan --out` writes it under, for the formats a scan writes. */
  readonly fileName?: string;
  render(input: Input, options: RenderOptions): string;
}

const json = 'application/json';

/** The check report's formats (`sgci check -o`): JSON is the source every other one renders. */
export const checkReporters = {
  table: { mediaType: 'text/plain', render: (r, o) => renderTable(r, o) },
  json: { mediaType: json, fileName: 'checks.json', render: (r) => renderJson(r) },
  sarif: { mediaType: 'application/sarif+json', render: (r) => renderSarif(r) },
  markdown: { mediaType: 'text/markdown', render: (r, o) => renderMarkdown(r, o.lang) },
  html: { mediaType: 'text/html', fileName: 'report.html', render: (r, o) => renderHtml(r, o.lang) },
  junit: { mediaType: 'application/xml', render: (r) => renderJunit(r) },
} as const satisfies Record<string, Reporter<ScanReport>>;

export type ReportFormat = keyof typeof checkReporters;
export const reportFormats = Object.keys(checkReporters) as ReportFormat[];

export function isReportFormat(value: string): value is ReportFormat {
  return Object.hasOwn(checkReporters, value);
}

/** Renders the check report in one of its formats. */
export function renderReport(report: ScanReport, format: ReportFormat, options: Partial<RenderOptions> = {}): string {
  const reporter: Reporter<ScanReport> = checkReporters[format];
  return reporter.render(report, { lang: options.lang ?? 'en', color: options.color ?? false });
}

/**
 * A scan's SARIF: the checks and the vulnerabilities as two runs of one log, each with its own automation id so
 * code-scanning services keep their results apart.
 */
export const scanSarifReporter: Reporter<{ checks: ScanReport; vulns: VulnReport }> = {
  mediaType: 'application/sarif+json',
  fileName: 'report.sarif',
  render: ({ checks, vulns }) =>
    sarifLog([
      { automationDetails: { id: 'sgci/checks/' }, ...checksSarifRun(checks) },
      { automationDetails: { id: 'sgci/vulnerabilities/' }, ...vulnsSarifRun(vulns) },
    ]),
};
