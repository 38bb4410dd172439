import { createHash } from 'node:crypto';
import { canonicalJson, SgciError } from '../../core/index.ts';
import { type Lang, renderReport, renderVulnReport } from '../../report/index.ts';
import { encodeSbom } from '../../sbom/index.ts';
import type { CachedScan } from '../../scan/index.ts';
import { toCycloneDxVex, toOpenVex, type VexStatement } from '../../vuln/index.ts';
import type { Principal } from '../accounts/principal.ts';
import type { Catalogue } from '../db/open.ts';
import type { StoredScanResult } from '../submissions/result.ts';
import { isPublic, type SubmissionStatus } from '../submissions/states.ts';
import { canSee } from '../submissions/view.ts';
import { toCsafVex } from '../triage/csaf.ts';

/** The documents of a version and the formats each is served in; the first is the default. */
export const versionDocumentFormats = {
  sbom: ['cyclonedx-json', 'cyclonedx-xml', 'spdx-json'],
  vex: ['openvex', 'cyclonedx', 'csaf'],
  vulns: ['json', 'sarif'],
  checks: ['json', 'sarif', 'html'],
  vsa: ['dsse'],
} as const;
export type VersionDocumentKind = keyof typeof versionDocumentFormats;

export interface VersionDocumentRequest {
  readonly image: string;
  readonly digest: string;
  readonly kind: VersionDocumentKind;
  /** One of `versionDocumentFormats[kind]`; the first when absent. */
  readonly format?: string;
  /** The language of the HTML check report. */
  readonly lang?: Lang;
}

/** Who publishes the catalogue's documents: named as the author of its VEX. */
export interface Publisher {
  readonly name: string;
  /** The catalogue's public URL. */
  readonly url: string;
}

export interface VersionDocument {
  readonly body: string;
  readonly mediaType: string;
  /** Whether the version is public: the document may be kept by shared caches. */
  readonly public: boolean;
  /** Offered as a download under this name rather than shown (the HTML report carries its own styles). */
  readonly attachment?: string;
}

interface VisibleVersion {
  readonly submission: string;
  readonly status: SubmissionStatus;
  readonly result: StoredScanResult | null;
  readonly scanKey: string | null;
}

/** The newest submission of the digest that `principal` may see; NOT_FOUND when there is none. */
async function visibleVersion(
  catalogue: Catalogue,
  principal: Principal | undefined,
  image: string,
  digest: string,
): Promise<VisibleVersion> {
  const rows = await catalogue.db
    .selectFrom('submissions')
    .select(['id', 'status', 'organisation', 'result', 'scan_key'])
    .where('image', '=', image)
    .where('digest', '=', digest)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .execute();
  const row = rows.find((r) => canSee(principal, r));
  if (!row) throw new SgciError('NOT_FOUND', `${image}@${digest}`, 'no such version');
  return {
    submission: row.id,
    status: row.status as SubmissionStatus,
    result: (row.result as StoredScanResult | null) ?? null,
    scanKey: row.scan_key,
  };
}

function scanned(version: VisibleVersion, name: string): StoredScanResult {
  if (!version.result) throw new SgciError('NOT_FOUND', name, 'the version has not been scanned yet');
  return version.result;
}

