/**
 * An image: its facts, every version the reader may see (tag → digest, dates, status, verdict), how to pull and
 * verify it, one version's check results by section with evidence and references and its findings with VEX status
 * and SLA clock (the newest version, or the one `?version=` names), its documents, a form to compare two versions,
 * and the rebuild history's place. Everything comes through the catalogue's read functions the API uses.
 */
import type { Context } from 'hono';
import { type ImageDetail, imageDetail, type VersionEntry, visibleVersion } from '../../../catalogue/index.ts';
import { SgciError } from '../../../core/index.ts';
import type { AppEnv } from '../../router.ts';
import { verdictKeyPath } from '../../routes/keys.ts';
import {
  badge,
  buttonLink,
  command,
  contactLink,
  dataTable,
  externalLink,
  facts,
  selectField,
  statusBadge,
} from '../components.ts';
import type { PageContext } from '../context.ts';
import { type Html, html, type Interpolation } from '../html.ts';
import { categoryLabel, formatDate, type Lang } from '../i18n.ts';
import type { PageContent } from '../layout.ts';
import { checkResultsSection, vulnerabilitiesSection } from '../scan-results.ts';

const slugPattern = /^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$/;
const digestPattern = /^sha256:[0-9a-f]{64}$/;

const text = {
  de: {
    onThisPage: 'Auf dieser Seite',
    organisation: 'Organisation',
    repository: 'Repository',
    categories: 'Kategorien',
    license: 'Lizenz',
    source: 'Quelle',
    contact: 'Kontakt',
    maintainers: 'Betreuende',
    endOfLife: 'Unterstützt bis',
    orphaned: 'Dieses Image ist verwaist: Niemand aus der Organisation betreut es derzeit aktiv.',
    versions: 'Versionen',
    versionsCaption: (name: string) => `Versionen von ${name}, neueste zuerst`,
    tags: 'Tags',
    digest: 'Digest',
    status: 'Status',
    submitted: 'Eingereicht',
    admitted: 'Zugelassen',
    verdict: 'Prüfurteil',
    verdictValid: (until: string) => `gültig bis ${until}`,
    verdictExpired: (until: string) => `abgelaufen am ${until}`,
    noVerdict: 'keins',
    shown: 'angezeigt',
    details: 'Details',
    show: 'anzeigen',
    showVersion: (tags: string) => `Version ${tags} anzeigen`,
    untagged: 'ohne Tag',
    use: 'Beziehen und prüfen',
    useIntro:
      'Ziehen Sie das Image immer über seinen Digest: Nur dieser Inhalt wurde geprüft. Das Prüfurteil ist eine ' +
      'signierte SLSA-Verification-Summary (VSA) am Image; prüfen Sie sie mit dem öffentlichen Schlüssel des Katalogs ' +
      '(katalog.pub).',
    key: 'Öffentlichen Schlüssel des Katalogs herunterladen (katalog.pub)',
    pull: 'Per Digest ziehen',
    verify: 'Prüfurteil verifizieren',
    checks: (version: string) => `Prüfergebnisse der Version ${version}`,
    notScanned: 'Diese Version ist noch nicht fertig geprüft.',
    vulnerabilities: (version: string) => `Schwachstellen der Version ${version}`,
    downloads: 'Downloads',
    downloadsCaption: 'Dokumente der angezeigten Version',
    document: 'Dokument',
    formats: 'Formate',
    docs: {
      sbom: 'Stückliste (SBOM)',
      vex: 'VEX-Aussagen',
      vulns: 'Schwachstellenbericht',
      checks: 'Prüfbericht',
      vsa: 'Prüfurteil (SLSA VSA, signiert)',
    },
    htmlReport: (lang: string) => `HTML (${lang})`,
    changes: 'Was sich zwischen Versionen geändert hat',
    changesIntro: 'Vergleichen Sie Pakete, Befunde und Prüfergebnisse zweier Versionen.',
    from: 'Ältere Version',
    to: 'Neuere Version',
    compare: 'Vergleichen',
    oneVersion: 'Es gibt bisher nur eine Version, mit der verglichen werden könnte.',
    rebuilds: 'Neubau-Historie',
    rebuildsText:
      'Hier erscheint, wann das Image auf ein aktualisiertes Basis-Image neu gebaut wurde, sobald der Monitor für ' +
      'Basis-Images in Betrieb ist.',
    baselineOk: 'Checkliste erfüllt',
    baselineNot: 'Checkliste nicht erfüllt',
    signedBadge: 'Prüfurteil gültig',
    unsignedBadge: 'Kein gültiges Prüfurteil',
    nextVersion: 'Nächste Version einreichen',
  },
  en: {
    onThisPage: 'On this page',
    organisation: 'Organisation',
    repository: 'Repository',
    categories: 'Categories',
    license: 'Licence',
    source: 'Source',
    contact: 'Contact',
    maintainers: 'Maintainers',
    endOfLife: 'Supported until',
    orphaned: 'This image is orphaned: nobody in its organisation maintains it actively at present.',
    versions: 'Versions',
    versionsCaption: (name: string) => `Versions of ${name}, newest first`,
    tags: 'Tags',
    digest: 'Digest',
    status: 'Status',
    submitted: 'Submitted',
    admitted: 'Admitted',
    verdict: 'Verdict',
    verdictValid: (until: string) => `valid until ${until}`,
    verdictExpired: (until: string) => `expired on ${until}`,
    noVerdict: 'none',
    shown: 'shown',
    details: 'Details',
    show: 'show',
    showVersion: (tags: string) => `Show version ${tags}`,
    untagged: 'untagged',
    use: 'Pull and verify',
    useIntro:
      'Always pull the image by its digest: only that content was checked. The verdict is a signed SLSA ' +
      "verification summary (VSA) attached to the image; verify it with the catalogue's public key " +
      '(katalog.pub).',
    key: "Download the catalogue's public key (katalog.pub)",
    pull: 'Pull by digest',
    verify: 'Verify the verdict',
    checks: (version: string) => `Check results of version ${version}`,
    notScanned: 'This version has not finished its checks yet.',
    vulnerabilities: (version: string) => `Vulnerabilities of version ${version}`,
    downloads: 'Downloads',
    downloadsCaption: 'Documents of the version shown',
    document: 'Document',
    formats: 'Formats',
    docs: {
      sbom: 'Bill of materials (SBOM)',
      vex: 'VEX statements',
      vulns: 'Vulnerability report',
      checks: 'Check report',
      vsa: 'Verdict (SLSA VSA, signed)',
    },
    htmlReport: (lang: string) => `HTML (${lang})`,
    changes: 'What changed between versions',
    changesIntro: 'Compare the packages, findings and check results of two versions.',
    from: 'Older version',
    to: 'Newer version',
    compare: 'Compare',
    oneVersion: 'There is only one version so far, nothing to compare it with.',
    rebuilds: 'Rebuild history',
    rebuildsText: 'Once the base image monitor runs, this shows when the image was rebuilt on an updated base image.',
    baselineOk: 'Checklist met',
    baselineNot: 'Checklist not met',
    signedBadge: 'Verdict valid',
    unsignedBadge: 'No valid verdict',
    nextVersion: 'Submit the next version',
  },
};

