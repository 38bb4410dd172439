/**
 * An image: its facts, every version the reader may see (tag → digest, dates, status, verdict), how to pull and
 * verify it, one version's check results by section with evidence and references and its findings with VEX status
 * and SLA clock (the newest version, or the one `?version=` names), its documents, a form to compare two versions,
 * and the rebuild history with time-to-patch from the monitor's ledger. Everything comes through the catalogue's read
 * functions the API uses, and the monitor's for its ledger.
 */
import type { Context } from 'hono';
import { type ImageDetail, type ImageRead, readImageDetail, type VersionEntry } from '../../../catalogue/index.ts';
import { SgciError } from '../../../core/index.ts';
import { repositoryHistory, type WatchedTagHistory } from '../../../monitor/index.ts';
import { slaPolicyOf } from '../../../policy/index.ts';
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
import { categoryLabel, formatDate, formatNumber, type Lang } from '../i18n.ts';
import type { PageContent } from '../layout.ts';
import { vulnerabilitiesSection } from '../scan-results.ts';
import { scanView } from '../scan-view.ts';
import { severityBadge } from './vulnerability-text.ts';

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
      'Hier erscheint, wann das Image neu gebaut wurde und wie schnell behobene Schwachstellen ankamen, sobald der ' +
      'Monitor einen Tag dieses Repositorys beobachtet (sgci monitor add).',
    rebuildsIntro:
      'Der Monitor fragt die beobachteten Tags regelmäßig in der Registry ab und hält fest, seit wann ein Tag auf ' +
      'welchen Digest zeigt. Als Neubau zählen nur Inhaltsänderungen. Zeit bis zum Patch: vom verfügbaren Fix bis ' +
      'zur ersten Beobachtung des Digests ohne den Befund.',
    watchedTag: (tag: string, platform: string) => `Tag ${tag} (${platform})`,
    rebuildCount: (n: number) => (n === 1 ? '1 Neubau beobachtet.' : `${n} Neubauten beobachtet.`),
    historyCaption: (tag: string, shown: number, total: number) =>
      shown < total
        ? `Digests von ${tag}, neueste zuerst (die neuesten ${shown} von ${total})`
        : `Digests von ${tag}, neueste zuerst`,
    firstSeen: 'Zuerst gesehen',
    lastSeen: 'Zuletzt gesehen',
    change: 'Änderung',
    changeKinds: {
      first: 'erste Beobachtung',
      'identical-content': 'gleicher Inhalt',
      'other-platform-only': 'nur andere Plattform',
      'metadata-only': 'nur Metadaten',
      'packages-changed': 'Pakete geändert',
    },
    ttpCaption: (tag: string) => `Zeit bis zum Patch von ${tag} nach Schweregrad`,
    severity: 'Schweregrad',
    fixedCount: 'Behoben',
    p50: 'p50',
    p90: 'p90',
    withinSla: 'Innerhalb der SLA',
    noPatches: 'Noch keine behobene Schwachstelle beobachtet.',
    hours: (h: string) => `${h} Std.`,
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
    rebuildsText:
      'Once the monitor watches a tag of this repository (sgci monitor add), this shows when the image was rebuilt ' +
      'and how fast fixed vulnerabilities arrived.',
    rebuildsIntro:
      'The monitor asks the registry for the watched tags regularly and records since when a tag points at which ' +
      'digest. Only content changes count as rebuilds. Time to patch: from the fix being available to the first ' +
      'observation of the digest without the finding.',
    watchedTag: (tag: string, platform: string) => `Tag ${tag} (${platform})`,
    rebuildCount: (n: number) => (n === 1 ? '1 rebuild observed.' : `${n} rebuilds observed.`),
    historyCaption: (tag: string, shown: number, total: number) =>
      shown < total
        ? `Digests of ${tag}, newest first (the newest ${shown} of ${total})`
        : `Digests of ${tag}, newest first`,
    firstSeen: 'First seen',
    lastSeen: 'Last seen',
    change: 'Change',
    changeKinds: {
      first: 'first observation',
      'identical-content': 'identical content',
      'other-platform-only': 'other platform only',
      'metadata-only': 'metadata only',
      'packages-changed': 'packages changed',
    },
    ttpCaption: (tag: string) => `Time to patch of ${tag} by severity`,
    severity: 'Severity',
    fixedCount: 'Fixed',
    p50: 'p50',
    p90: 'p90',
    withinSla: 'Within SLA',
    noPatches: 'No fixed vulnerability observed yet.',
    hours: (h: string) => `${h} h`,
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

/**
 * The image the path names, as `principal` may see it, with its versions' result digests; an invalid name is as
 * unknown as a missing one.
 */
export async function readImageOf(c: Context<AppEnv>, ctx: PageContext): Promise<ImageRead> {
  const name = c.req.param('name') ?? '';
  if (!slugPattern.test(name)) throw new SgciError('NOT_FOUND', name.slice(0, 64), 'no such image');
  const { deps } = c.var;
  return readImageDetail(deps.catalogue.db, ctx.principal, name, {
    now: ctx.now,
    orphanAfterDays: deps.config.orphanAfterDays,
  });
}

