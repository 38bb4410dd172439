import { renderTable } from '../core/index.ts';
import type { OpenClock, PatchFigures } from './time-to-patch.ts';

export type ReportLang = 'de' | 'en';
export const reportFormats = ['table', 'json', 'html'] as const;
export type ReportFormat = (typeof reportFormats)[number];

/** `sgci monitor report`: a tag's rebuilds, time-to-patch and running SLA clocks over a window. */
export interface TagReport extends PatchFigures {
  readonly tag: string;
  readonly platform: string;
  readonly window: { readonly from: string; readonly to: string };
  /** The digest the tag points at now, whose findings `open` lists. */
  readonly digest?: string;
  /** Open fixable findings of the current digest with their running clocks; absent when it was not matched. */
  readonly open?: readonly OpenClock[];
  /** Why `open` is absent (no scan, no advisory data), in the report's words. */
  readonly openUnavailable?: string;
}

const text = {
  de: {
    title: 'Beobachtung',
    window: 'Zeitraum',
    digest: 'aktueller Digest',
    rebuilds: 'Neubauten (Inhaltsänderungen)',
    per30: 'je 30 Tage',
    ttp: 'Zeit bis zum Patch',
    severity: 'Schwere',
    fixed: 'behoben',
    p50: 'p50 (h)',
    p90: 'p90 (h)',
    withinSla: 'in der SLA',
    patched: 'Behobene Schwachstellen',
    vuln: 'Schwachstelle',
    pkg: 'Paket',
    fixAvailable: 'Fix verfügbar',
    patchedAt: 'Fix beobachtet',
    hours: 'Stunden',
    open: 'Offene behebbare Befunde (Uhr läuft)',
    since: 'Uhr seit',
    due: 'fällig',
    overdue: 'überfällig',
    none: 'keine',
  },
  en: {
    title: 'Monitoring',
    window: 'window',
    digest: 'current digest',
    rebuilds: 'rebuilds (content changes)',
    per30: 'per 30 days',
    ttp: 'Time to patch',
    severity: 'severity',
    fixed: 'fixed',
    p50: 'p50 (h)',
    p90: 'p90 (h)',
    withinSla: 'within SLA',
    patched: 'Fixed vulnerabilities',
    vuln: 'vulnerability',
    pkg: 'package',
    fixAvailable: 'fix available',
    patchedAt: 'fix observed',
    hours: 'hours',
    open: 'Open fixable findings (clock running)',
    since: 'clock since',
    due: 'due',
    overdue: 'overdue',
    none: 'none',
  },
} as const;

const hours = (h: number | undefined) => (h === undefined ? '-' : h.toFixed(1));
const share = (s: number | undefined) => (s === undefined ? '-' : `${Math.round(s * 100)} %`);

/** The report's sections as header + rows, once, for the table and the HTML rendering. */
function sections(report: TagReport, lang: ReportLang) {
  const t = text[lang];
  return {
    facts: [
      [t.window, `${report.window.from} – ${report.window.to}`],
      [t.digest, report.digest ?? '-'],
      [t.rebuilds, `${report.rebuilds} (${report.rebuildsPer30Days.toFixed(1)} ${t.per30})`],
    ],
    ttp: {
      header: [t.severity, t.fixed, t.p50, t.p90, t.withinSla],
      rows: report.bySeverity.map((s) => [
        s.severity,
        String(s.fixed),
        hours(s.p50Hours),
        hours(s.p90Hours),
        share(s.withinSla),
      ]),
    },
    patched: {
      header: [t.vuln, t.severity, t.pkg, t.fixAvailable, t.patchedAt, t.hours],
      rows: report.patched.map((p) => [
        p.id,
        p.severity,
        p.package,
        p.fixAvailableAt ?? '-',
        p.patchedAt,
        hours(p.hours),
      ]),
    },
    open: {
      header: [t.vuln, t.severity, t.pkg, t.since, t.due, t.hours],
      rows: (report.open ?? []).map((o) => [
        o.id,
        o.severity,
        o.package,
        o.startedAt,
        `${o.dueAt ?? '-'}${o.overdue ? ` (${t.overdue})` : ''}`,
        hours(o.runningHours),
      ]),
    },
  };
}

function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function htmlTable(header: readonly string[], rows: readonly (readonly string[])[], none: string): string {
  if (rows.length === 0) return `<p>${escapeHtml(none)}</p>`;
  const head = header.map((h) => `<th scope="col">${escapeHtml(h)}</th>`).join('');
  const body = rows.map((r) => `<tr>${r.map((c) => `<td>${escapeHtml(c)}</td>`).join('')}</tr>`).join('\n');
  return `<table>\n<thead><tr>${head}</tr></thead>\n<tbody>\n${body}\n</tbody>\n</table>`;
}

/** The report as JSON (the source of truth), a terminal table, or one self-contained HTML page (no script, no request). */
export function renderTagReport(report: TagReport, format: ReportFormat, lang: ReportLang): string {
  if (format === 'json') return `${JSON.stringify(report, null, 2)}\n`;
  const t = text[lang];
  const s = sections(report, lang);
  const openNote = report.open === undefined ? (report.openUnavailable ?? '-') : t.none;
  if (format === 'table') {
    return [
      `${t.title}: ${report.tag} (${report.platform})`,
      ...s.facts.map(([k, v]) => `${k}: ${v}`),
      '',
      `${t.ttp}`,
      s.ttp.rows.length ? renderTable(s.ttp.header, s.ttp.rows).trimEnd() : t.none,
      '',
      `${t.patched}`,
      s.patched.rows.length ? renderTable(s.patched.header, s.patched.rows).trimEnd() : t.none,
      '',
      `${t.open}`,
      s.open.rows.length ? renderTable(s.open.header, s.open.rows).trimEnd() : openNote,
      '',
    ].join('\n');
  }
  const facts = s.facts.map(([k, v]) => `<dt>${escapeHtml(k ?? '')}</dt><dd>${escapeHtml(v ?? '')}</dd>`).join('\n');
  return `<!doctype html>
<html lang="${lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(`${t.title}: ${report.tag}`)}</title>
</head>
<body>
<main>
<h1>${escapeHtml(`${t.title}: ${report.tag} (${report.platform})`)}</h1>
<dl>
${facts}
</dl>
<h2>${escapeHtml(t.ttp)}</h2>
${htmlTable(s.ttp.header, s.ttp.rows, t.none)}
<h2>${escapeHtml(t.patched)}</h2>
${htmlTable(s.patched.header, s.patched.rows, t.none)}
<h2>${escapeHtml(t.open)}</h2>
${htmlTable(s.open.header, s.open.rows, openNote)}
</main>
</body>
</html>
`;
}
