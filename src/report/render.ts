import { renderHtml } from './html.ts';
import type { Lang } from './i18n.ts';
import { renderJson } from './json.ts';
import { renderJunit } from './junit.ts';
import { renderMarkdown } from './markdown.ts';
import type { ScanReport } from './model.ts';
import { renderSarif } from './sarif.ts';
import { renderTable } from './table.ts';

export const reportFormats = ['table', 'json', 'sarif', 'markdown', 'html', 'junit'] as const;
export type ReportFormat = (typeof reportFormats)[number];

export function isReportFormat(value: string): value is ReportFormat {
  return (reportFormats as readonly string[]).includes(value);
}

/** Every format renders the same ScanReport. */
export function renderReport(
  report: ScanReport,
  format: ReportFormat,
  options: { lang?: Lang; color?: boolean } = {},
): string {
  switch (format) {
    case 'json':
      return renderJson(report);
    case 'sarif':
      return renderSarif(report);
    case 'junit':
      return renderJunit(report);
    case 'markdown':
      return renderMarkdown(report, options.lang ?? 'en');
    case 'html':
      return renderHtml(report, options.lang ?? 'de');
    case 'table':
      return renderTable(report, {
        ...(options.lang ? { lang: options.lang } : {}),
        ...(options.color ? { color: true } : {}),
      });
  }
}
