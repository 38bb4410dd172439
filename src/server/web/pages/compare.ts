/**
 * What changed between two versions of an image: packages (from their SBOMs), findings (from their vulnerability
 * reports) and check results, for the two versions the GET form names (by default the newest and the one before).
 */
import type { Context } from 'hono';
import { type ImageDetail, type VersionEntry, versionDocument, visibleVersion } from '../../../catalogue/index.ts';
import { SgciError } from '../../../core/index.ts';
import { statusLabel } from '../../../report/index.ts';
import { decodeSbom } from '../../../sbom/index.ts';
import { publisherOf } from '../../publisher.ts';
import type { AppEnv } from '../../router.ts';
import { dataTable, errorSummary, type FieldError, selectField } from '../components.ts';
import type { PageContext } from '../context.ts';
import { type Html, html, type Interpolation } from '../html.ts';
import { formatDate } from '../i18n.ts';
import type { PageContent } from '../layout.ts';
import { type FindingChange, type VersionRecord, versionChanges } from '../version-changes.ts';
import { readImage, versionName } from './image.ts';
import { severityLabel, vexLabel } from './vulnerability-text.ts';

/** Rows per table: a change past this is in the two versions' documents. */
const rowsShown = 200;

const text = {
  de: {
    title: (name: string) => `Versionen von ${name} vergleichen`,
    from: 'Ältere Version',
    to: 'Neuere Version',
    compare: 'Vergleichen',
    comparing: (from: string, to: string) => `Von ${from} zu ${to}`,
    same: 'Bitte wählen Sie zwei verschiedene Versionen.',
    unknown: 'Diese Version gibt es nicht oder sie ist noch nicht geprüft.',
    tooFew: 'Dieses Image hat noch keine zwei geprüften Versionen.',
    packages: 'Pakete',
    added: 'Hinzugekommen',
    removed: 'Entfernt',
    changed: 'Version geändert',
    none: 'keine',
    ecosystem: 'Ökosystem',
    name: 'Name',
    before: 'vorher',
    after: 'nachher',
    findings: 'Befunde',
    newFindings: 'Neu',
    goneFindings: 'Nicht mehr vorhanden',
    changedFindings: 'Bewertung geändert',
    vulnerability: 'Schwachstelle',
    package: 'Paket',
    assessment: 'Bewertung',
    suppressed: 'unterdrückt',
    active: 'offen',
    checks: 'Prüfergebnisse',
    check: 'Prüfung',
    changedResult: 'Ergebnis geändert',
    noChange: 'Keine Änderung.',
    truncated: (n: number) => `${n} weitere Zeilen: siehe die Dokumente der beiden Versionen.`,
  },
  en: {
    title: (name: string) => `Compare versions of ${name}`,
    from: 'Older version',
    to: 'Newer version',
    compare: 'Compare',
    comparing: (from: string, to: string) => `From ${from} to ${to}`,
    same: 'Please choose two different versions.',
    unknown: 'This version does not exist or has not been checked yet.',
    tooFew: 'This image does not have two checked versions yet.',
    packages: 'Packages',
    added: 'Added',
    removed: 'Removed',
    changed: 'Version changed',
    none: 'none',
    ecosystem: 'Ecosystem',
    name: 'Name',
    before: 'before',
    after: 'after',
    findings: 'Findings',
    newFindings: 'New',
    goneFindings: 'No longer present',
    changedFindings: 'Assessment changed',
    vulnerability: 'Vulnerability',
    package: 'Package',
    assessment: 'Assessment',
    suppressed: 'suppressed',
    active: 'open',
    checks: 'Check results',
    check: 'Check',
    changedResult: 'Result changed',
    noChange: 'No change.',
    truncated: (n: number) => `${n} more rows: see the documents of the two versions.`,
  },
};

type CompareText = (typeof text)['de'];

/** A version's SBOM (as the API serves it, from the stored pass) and its stored reports. */
async function record(c: Context<AppEnv>, ctx: PageContext, image: string, v: VersionEntry): Promise<VersionRecord> {
  const { catalogue } = c.var.deps;
  const [sbom, stored] = await Promise.all([
    versionDocument(catalogue, ctx.principal, { image, digest: v.digest, kind: 'sbom' }, publisherOf(c)),
    visibleVersion(catalogue.db, ctx.principal, v.submission),
  ]);
  if (!stored.result) throw new SgciError('NOT_FOUND', `${image}@${v.digest}`, 'the version has not been scanned yet');
  return {
    sbom: decodeSbom(sbom.body, `${image}@${v.digest}/sbom`),
    vulns: stored.result.vulns,
    checks: stored.result.checks,
  };
}

function table(
  id: string,
  caption: string,
  head: readonly string[],
  rows: readonly Interpolation[][],
  s: CompareText,
): Html {
  if (rows.length === 0) return html`<p><strong>${caption}:</strong> ${s.noChange}</p>`;
  return html`${dataTable(id, caption, head, rows.slice(0, rowsShown))}${rows.length > rowsShown ? html`<p>${s.truncated(rows.length - rowsShown)}</p>` : ''}`;
}

function assessment(ctx: PageContext, s: CompareText, f: FindingChange['from']): string {
  if (!f) return '–';
  const state = f.suppressed ? s.suppressed : s.active;
  return `${severityLabel(ctx.lang, f.vulnerability.severity)}, ${state}${f.vex ? `, VEX: ${vexLabel(ctx.lang, f.vex.status)}` : ''}`;
}

