/**
 * VEX triage, the start: a vulnerability (CVE, GHSA, DSA … id or alias) or a package (package URL) across the
 * versions in review or admitted that the reviewer may see, each finding with its severity, its VEX status as the
 * decisions in force read it now, and its SLA clock, and a link to decide on it. A GET form: the address is the
 * query, to bookmark and share.
 */
import type { Context } from 'hono';
import {
  DecisionDraft,
  DecisionScope,
  findAcrossVersions,
  type TriageFinding,
  type TriageQuery,
  type TriageResults,
  type TriageVersion,
} from '../../../catalogue/index.ts';
import type { AppEnv } from '../../router.ts';
import { sourceOf } from '../../routes/vex.ts';
import {
  badge,
  button,
  dataTable,
  errorSummary,
  type FieldError,
  statusBadge,
  textField,
  vulnerabilityCell,
} from '../components.ts';
import type { PageContext } from '../context.ts';
import { type Html, html, type Interpolation } from '../html.ts';
import type { PageContent } from '../layout.ts';
import { decideHref, justificationLabel, triageNavigation, triager } from './triage-common.ts';
import { severityBadge, slaText, vexLabel } from './vulnerability-text.ts';

/** Versions read through per search: enough for triage, bounded for a catalogue of many versions. */
const versionsShown = 50;

const text = {
  de: {
    intro:
      'Suchen Sie eine Schwachstelle über alle Images hinweg, entscheiden Sie einmal für einen Geltungsbereich – ' +
      'die Entscheidung gilt für jede passende Version, jetzt und künftig, und läuft spätestens nach einem Jahr ab.',
    search: 'Schwachstelle oder Paket',
    searchHint: 'Kennung oder Alias (CVE-2022-24999, GHSA-…, DSA-…) oder Paket-URL (pkg:npm/qs, pkg:npm/qs@6.7.0)',
    find: 'Suchen',
    invalid: 'Bitte geben Sie eine Kennung wie CVE-2022-24999 oder eine Paket-URL wie pkg:npm/qs@6.7.0 ein.',
    results: 'Befunde',
    prompt: 'Geben Sie eine Schwachstelle oder ein Paket ein, um die betroffenen Versionen zu sehen.',
    none: (q: string) => `Keine Befunde zu „${q}“ in den Versionen, die Sie sehen dürfen.`,
    count: (findings: number, versions: number, images: number) =>
      `${findings} ${findings === 1 ? 'Befund' : 'Befunde'} in ${versions} ${versions === 1 ? 'Version' : 'Versionen'} von ${images} ${images === 1 ? 'Image' : 'Images'}.`,
    more: (n: number) => `${n} weitere Versionen sind nicht aufgeführt; grenzen Sie die Suche mit einer Paket-URL ein.`,
    caption: (q: string) => `Befunde zu ${q}, nach Version`,
    version: 'Image und Version',
    vulnerability: 'Schwachstelle',
    package: 'Paket',
    severity: 'Schweregrad',
    vex: 'VEX-Status jetzt',
    sla: 'SLA-Frist',
    decide: 'Entscheiden',
    decideOn: (vulnerability: string, image: string, pkg: string) => `${vulnerability} in ${image}, Paket ${pkg}`,
    noVex: 'keine Aussage',
    suppressed: 'unterdrückt',
    pending: 'im Bericht ab der nächsten Neubewertung',
    stopped: 'angehalten (VEX)',
  },
  en: {
    intro:
      'Find a vulnerability across all images and decide once for a scope: the decision applies to every matching ' +
      'version, now and later, and expires after a year at the latest.',
    search: 'Vulnerability or package',
    searchHint: 'Id or alias (CVE-2022-24999, GHSA-…, DSA-…) or package URL (pkg:npm/qs, pkg:npm/qs@6.7.0)',
    find: 'Search',
    invalid: 'Please enter an id such as CVE-2022-24999 or a package URL such as pkg:npm/qs@6.7.0.',
    results: 'Findings',
    prompt: 'Enter a vulnerability or a package to see the versions it affects.',
    none: (q: string) => `No findings for “${q}” in the versions you may see.`,
    count: (findings: number, versions: number, images: number) =>
      `${findings} ${findings === 1 ? 'finding' : 'findings'} in ${versions} ${versions === 1 ? 'version' : 'versions'} of ${images} ${images === 1 ? 'image' : 'images'}.`,
    more: (n: number) => `${n} more versions are not listed; narrow the search with a package URL.`,
    caption: (q: string) => `Findings for ${q}, by version`,
    version: 'Image and version',
    vulnerability: 'Vulnerability',
    package: 'Package',
    severity: 'Severity',
    vex: 'VEX status now',
    sla: 'SLA deadline',
    decide: 'Decide',
    decideOn: (vulnerability: string, image: string, pkg: string) => `${vulnerability} in ${image}, package ${pkg}`,
    noVex: 'no statement',
    suppressed: 'suppressed',
    pending: 'in the report from the next re-evaluation',
    stopped: 'stopped (VEX)',
  },
};