/** A UUID (version 8, name-based) of the content: the same statements give the same CycloneDX serial number. */
function contentUuid(text: string): string {
  const hex = createHash('sha256').update(text).digest('hex');
  const variant = ((Number.parseInt(hex[16] ?? '0', 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-8${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** The version's published VEX in one of its formats: dated by the evaluation it decided, so the bytes are stable. */
export function renderVex(
  statements: readonly VexStatement[],
  format: (typeof versionDocumentFormats)['vex'][number],
  subject: { readonly image: string; readonly digest: string; readonly evaluatedAt: string },
  publisher: Publisher,
): string {
  const timestamp = subject.evaluatedAt;
  const author = publisher.name;
  if (format === 'openvex') return toOpenVex(statements, { author, timestamp });
  if (format === 'cyclonedx') {
    const serialNumber = `urn:uuid:${contentUuid(`${subject.image}@${subject.digest}\n${canonicalJson(statements)}`)}`;
    return toCycloneDxVex(statements, { author, timestamp, serialNumber });
  }
  return toCsafVex(statements, {
    publisher: { name: publisher.name, namespace: publisher.url },
    title: `VEX: ${subject.image}@${subject.digest}`,
    timestamp,
    trackingPrefix: `sgci-vex-${subject.image}-${subject.digest.slice('sha256:'.length, 'sha256:'.length + 12)}`,
  });
}

const json = 'application/json';

/**
 * One document of a version as the API serves it, for a principal who may see the version (else NOT_FOUND):
 * the SBOM from the stored pass, the published VEX, the vulnerability and check reports exactly as stored
 * (canonical JSON: the bytes a verdict's input attestations name) or rendered, and the newest verdict's DSSE
 * envelope as signed.
 */
export async function versionDocument(
  catalogue: Catalogue,
  principal: Principal | undefined,
  request: VersionDocumentRequest,
  publisher: Publisher,
): Promise<VersionDocument> {
  const formats: readonly string[] = versionDocumentFormats[request.kind];
  const format = request.format ?? formats[0];
  if (format === undefined || !formats.includes(format))
    throw new SgciError('USAGE', 'format', `${request.kind} is served as ${formats.join(', ')}`);
  const name = `${request.image}@${request.digest}/${request.kind}`;
  const version = await visibleVersion(catalogue, principal, request.image, request.digest);
  const shared = { public: isPublic(version.status) };
  switch (request.kind) {
    case 'sbom': {
      scanned(version, name);
      const scan = version.scanKey
        ? ((await catalogue.store.scans.get(version.scanKey)) as CachedScan | undefined)
        : undefined;
      if (!scan) throw new SgciError('NOT_FOUND', name, 'the stored scan of this version is gone');
      const mediaType =
        format === 'spdx-json'
          ? 'application/spdx+json'
          : format === 'cyclonedx-xml'
            ? 'application/vnd.cyclonedx+xml'
            : 'application/vnd.cyclonedx+json';
      return { ...shared, body: encodeSbom(scan.sbom, format as 'cyclonedx-json'), mediaType };
    }
    case 'vex': {
      const result = scanned(version, name);
      const row = await catalogue.db
        .selectFrom('version_figures')
        .select('vex')
        .where('submission', '=', version.submission)
        .executeTakeFirstOrThrow();
      const body = renderVex(
        row.vex,
        format as 'openvex',
        { image: request.image, digest: request.digest, evaluatedAt: result.vulns.evaluatedAt },
        publisher,
      );
      return { ...shared, body, mediaType: format === 'cyclonedx' ? 'application/vnd.cyclonedx+json' : json };
    }
    case 'vulns': {
      const report = scanned(version, name).vulns;
      if (format === 'sarif')
        return { ...shared, body: renderVulnReport(report, 'sarif'), mediaType: 'application/sarif+json' };
      return { ...shared, body: canonicalJson(report), mediaType: json };
    }
    case 'checks': {
      const report = scanned(version, name).checks;
      if (format === 'sarif')
        return { ...shared, body: renderReport(report, 'sarif'), mediaType: 'application/sarif+json' };
      if (format === 'html') {
        const lang = request.lang ?? 'de';
        return {
          ...shared,
          body: renderReport(report, 'html', { lang }),
          mediaType: 'text/html; charset=utf-8',
          attachment: `${request.image}-${request.digest.slice('sha256:'.length, 'sha256:'.length + 12)}-${lang}.html`,
        };
      }
      return { ...shared, body: canonicalJson(report), mediaType: json };
    }
    case 'vsa': {
      const verdict = await catalogue.db
        .selectFrom('verdicts')
        .select('envelope')
        .where('submission', '=', version.submission)
        .orderBy('id', 'desc')
        .limit(1)
        .executeTakeFirst();
      if (!verdict) throw new SgciError('NOT_FOUND', name, 'the version has no verdict');
      return { ...shared, body: verdict.envelope, mediaType: 'application/vnd.dsse.envelope.v1+json' };
    }
  }
}
