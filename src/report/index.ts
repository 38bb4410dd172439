/**
 * Every output format of sgci's results, one `Reporter` shape: the check report (table, JSON, SARIF, Markdown, HTML,
 * JUnit), the vulnerability report (table, JSON, SARIF, GitLab, CycloneDX VDR) and a scan's combined SARIF.
 */
export { buildReport, type ReportInputs } from './build.ts';
export { renderHtml } from './html.ts';
export { type Lang, type LangText, messages, sectionLabel, statusLabel, textIn } from './i18n.ts';
export { renderJson, reportJsonSchema } from './json.ts';
export { renderJunit } from './junit.ts';
export { renderMarkdown } from './markdown.ts';
export type { CheckReport, ScanReport } from './model.ts';
export {
  checkReporters,
  isReportFormat,
  type RenderOptions,
  type Reporter,
  type ReportFormat,
  renderReport,
  reportFormats,
  scanSarifReporter,
} from './render.ts';
export { renderSarif } from './sarif.ts';
export { reportSchemaVersion } from './schema-version.ts';
export { renderScanSummary, type ScanSummary } from './summary.ts';
export { renderTable } from './table.ts';
export { renderVulnReport, type VulnFormat, vulnFormats, vulnReporters } from './vulns/index.ts';
