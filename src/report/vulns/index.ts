/**
 * The vulnerability report's formats on their own. `sgci vulns` renders through this index, so it loads neither
 * the checks nor the check report's formats (about 0.03 s of start-up); the report's index re-exports it.
 */
import type { VulnReport } from '../../vuln/index.ts';
import type { Reporter } from '../render.ts';
import { sarifLog } from '../sarif-log.ts';
import { renderCycloneDxVdr, renderGitlab, renderVulnTable, vulnsSarifRun } from './render.ts';

export { vulnsSarifRun } from './render.ts';

/** The vulnerability report's formats (`sgci vulns -o`): JSON is the source every other one renders. */
export const vulnReporters = {
  table: { mediaType: 'text/plain', render: (r) => renderVulnTable(r) },
  json: { mediaType: 'application/json', fileName: 'vulns.json', render: (r) => `${JSON.stringify(r, null, 2)}\n` },
  'cyclonedx-vdr': { mediaType: 'application/vnd.cyclonedx+json', render: (r) => renderCycloneDxVdr(r) },
  sarif: { mediaType: 'application/sarif+json', render: (r) => sarifLog([vulnsSarifRun(r)]) },
  gitlab: { mediaType: 'application/json', render: (r) => renderGitlab(r) },
} as const satisfies Record<string, Reporter<VulnReport>>;

export type VulnFormat = keyof typeof vulnReporters;
export const vulnFormats = Object.keys(vulnReporters) as VulnFormat[];

/** Renders the vulnerability report in one of its formats. */
export function renderVulnReport(report: VulnReport, format: VulnFormat): string {
  const reporter: Reporter<VulnReport> = vulnReporters[format];
  return reporter.render(report, { lang: 'en', color: false });
}
