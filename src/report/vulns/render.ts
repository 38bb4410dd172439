import { createHash } from 'node:crypto';
import { renderTable, safeText, toolVersion } from '../../core/index.ts';
import type { Finding, Severity, VulnReport } from '../../vuln/index.ts';

/** A UUID-shaped id derived from content (GitLab requires UUIDs; reports must be reproducible). */
function contentUuid(text: string): string {
  const h = createHash('sha256').update(text).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${((Number.parseInt(h.slice(16, 17), 16) & 3) | 8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

function fixText(f: Finding): string {
  return f.fixedVersions.length > 0 ? `Upgrade ${f.package.name} to ${f.fixedVersions[0]}` : 'No fix available yet';
}

function statusText(f: Finding): string {
  if (f.suppressed) return `suppressed (VEX ${f.vex?.status}${f.vex?.justification ? `: ${f.vex.justification}` : ''})`;
  if (f.judgement === 'os-owned-upstream') return `upstream match, judged by ${f.ownedBy?.name ?? 'OS package'}`;
  if (f.sla?.overdue) return `OVERDUE (due ${f.sla.dueAt})`;
  return f.vex ? `active (VEX ${f.vex.status})` : 'active';
}

/** The findings as a terminal table with a summary line and the report's notes. */
export function renderVulnTable(report: VulnReport): string {
  const header = ['VULNERABILITY', 'SEVERITY', 'PACKAGE', 'INSTALLED', 'FIXED', 'STATUS'];
  const rows = report.matches.map((f) => [
    f.vulnerability.id,
    f.vulnerability.severity,
    f.package.name,
    f.package.version,
    f.fixedVersions.join(', ') || '-',
    statusText(f),
  ]);
  const a = report.summary.active;
  const summary = `${report.matches.length} findings: ${a.CRITICAL} critical, ${a.HIGH} high, ${a.MEDIUM} medium, ${a.LOW} low, ${a.UNKNOWN} unknown active; ${report.summary.suppressed} suppressed by VEX, ${report.summary.osOwnedUpstream} judged by the distro, ${report.summary.overdue} overdue`;
  const notes = report.notes.map((n) => `note: ${safeText(n)}`);
  return `${renderTable(header, rows)}\n${[summary, ...notes].join('\n')}\n`;
}

const sarifLevel: Readonly<Record<Severity, string>> = {
  CRITICAL: 'error',
  HIGH: 'error',
  MEDIUM: 'warning',
  LOW: 'note',
  NONE: 'note',
  UNKNOWN: 'warning',
};

/** The findings as one SARIF run: one rule per vulnerability, one result per finding, VEX as suppressions. */
export function vulnsSarifRun(report: VulnReport): Record<string, unknown> {
  const ruleIds = [...new Set(report.matches.map((f) => f.vulnerability.id))].sort();
  const first = new Map(report.matches.map((f) => [f.vulnerability.id, f]));
  const rules = ruleIds.map((id) => {
    const f = first.get(id) as Finding;
    const score = f.vulnerability.scores.find((s) => s.score !== undefined)?.score;
    return {
      id,
      shortDescription: { text: f.vulnerability.summary ?? id },
      ...(f.vulnerability.references[0] ? { helpUri: f.vulnerability.references[0].url } : {}),
      properties: {
        'security-severity': String(
          score ?? { CRITICAL: 9.5, HIGH: 8, MEDIUM: 5.5, LOW: 2, NONE: 0, UNKNOWN: 0 }[f.vulnerability.severity],
        ),
        tags: ['security', 'vulnerability'],
      },
    };
  });
  const results = report.matches.map((f) => ({
    ruleId: f.vulnerability.id,
    ruleIndex: ruleIds.indexOf(f.vulnerability.id),
    level: sarifLevel[f.vulnerability.severity],
    message: {
      text: `${f.package.name} ${f.package.version} is affected by ${f.vulnerability.id} (${f.vulnerability.severity}). ${fixText(f)}.`,
    },
    locations: [{ logicalLocations: [{ name: f.package.purl, kind: 'package' }] }],
    partialFingerprints: { 'sgci/finding': f.id },
    ...(f.suppressed || f.judgement === 'os-owned-upstream'
      ? {
          suppressions: [
            {
              kind: 'external',
              justification: f.suppressed
                ? `VEX ${f.vex?.status}${f.vex?.justification ? ` (${f.vex.justification})` : ''} by ${f.vex?.author ?? 'unknown'} in ${f.vex?.document}`
                : `upstream match of a package owned by ${f.ownedBy?.name}; judged by the distro's advisories`,
            },
          ],
        }
      : {}),
  }));
  return {
    tool: { driver: { name: 'sgci', version: toolVersion, informationUri: 'https://opencode.de', rules } },
    results,
  };
}

const gitlabSeverity: Readonly<Record<Severity, string>> = {
  CRITICAL: 'Critical',
  HIGH: 'High',
  MEDIUM: 'Medium',
  LOW: 'Low',
  NONE: 'Info',
  UNKNOWN: 'Unknown',
};

/** GitLab time format: `YYYY-MM-DDTHH:MM:SS` without zone or fractions. */
function gitlabTime(iso: string): string {
  return iso.slice(0, 19);
}

function identifierOf(id: string): { type: string; name: string; value: string; url?: string } {
  const type = id.startsWith('CVE-')
    ? 'cve'
    : id.startsWith('GHSA-')
      ? 'ghsa'
      : id.split('-')[0]?.toLowerCase() || 'id';
  const url = id.startsWith('CVE-')
    ? `https://nvd.nist.gov/vuln/detail/${id}`
    : id.startsWith('GHSA-')
      ? `https://github.com/advisories/${id}`
      : `https://osv.dev/vulnerability/${id}`;
  return { type, name: id, value: id, url };
}

/** GitLab's limits (report schema 15.x): a report breaking one is rejected whole, so sgci stays inside them. */
const gitlabMaxIdentifiers = 20;
const gitlabMaxName = 255;

/** Cuts to GitLab's length limit, marking the cut; the full text stays in the JSON report. */
function fitGitlab(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** GitLab accepts only web links (`http`, `https`, `ftp`); OSV references may also be `git://` and the like. */
function isWebUrl(url: string): boolean {
  return /^(https?|ftp):\/\/./.test(url);
}

/** GitLab's container scanning report (schema 15.0.7), VEX-suppressed findings flagged as likely false positives. */
export function renderGitlab(report: VulnReport): string {
  const image = report.subject.name;
  const os = report.distro ? `${report.distro.id} ${report.distro.versionId ?? ''}`.trim() : 'Unknown';
  const scanner = { id: 'sgci', name: 'sgci', version: toolVersion, vendor: { name: 'sgci' } };
  const vulnerabilities = report.matches.map((f) => ({
    id: contentUuid(f.id),
    name: fitGitlab(`${f.vulnerability.id} in ${f.package.name}`, gitlabMaxName),
    description:
      f.vulnerability.summary ?? `${f.package.name} ${f.package.version} is affected by ${f.vulnerability.id}`,
    severity: gitlabSeverity[f.vulnerability.severity],
    solution: fixText(f),
    // The matched id first, then aliases (sorted) up to GitLab's limit; all of them are in the JSON report.
    identifiers: [f.vulnerability.id, ...f.vulnerability.aliases].slice(0, gitlabMaxIdentifiers).map(identifierOf),
    links: f.vulnerability.references
      .filter((r) => isWebUrl(r.url))
      .slice(0, 20)
      .map((r) => ({ url: r.url })),
    location: {
      dependency: { package: { name: fitGitlab(f.package.name, gitlabMaxName) }, version: f.package.version },
      operating_system: os,
      image,
    },
    ...(f.suppressed || f.judgement === 'os-owned-upstream'
      ? {
          flags: [
            {
              type: 'flagged-as-likely-false-positive',
              origin: 'sgci',
              description: f.suppressed
                ? `VEX ${f.vex?.status}${f.vex?.justification ? ` (${f.vex.justification})` : ''}: ${f.vex?.document}`
                : `upstream match; ${f.ownedBy?.name} is judged by the distro's advisories`,
            },
          ],
        }
      : {}),
  }));
  return `${JSON.stringify(
    {
      version: '15.0.7',
      vulnerabilities,
      remediations: [],
      scan: {
        analyzer: scanner,
        scanner,
        type: 'container_scanning',
        start_time: gitlabTime(report.evaluatedAt),
        end_time: gitlabTime(report.evaluatedAt),
        status: 'success',
      },
    },
    null,
    2,
  )}\n`;
}

const cdxAnalysis: Readonly<Record<string, string>> = {
  not_affected: 'not_affected',
  fixed: 'resolved',
  affected: 'exploitable',
  under_investigation: 'in_triage',
};

/** CycloneDX 1.6 Vulnerability Disclosure Report: the affected components and every finding with ratings. */
export function renderCycloneDxVdr(report: VulnReport): string {
  const packages = new Map(report.matches.map((f) => [f.package.purl, f.package]));
  const components = [...packages.values()]
    .sort((a, b) => (a.purl < b.purl ? -1 : 1))
    .map((p) => ({ type: 'library', 'bom-ref': p.purl, name: p.name, version: p.version, purl: p.purl }));
  const vulnerabilities = report.matches.map((f) => ({
    'bom-ref': contentUuid(f.id),
    id: f.vulnerability.id,
    ...(f.vulnerability.aliases.length > 0
      ? { references: f.vulnerability.aliases.map((a) => ({ id: a, source: { name: a.split('-')[0] } })) }
      : {}),
    ratings: f.vulnerability.scores.map((s) => ({
      ...(s.score !== undefined ? { score: s.score } : {}),
      severity: s.rating === 'NONE' ? 'none' : s.rating.toLowerCase(),
      method:
        s.type === 'CVSS_V3'
          ? s.vector?.startsWith('CVSS:3.0')
            ? 'CVSSv3'
            : 'CVSSv31'
          : s.type === 'CVSS_V4'
            ? 'CVSSv4'
            : 'other',
      ...(s.vector ? { vector: s.vector } : {}),
    })),
    ...(f.vulnerability.summary ? { description: f.vulnerability.summary } : {}),
    ...(f.vulnerability.published ? { published: f.vulnerability.published } : {}),
    ...(f.fixedVersions.length > 0 ? { recommendation: fixText(f) } : {}),
    ...(f.vex
      ? {
          analysis: {
            state: cdxAnalysis[f.vex.status],
            ...(f.vex.impactStatement ? { detail: f.vex.impactStatement } : {}),
          },
        }
      : {}),
    affects: [{ ref: f.package.purl, versions: [{ version: f.package.version, status: 'affected' }] }],
  }));
  return `${JSON.stringify(
    {
      bomFormat: 'CycloneDX',
      specVersion: '1.6',
      serialNumber: `urn:uuid:${contentUuid(JSON.stringify([report.subject, report.matches.map((f) => f.id)]))}`,
      version: 1,
      metadata: {
        timestamp: report.evaluatedAt,
        tools: { components: [{ type: 'application', name: 'sgci', version: toolVersion }] },
        component: {
          type: 'container',
          'bom-ref': 'subject',
          name: report.subject.name,
          ...(report.subject.digest ? { version: String(report.subject.digest) } : {}),
        },
      },
      components,
      vulnerabilities,
    },
    null,
    2,
  )}\n`;
}