function findingRows(ctx: PageContext, s: CompareText, changes: readonly FindingChange[]): Interpolation[][] {
  return changes.map((change) => {
    const f = (change.to ?? change.from) as NonNullable<FindingChange['to']>;
    return [
      f.vulnerability.id,
      `${f.package.name} ${f.package.version}`,
      assessment(ctx, s, change.from),
      assessment(ctx, s, change.to),
    ];
  });
}

/** The two versions the query names, or the newest scanned one and the one before it. */
function chosen(image: ImageDetail, query: Record<string, string>, s: CompareText) {
  const scanned = image.versions.filter((v) => v.documents !== null);
  const errors: FieldError[] = [];
  const pick = (field: 'from' | 'to', fallback: VersionEntry | undefined) => {
    const digest = query[field];
    if (!digest) return fallback;
    const version = scanned.find((v) => v.digest === digest);
    if (!version) errors.push({ field, message: s.unknown });
    return version ?? fallback;
  };
  const to = pick('to', scanned[0]);
  const from = pick('from', scanned[1]);
  if (from && to && from === to) errors.push({ field: 'from', message: s.same });
  return { scanned, from, to, errors };
}

export async function comparePage(c: Context<AppEnv>, ctx: PageContext): Promise<PageContent> {
  const s = text[ctx.lang];
  const image = await readImage(c, ctx);
  const { scanned, from, to, errors } = chosen(image, c.req.query(), s);
  const title = s.title(image.name);
  const trail = [
    { label: ctx.t.pageTitles.start, href: ctx.href('start') },
    { label: ctx.t.pageTitles.catalogue, href: ctx.href('catalogue') },
    { label: image.name, href: ctx.href('image', { name: image.name }) },
  ];
  const head = html`<h1 class="kern-heading-large">${title}</h1>`;
  if (!from || !to) return { title, trail, main: html`${head}<p>${s.tooFew}</p>` };
  const options = scanned.map((v) => ({
    value: v.digest,
    label: `${versionName(v)} (${formatDate(ctx.lang, v.submittedAt)})`,
  }));
  const form = html`<form class="form-stack" method="get" action="${ctx.href('compare', { name: image.name })}">
${selectField(ctx, { name: 'from', label: s.from, value: c.req.query('from') ?? from.digest, options, errors })}
${selectField(ctx, { name: 'to', label: s.to, value: c.req.query('to') ?? to.digest, options, errors })}
<div><button type="submit" class="kern-btn kern-btn--primary"><span class="kern-label">${s.compare}</span></button></div>
</form>`;
  if (errors.length > 0)
    return { title, trail, errors: errors.length, status: 422, main: html`${head}${errorSummary(ctx, errors)}${form}` };
  const changes = versionChanges(await record(c, ctx, image.name, from), await record(c, ctx, image.name, to));
  const p = changes.packages;
  const packageRows = (list: typeof p.added) =>
    list.map((x) => [x.ecosystem, x.name, x.from.join(', ') || '–', x.to.join(', ') || '–']);
  const packageHead = [s.ecosystem, s.name, s.before, s.after];
  const findingHead = [s.vulnerability, s.package, s.before, s.after];
  return {
    title,
    trail,
    main: html`${head}
<p class="lead">${s.comparing(versionName(from), versionName(to))}</p>
${form}
<section class="section" aria-labelledby="pakete"><h2 class="kern-heading-medium" id="pakete">${s.packages}</h2>
${table('pakete-neu', `${s.packages}: ${s.added} (${p.added.length})`, packageHead, packageRows(p.added), s)}
${table('pakete-weg', `${s.packages}: ${s.removed} (${p.removed.length})`, packageHead, packageRows(p.removed), s)}
${table('pakete-geaendert', `${s.packages}: ${s.changed} (${p.changed.length})`, packageHead, packageRows(p.changed), s)}
</section>
<section class="section" aria-labelledby="befunde"><h2 class="kern-heading-medium" id="befunde">${s.findings}</h2>
${table('befunde-neu', `${s.findings}: ${s.newFindings} (${changes.findings.added.length})`, findingHead, findingRows(ctx, s, changes.findings.added), s)}
${table('befunde-weg', `${s.findings}: ${s.goneFindings} (${changes.findings.removed.length})`, findingHead, findingRows(ctx, s, changes.findings.removed), s)}
${table('befunde-geaendert', `${s.findings}: ${s.changedFindings} (${changes.findings.changed.length})`, findingHead, findingRows(ctx, s, changes.findings.changed), s)}
</section>
<section class="section" aria-labelledby="pruefungen"><h2 class="kern-heading-medium" id="pruefungen">${s.checks}</h2>
${table(
  'pruefungen-geaendert',
  `${s.checks}: ${s.changedResult} (${changes.checks.length})`,
  [s.check, s.before, s.after],
  changes.checks.map((x) => [
    `${x.id} ${x.title[ctx.lang]}`,
    x.from ? statusLabel(x.from, ctx.lang) : '–',
    x.to ? statusLabel(x.to, ctx.lang) : '–',
  ]),
  s,
)}
</section>`,
  };
}