type ImageText = (typeof text)['de'];

/** A version as a reader names it: its tags, or the start of its digest. */
export function versionName(v: Pick<VersionEntry, 'tags' | 'digest'>): string {
  return v.tags.length > 0 ? v.tags.join(', ') : v.digest.slice(0, 'sha256:'.length + 12);
}

/** The image the path names, as `principal` may see it; an invalid name is as unknown as a missing one. */
export async function readImage(c: Context<AppEnv>, ctx: PageContext): Promise<ImageDetail> {
  const name = c.req.param('name') ?? '';
  if (!slugPattern.test(name)) throw new SgciError('NOT_FOUND', name.slice(0, 64), 'no such image');
  const { deps } = c.var;
  return imageDetail(deps.catalogue.db, ctx.principal, name, {
    now: ctx.now,
    orphanAfterDays: deps.config.orphanAfterDays,
  });
}

/** The version a query parameter names (a digest of this image), or the newest. */
export function chosenVersion(image: ImageDetail, digest: string | undefined): VersionEntry {
  if (digest === undefined || digest === '') return image.versions[0] as VersionEntry;
  const version = digestPattern.test(digest) ? image.versions.find((v) => v.digest === digest) : undefined;
  if (!version) throw new SgciError('NOT_FOUND', `${image.name}@${digest.slice(0, 80)}`, 'no such version');
  return version;
}