/** The image the path names, as `principal` may see it; an invalid name is as unknown as a missing one. */
export async function readImage(c: Context<AppEnv>, ctx: PageContext): Promise<ImageDetail> {
  return (await readImageOf(c, ctx)).detail;
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

/** The ledger rows a tag's table shows, newest first: enough to see the rhythm, not every row of years. */
const historyRows = 50;

function hoursText(s: ImageText, lang: Lang, hours: number | undefined): string {
  if (hours === undefined) return '–';
  return s.hours(hours.toLocaleString(lang === 'de' ? 'de-DE' : 'en-GB', { maximumFractionDigits: 1 }));
}

function watchedTagSection(ctx: PageContext, s: ImageText, watched: WatchedTagHistory, index: number): Html {
  const newest = watched.entries.slice(-historyRows).reverse();
  const history = dataTable(
    `neubau-${index}-digests`,
    s.historyCaption(watched.tag, newest.length, watched.entries.length),
    [s.digest, s.firstSeen, s.lastSeen, s.change],
    newest.map((e) => [
      html`<code>${e.digest}</code>`,
      formatDate(ctx.lang, e.firstSeen, true),
      formatDate(ctx.lang, e.lastSeen, true),
      s.changeKinds[e.change ?? 'first'],
    ]),
  );
  const patch =
    watched.timeToPatch.length === 0
      ? html`<p>${s.noPatches}</p>`
      : dataTable(
          `neubau-${index}-patch`,
          s.ttpCaption(watched.tag),
          [s.severity, s.fixedCount, s.p50, s.p90, s.withinSla],
          watched.timeToPatch.map((f) => [
            severityBadge(ctx.lang, f.severity),
            formatNumber(ctx.lang, f.fixed),
            hoursText(s, ctx.lang, f.p50Hours),
            hoursText(s, ctx.lang, f.p90Hours),
            f.withinSla === undefined ? '–' : `${Math.round(f.withinSla * 100)} %`,
          ]),
          { numeric: [1, 2, 3, 4] },
        );
  return html`<h3 class="kern-heading-small" id="neubau-${index}">${s.watchedTag(watched.tag, watched.platform)}</h3>
<p>${s.rebuildCount(watched.rebuilds)}</p>
${history}
${patch}`;
}

/**
 * The monitor's ledger of the tags it watches in the image's repository, once a version was admitted: each tag's
 * digests with first and last observation and the kind of change, and its time-to-patch per severity.
 */
async function rebuildsSection(c: Context<AppEnv>, ctx: PageContext, s: ImageText, image: ImageDetail): Promise<Html> {
  const ledger = c.var.deps.monitor?.monitor;
  const admitted = image.versions.some((v) => v.admittedAt !== null);
  const watched =
    ledger && admitted
      ? await repositoryHistory(
          { monitor: ledger, clock: () => ctx.now, sla: slaPolicyOf(c.var.deps.policy) },
          image.repository,
        )
      : [];
  const heading = html`<h2 class="kern-heading-medium" id="neubau">${s.rebuilds}</h2>`;
  if (watched.length === 0) return html`${heading}<p>${s.rebuildsText}</p>`;
  return html`${heading}<p class="prose">${s.rebuildsIntro}</p>
${watched.map((w, i) => watchedTagSection(ctx, s, w, i + 1))}`;
}

export async function imagePage(c: Context<AppEnv>, ctx: PageContext): Promise<PageContent> {
  const s = text[ctx.lang];
  const { detail: image, resultDigests } = await readImageOf(c, ctx);
  const shown = chosenVersion(image, c.req.query('version'));
  const name = versionName(shown);
  // the stored result's checks rendered and findings picked once per result (scan-view.ts), not on every request
  const view = shown.documents
    ? await scanView(c.var.deps, ctx, shown.submission, resultDigests.get(shown.submission), s.checks(name))
    : undefined;
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
<section class="section" aria-labelledby="pruefung">${view ? view.checks : html`<h2 class="kern-heading-medium" id="pruefung">${s.checks(name)}</h2><p>${s.notScanned}</p>`}</section>
<section class="section" aria-labelledby="schwachstellen">${view ? vulnerabilitiesSection(ctx, view.findings, shown.figures?.vulnerabilities.matched === true, s.vulnerabilities(name)) : html`<h2 class="kern-heading-medium" id="schwachstellen">${s.vulnerabilities(name)}</h2><p>${s.notScanned}</p>`}</section>
<section class="section" aria-labelledby="downloads">${downloads(s, shown)}</section>
<section class="section" aria-labelledby="aenderungen">${compareForm(ctx, s, image, shown)}</section>
<section class="section" aria-labelledby="neubau">${await rebuildsSection(c, ctx, s, image)}</section>`,
  };
}
