import { describeEvidence, type Evidence } from '../checks/index.ts';
import type { CheckReport, ScanReport } from './model.ts';
import { sarifLog } from './sarif-log.ts';

/** The checks' report as SARIF (`sgci check -o sarif`). */
export function renderSarif(report: ScanReport): string {
  return sarifLog([checksSarifRun(report)]);
}

/**
 * The checks as one SARIF run: one rule per check, one result per check (kind pass/fail/review/notApplicable),
 * locations from file and Dockerfile evidence. Image paths become relative URIs under the `IMAGEROOT` base id.
 */
export function checksSarifRun(report: ScanReport): Record<string, unknown> {
  const rules = report.results.map((r) => ({
    id: r.id,
    name: r.title.en.replace(/[^A-Za-z0-9]+(.)?/g, (_m, c: string | undefined) => (c ? c.toUpperCase() : '')),
    shortDescription: { text: r.title.en },
    fullDescription: { text: `${r.title.en} / ${r.title.de}` },
    help: { text: r.remediation ?? r.reason ?? r.title.en },
    defaultConfiguration: { level: r.action === 'fail' ? 'error' : 'warning' },
    properties: {
      tags: [r.section, r.level, ...r.automation],
      references: r.references.map((ref) => `${ref.standard} ${ref.item}`),
    },
  }));
  const results = report.results.map((r, ruleIndex) => sarifResult(r, ruleIndex));
  return {
    tool: {
      driver: {
        name: 'sgci',
        version: report.tool.version,
        informationUri: 'https://opencode.de/sgci',
        rules,
      },
    },
    originalUriBaseIds: { IMAGEROOT: { description: { text: `root filesystem of ${report.image.reference}` } } },
    invocations: [{ executionSuccessful: true, endTimeUtc: report.generatedAt }],
    properties: {
      image: report.image,
      policy: report.policy,
      gateFailed: report.gate.failed,
      summary: report.summary,
    },
    results,
  };
}

function sarifResult(r: CheckReport, ruleIndex: number): Record<string, unknown> {
  const kind = { pass: 'pass', fail: 'fail', warn: 'fail', manual: 'review', 'not-applicable': 'notApplicable' }[
    r.result
  ];
  const level = r.result === 'fail' ? 'error' : r.result === 'warn' ? 'warning' : 'none';
  const lines = r.evidence.map((e) => describeEvidence(e));
  const head = r.remediation ?? r.reason ?? r.title.en;
  const message = lines.length ? `${head}\n${lines.map((l) => `- ${l}`).join('\n')}` : head;
  const locations = r.evidence.flatMap(locationOf).slice(0, 50);
  return {
    ruleId: r.id,
    ruleIndex,
    kind,
    level,
    message: { text: message },
    ...(locations.length ? { locations } : {}),
    ...(r.exception?.status === 'applied'
      ? {
          suppressions: [
            {
              kind: 'external',
              status: 'accepted',
              justification: `${r.exception.justification} (${r.exception.approver}, until ${r.exception.expires})`,
            },
          ],
        }
      : {}),
    properties: { result: r.result, evidence: r.evidence },
  };
}

function locationOf(e: Evidence): Record<string, unknown>[] {
  if (e.kind === 'file' || (e.kind === 'secret' && e.location === 'file' && e.path)) {
    const path = (e.path ?? '').replace(/^\/+/, '');
    const line = e.kind === 'secret' ? e.line : undefined;
    return [
      {
        physicalLocation: {
          artifactLocation: { uri: encodeURI(path), uriBaseId: 'IMAGEROOT' },
          ...(line ? { region: { startLine: line } } : {}),
        },
        ...(e.layer === undefined ? {} : { message: { text: `layer ${e.layer}` } }),
      },
    ];
  }
  if (e.kind === 'dockerfile') {
    return [{ physicalLocation: { artifactLocation: { uri: encodeURI(e.path) }, region: { startLine: e.line } } }];
  }
  if (e.kind === 'manifest') {
    return [
      {
        physicalLocation: { artifactLocation: { uri: encodeURI(e.path) } },
        logicalLocations: [
          { fullyQualifiedName: `${e.object}${e.container ? `/${e.container}` : ''}`, kind: 'object' },
        ],
      },
    ];
  }
  return [];
}