type TriageText = (typeof text)['de'];

/** The search as a query of the catalogue: a package URL as a decision's scope takes it, else a vulnerability id. */
function queryOf(q: string): TriageQuery | undefined {
  if (q.startsWith('pkg:')) {
    const scope = DecisionScope.safeParse({ kind: 'purl', purl: q });
    return scope.success ? { kind: 'purl', purl: q } : undefined;
  }
  return DecisionDraft.shape.vulnerability.safeParse(q).success ? { kind: 'vulnerability', id: q } : undefined;
}

function vexCell(ctx: PageContext, s: TriageText, { finding, now }: TriageFinding): Html {
  const stored = finding.vex?.status ?? null;
  const changed = stored !== now.status || finding.suppressed !== now.suppressed;
  const justification = now.status === finding.vex?.status ? finding.vex?.justification : undefined;
  return html`${now.status ? vexLabel(ctx.lang, now.status) : s.noVex}${justification ? html`<br><span class="meta">${justificationLabel(ctx.lang, justification)}</span>` : ''}${now.suppressed ? html`<br>${badge('info', s.suppressed)}` : ''}${changed ? html`<br><span class="meta">${s.pending}</span>` : ''}`;
}

function findingRow(ctx: PageContext, s: TriageText, v: TriageVersion, f: TriageFinding): Interpolation[] {
  const { finding } = f;
  const pkg = `${finding.package.name} ${finding.package.version}`;
  const decide = decideHref(ctx, {
    vulnerability: finding.vulnerability.id,
    scope: 'image',
    image: v.image,
    purl: finding.package.purl,
  });
  return [
    html`<a href="${ctx.href('image', { name: v.image })}?version=${v.digest}#schwachstellen">${v.image}</a><br><code>${v.digest.slice(0, 'sha256:'.length + 12)}</code><br>${statusBadge(ctx, v.status)}`,
    vulnerabilityCell(ctx.lang, finding.vulnerability),
    html`${pkg}<br><code>${finding.package.purl}</code>`,
    severityBadge(ctx.lang, finding.vulnerability.severity),
    vexCell(ctx, s, f),
    f.now.suppressed ? s.stopped : slaText(ctx.lang, finding.sla, ctx.now),
    html`<a href="${decide}">${s.decide}<span class="kern-sr-only">: ${s.decideOn(finding.vulnerability.id, v.image, pkg)}</span></a>`,
  ];
}

function resultsSection(ctx: PageContext, s: TriageText, q: string, results: TriageResults): Html {
  const heading = html`<h2 class="kern-heading-medium" id="befunde">${s.results}</h2>`;
  if (results.versions.length === 0) return html`${heading}<p>${s.none(q)}</p>`;
  const findings = results.versions.reduce((n, v) => n + v.findings.length, 0);
  const images = new Set(results.versions.map((v) => v.image)).size;
  return html`${heading}
<p>${s.count(findings, results.versions.length, images)}</p>
${results.more > 0 ? html`<p>${s.more(results.more)}</p>` : ''}
${dataTable(
  'befunde-tabelle',
  s.caption(q),
  [s.version, s.vulnerability, s.package, s.severity, s.vex, s.sla, s.decide],
  results.versions.flatMap((v) => v.findings.map((f) => findingRow(ctx, s, v, f))),
)}`;
}

export async function triagePage(c: Context<AppEnv>, ctx: PageContext): Promise<PageContent> {
  const principal = triager(ctx);
  const s = text[ctx.lang];
  const title = ctx.t.pageTitles.triage;
  const q = (c.req.query('q') ?? '').trim().slice(0, 1000);
  const query = q === '' ? undefined : queryOf(q);
  const errors: FieldError[] = q !== '' && !query ? [{ field: 'q', message: s.invalid }] : [];
  const { deps } = c.var;
  const results = query
    ? await findAcrossVersions(deps.catalogue, sourceOf(deps), principal, query, versionsShown)
    : undefined;
  return {
    title,
    errors: errors.length,
    main: html`<h1 class="kern-heading-large">${title}</h1>
<p class="lead">${s.intro}</p>
${triageNavigation(ctx)}
${errorSummary(ctx, errors)}
<form class="form-stack" method="get" action="${ctx.href('triage')}" role="search" novalidate>
${textField(ctx, { name: 'q', label: s.search, hint: s.searchHint, value: q, errors, type: 'search', maxLength: 1000 })}
<div>${button(s.find)}</div>
</form>
<section class="section" aria-labelledby="befunde">${results ? resultsSection(ctx, s, q, results) : html`<h2 class="kern-heading-medium" id="befunde">${s.results}</h2><p>${s.prompt}</p>`}</section>`,
  };
}