function verdictText(s: ImageText, lang: Lang, v: VersionEntry): string {
  if (!v.verdict) return s.noVerdict;
  const until = formatDate(lang, v.verdict.validUntil, true);
  return v.verdict.valid ? s.verdictValid(until) : s.verdictExpired(until);
}

function versionsTable(ctx: PageContext, s: ImageText, image: ImageDetail, shown: VersionEntry): Html {
  const rows = image.versions.map((v) => {
    const link =
      v === shown
        ? html`<strong>${s.shown}</strong>`
        : html`<a href="${ctx.href('image', { name: image.name })}?version=${v.digest}#pruefung">${s.show}<span class="kern-sr-only">: ${s.showVersion(versionName(v))}</span></a>`;
    return [
      v.tags.length ? v.tags.join(', ') : s.untagged,
      html`<code>${v.digest}</code>`,
      statusBadge(ctx, v.status),
      formatDate(ctx.lang, v.submittedAt),
      v.admittedAt ? formatDate(ctx.lang, v.admittedAt) : '–',
      verdictText(s, ctx.lang, v),
      link,
    ];
  });
  return dataTable(
    'versionen-tabelle',
    s.versionsCaption(image.name),
    [s.tags, s.digest, s.status, s.submitted, s.admitted, s.verdict, s.details],
    rows,
  );
}

function downloads(s: ImageText, v: VersionEntry): Html {
  const heading = html`<h2 class="kern-heading-medium" id="downloads">${s.downloads}</h2>`;
  const d = v.documents;
  if (!d) return html`${heading}<p>${s.notScanned}</p>`;
  const link = (href: string, label: string) => html`<a href="${href}">${label}</a>`;
  const rows: Interpolation[][] = [
    [
      s.docs.sbom,
      html`${link(d.sbom, 'CycloneDX JSON')} · ${link(`${d.sbom}?format=cyclonedx-xml`, 'CycloneDX XML')} · ${link(`${d.sbom}?format=spdx-json`, 'SPDX JSON')}`,
    ],
    [
      s.docs.vex,
      html`${link(d.vex, 'OpenVEX')} · ${link(`${d.vex}?format=cyclonedx`, 'CycloneDX VEX')} · ${link(`${d.vex}?format=csaf`, 'CSAF VEX')}`,
    ],
    [s.docs.vulns, html`${link(d.vulns, 'JSON')} · ${link(`${d.vulns}?format=sarif`, 'SARIF')}`],
    [
      s.docs.checks,
      html`${link(d.checks, 'JSON')} · ${link(`${d.checks}?format=sarif`, 'SARIF')} · ${link(`${d.checks}?format=html&lang=de`, s.htmlReport('de'))} · ${link(`${d.checks}?format=html&lang=en`, s.htmlReport('en'))}`,
    ],
    ...(d.vsa ? [[s.docs.vsa, link(d.vsa, 'DSSE (in-toto)')]] : []),
  ];
  return html`${heading}
${dataTable('dokumente', s.downloadsCaption, [s.document, s.formats], rows)}`;
}

function compareForm(ctx: PageContext, s: ImageText, image: ImageDetail, shown: VersionEntry): Html {
  const heading = html`<h2 class="kern-heading-medium" id="aenderungen">${s.changes}</h2>`;
  const scanned = image.versions.filter((v) => v.documents !== null);
  if (scanned.length < 2) return html`${heading}<p>${s.oneVersion}</p>`;
  const at = scanned.indexOf(shown);
  const to = at >= 0 && at < scanned.length - 1 ? shown : (scanned[0] as VersionEntry);
  const from = scanned[scanned.indexOf(to) + 1] as VersionEntry;
  const options = scanned.map((v) => ({
    value: v.digest,
    label: `${versionName(v)} (${formatDate(ctx.lang, v.submittedAt)})`,
  }));
  return html`${heading}<p>${s.changesIntro}</p>
<form class="form-stack" method="get" action="${ctx.href('compare', { name: image.name })}">
${selectField(ctx, { name: 'from', label: s.from, value: from.digest, options })}
${selectField(ctx, { name: 'to', label: s.to, value: to.digest, options })}
<div><button type="submit" class="kern-btn kern-btn--primary"><span class="kern-label">${s.compare}</span></button></div>
</form>`;
}

