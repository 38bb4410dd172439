import { requireOnFirstUse } from '../../core/index.ts';
import { nvdSource } from '../match/severity.ts';
import type { SeverityEntry, SeverityRow } from '../ports.ts';
import type { NvdCve, NvdMetric } from './schema.ts';

/**
 * The NVD record schema (zod) loads with the first NVD record read, not with every command that loads the
 * vulnerability module (`sgci vulns` imports nothing; zod is about 0.04 s of its start-up, issue 17).
 */
const nvdSchema = requireOnFirstUse<typeof import('./schema.ts')>(import.meta.url, './schema.ts');

/** Whether a parsed JSON document is NVD CVE JSON 2.0 (`format: NVD_CVE`, or `vulnerabilities[].cve`). */
export function isNvdDocument(value: unknown): value is { vulnerabilities: unknown[] } {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return false;
  const doc = value as { format?: unknown; vulnerabilities?: unknown };
  if (!Array.isArray(doc.vulnerabilities)) return false;
  const first = doc.vulnerabilities[0] as { cve?: unknown } | undefined;
  return doc.format === 'NVD_CVE' || (typeof first === 'object' && first !== null && 'cve' in first);
}

/** NVD writes times without a zone (`2024-02-15T14:15:07.740`); they are UTC. */
function utc(time: string): string | undefined {
  const date = new Date(/(?:Z|[+-]\d{2}:?\d{2})$/.test(time) ? time : `${time}Z`);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}

/** NVD's own metric (Primary, from nvd@nist.gov) where there is one, else the first the CNA gave (Secondary). */
function preferred(metrics: NonNullable<NvdCve['metrics']>['cvssMetricV31']): NvdMetric | undefined {
  return metrics?.find((m) => m.type === 'Primary') ?? metrics?.[0];
}

export type NvdVerdict =
  | { readonly kind: 'severity'; readonly row: SeverityRow }
  /** Rejected CVEs and CVEs not analysed yet rate nothing: nothing to store. */
  | { readonly kind: 'unrated'; readonly id: string }
  | { readonly kind: 'invalid'; readonly id?: string; readonly problem: string };

/** One item of `vulnerabilities[]` (`{ cve: {...} }`) as the severity row it gives (source `NVD`). */
export function cveSeverityOf(item: unknown): NvdVerdict {
  const raw = item && typeof item === 'object' ? (item as { cve?: unknown }).cve : undefined;
  const parsed = nvdSchema().NvdCve.safeParse(raw);
  const id = raw && typeof raw === 'object' ? (raw as { id?: unknown }).id : undefined;
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return {
      kind: 'invalid',
      ...(typeof id === 'string' ? { id } : {}),
      problem: `/cve/${issue?.path.join('/') ?? ''} ${issue?.message ?? 'is invalid'}`,
    };
  }
  const cve = parsed.data;
  const modified = utc(cve.lastModified);
  if (!modified)
    return { kind: 'invalid', id: cve.id, problem: `/cve/lastModified is not a time: ${cve.lastModified}` };
  if (cve.vulnStatus === 'Rejected') return { kind: 'unrated', id: cve.id };
  const entries: SeverityEntry[] = [];
  const v4 = preferred(cve.metrics?.cvssMetricV40);
  if (v4) entries.push({ type: 'CVSS_V4', score: v4.cvssData.vectorString });
  // 3.1 where NVD gives it, else 3.0: one CVSS 3.x vector, as an OSV record has.
  const v3 = preferred(cve.metrics?.cvssMetricV31) ?? preferred(cve.metrics?.cvssMetricV30);
  if (v3) entries.push({ type: 'CVSS_V3', score: v3.cvssData.vectorString });
  const v2 = preferred(cve.metrics?.cvssMetricV2);
  const v2Rating = v2?.baseSeverity ?? v2?.cvssData.baseSeverity;
  if (v2 && v2Rating) entries.push({ type: 'CVSS_V2', score: v2.cvssData.vectorString, rating: v2Rating });
  if (entries.length === 0) return { kind: 'unrated', id: cve.id };
  return { kind: 'severity', row: { vulnerabilityId: cve.id, source: nvdSource, severity: entries, modified } };
}