export async function imagePage(c: Context<AppEnv>, ctx: PageContext): Promise<PageContent> {
  const s = text[ctx.lang];
  const image = await readImage(c, ctx);
  const shown = chosenVersion(image, c.req.query('version'));
  const name = versionName(shown);
  // the stored result as the database returns it: one read, no document rendered and parsed again
  const stored = shown.documents
    ? (await visibleVersion(c.var.deps.catalogue.db, ctx.principal, shown.submission)).result
    : null;
  const checks = stored?.checks;
  const vulns = stored?.vulns;
  const reference = `${image.repository}@${shown.digest}`;
  const figures = shown.figures;
  const toc: [string, string][] = [
    ['versionen', s.versions],
    ['beziehen', s.use],
    ['pruefung', s.checks(name)],
    ['schwachstellen', s.vulnerabilities(name)],
    ['downloads', s.downloads],
    ['aenderungen', s.changes],
    ['neubau', s.rebuilds],
  ];
  return {
    title: image.name,
    script: true,
    trail: [
      { label: ctx.t.pageTitles.start, href: ctx.href('start') },
      { label: ctx.t.pageTitles.catalogue, href: ctx.href('catalogue') },
    ],
    main: html`<h1 class="kern-heading-large">${image.name}</h1>
<p class="lead">${image.description[ctx.lang]}</p>
<div class="badges">${statusBadge(ctx, shown.status)}
${figures ? (figures.checks.baseline === 'passed' ? badge('success', s.baselineOk) : badge('danger', s.baselineNot)) : ''}
${shown.verdict?.valid ? badge('success', s.signedBadge) : badge('warning', s.unsignedBadge)}</div>
${image.orphaned ? html`<p>${badge('warning', s.orphaned)}</p>` : ''}
${ctx.principal?.organisations.includes(image.organisation) ? html`<p>${buttonLink(`${ctx.href('submit')}?image=${image.name}`, s.nextVersion)}</p>` : ''}
${facts([
  [s.organisation, image.organisation],
  [s.repository, html`<code>${image.repository}</code>`],
  [s.categories, image.categories.map((c) => categoryLabel(ctx.lang, c)).join(', ')],
  [s.license, image.license],
  [s.source, externalLink(image.source)],
  [s.contact, contactLink(image.contact)],
  [s.maintainers, image.maintainers.map((m) => m.name).join(', ') || '–'],
  ...(image.endOfLife ? [[s.endOfLife, formatDate(ctx.lang, image.endOfLife)] as [string, string]] : []),
])}
<nav class="section" aria-labelledby="inhalt-titel"><h2 class="kern-heading-small" id="inhalt-titel">${s.onThisPage}</h2>
<ul class="kern-list">${toc.map(([id, label]) => html`<li><a href="#${id}">${label}</a></li>`)}</ul></nav>
<section class="section" aria-labelledby="versionen"><h2 class="kern-heading-medium" id="versionen">${s.versions}</h2>
${versionsTable(ctx, s, image, shown)}</section>
<section class="section" aria-labelledby="beziehen"><h2 class="kern-heading-medium" id="beziehen">${s.use}</h2>
<p class="prose">${s.useIntro}</p>
${c.var.deps.signing ? html`<p><a href="${verdictKeyPath}" download="katalog.pub">${s.key}</a></p>` : ''}
${command(ctx, 'befehl-pull', s.pull, `docker pull ${reference}`)}
${command(ctx, 'befehl-verify', s.verify, `sgci verify-attestation --key katalog.pub --type vsa ${reference}`)}
</section>
<section class="section" aria-labelledby="pruefung">${checks ? checkResultsSection(ctx, checks, s.checks(name)) : html`<h2 class="kern-heading-medium" id="pruefung">${s.checks(name)}</h2><p>${s.notScanned}</p>`}</section>
<section class="section" aria-labelledby="schwachstellen">${vulns ? vulnerabilitiesSection(ctx, vulns, shown.figures?.vulnerabilities.matched === true, s.vulnerabilities(name)) : html`<h2 class="kern-heading-medium" id="schwachstellen">${s.vulnerabilities(name)}</h2><p>${s.notScanned}</p>`}</section>
<section class="section" aria-labelledby="downloads">${downloads(s, shown)}</section>
<section class="section" aria-labelledby="aenderungen">${compareForm(ctx, s, image, shown)}</section>
<section class="section" aria-labelledby="neubau"><h2 class="kern-heading-medium" id="neubau">${s.rebuilds}</h2><p>${s.rebuildsText}</p></section>`,
  };
}
