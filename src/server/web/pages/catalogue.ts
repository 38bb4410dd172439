/**
 * The catalogue: search and every filter of `GET /api/v1/images` as one GET form (works without script; the URL is
 * the query, to bookmark and share), results with their status in words and colour, and the next page by the
 * list's cursor. A value the list cannot take is named in an error summary and left out, the rest still applies.
 */
import type { Context } from 'hono';
import {
  decodeImageCursor,
  type FixableFilter,
  fixableFilters,
  type ImageFilters,
  type ImageSummary,
  listImages,
  listOrganisations,
} from '../../../catalogue/index.ts';
import { isSgciError } from '../../../core/index.ts';
import type { AppEnv } from '../../router.ts';
import {
  alert,
  badge,
  errorSummary,
  type FieldError,
  type SelectOption,
  selectField,
  statusBadge,
  textField,
} from '../components.ts';
import type { PageContext } from '../context.ts';
import { type Html, html } from '../html.ts';
import { categoryLabel, categoryLabels, type Lang } from '../i18n.ts';
import type { PageContent } from '../layout.ts';
import { severityCounts } from './vulnerability-text.ts';

const pageSize = 20;

const slug = /^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$/;

const ecosystems: Readonly<Record<string, string>> = {
  deb: 'Debian (deb)',
  apk: 'Alpine (apk)',
  rpm: 'RPM',
  npm: 'Node.js (npm)',
  pypi: 'Python (PyPI)',
  golang: 'Go',
  maven: 'Java (Maven)',
  cargo: 'Rust (Cargo)',
  nuget: '.NET (NuGet)',
  composer: 'PHP (Composer)',
  gem: 'Ruby (gem)',
};

const text = {
  de: {
    title: 'Katalog',
    intro:
      'Zugelassene, gehärtete Container-Images. Jede Version ist gegen die Härtungs-Checkliste geprüft und trägt ' +
      'ein signiertes Prüfurteil, solange es gültig ist.',
    filters: 'Suchen und filtern',
    q: 'Suchbegriff',
    qHint: 'Name oder Beschreibung, Deutsch oder Englisch',
    category: 'Kategorie',
    organisation: 'Organisation',
    distro: 'Distribution',
    distroHint: 'ID aus os-release, z. B. debian',
    distroVersion: 'Version der Distribution',
    distroVersionHint: 'VERSION_ID aus os-release, z. B. 12',
    ecosystem: 'Laufzeit oder Sprache',
    baseline: 'Härtungs-Checkliste',
    fixable: 'Behebbare offene Schwachstellen',
    sla: 'Fristen (SLA)',
    signed: 'Signiertes Prüfurteil',
    any: 'alle',
    baselinePassed: 'erfüllt',
    baselineFailed: 'nicht erfüllt',
    fixableOptions: {
      none: 'keine',
      any: 'mindestens eine',
      low: 'mindestens eine ab Schweregrad niedrig',
      medium: 'mindestens eine ab Schweregrad mittel',
      high: 'mindestens eine ab Schweregrad hoch',
      critical: 'mindestens eine kritische',
    } satisfies Record<FixableFilter, string>,
    slaOk: 'alle Fristen eingehalten',
    slaOverdue: 'Frist überschritten',
    signedYes: 'gültig',
    signedNo: 'kein gültiges',
    moreFilters: (active: number) => (active > 0 ? `Weitere Filter (${active} gesetzt)` : 'Weitere Filter'),
    apply: 'Anwenden',
    reset: 'Alle Filter zurücksetzen',
    results: 'Ergebnisse',
    count: (n: number, more: boolean) =>
      `${n === 1 ? '1 Image' : `${n} Images`} auf dieser Seite${more ? ', weitere auf der nächsten' : ''}`,
    empty: 'Der Katalog enthält noch keine zugelassenen Images.',
    none: 'Kein Image passt zu Ihrer Suche. Ändern Sie die Filter oder setzen Sie sie zurück.',
    first: 'Erste Seite',
    next: 'Nächste Seite',
    pagination: 'Seiten',
    baselineOk: 'Checkliste erfüllt',
    baselineNot: 'Checkliste nicht erfüllt',
    signedBadge: 'Prüfurteil gültig',
    unsignedBadge: 'Kein gültiges Prüfurteil',
    notMatched: 'Schwachstellen nicht abgeglichen',
    noFixable: 'Keine behebbaren Schwachstellen',
    fixableBadge: (n: number, counts: string) =>
      `${n} behebbare ${n === 1 ? 'Schwachstelle' : 'Schwachstellen'} (${counts})`,
    overdue: (n: number) => `SLA-Frist überschritten: ${n}`,
    orphaned: 'Verwaist: keine aktiven Betreuenden',
    organisationLabel: 'Organisation',
    categoriesLabel: 'Kategorien',
    licenseLabel: 'Lizenz',
    tagsLabel: 'Tags',
    invalid: {
      q: 'Der Suchbegriff darf höchstens 200 Zeichen lang sein.',
      slug: 'Nur Kleinbuchstaben, Ziffern und Bindestriche (höchstens 64 Zeichen).',
      distro:
        'Die Distribution ist eine os-release-ID aus Kleinbuchstaben, Ziffern, Punkt, Unterstrich und Bindestrich.',
      distroVersion: 'Die Version besteht aus Buchstaben, Ziffern, Punkt, Unterstrich und Bindestrich.',
      choice: 'Bitte wählen Sie einen Wert aus der Liste.',
    },
    cursorRefused: 'Die Seitenangabe ist ungültig oder gehört zu einer anderen Suche. Sie sehen die erste Seite.',
  },
  en: {
    title: 'Catalogue',
    intro:
      'Admitted, hardened container images. Every version is checked against the hardening checklist and carries a ' +
      'signed verdict while it is valid.',
    filters: 'Search and filter',
    q: 'Search term',
    qHint: 'Name or description, German or English',
    category: 'Category',
    organisation: 'Organisation',
    distro: 'Distribution',
    distroHint: 'ID from os-release, e.g. debian',
    distroVersion: 'Distribution version',
    distroVersionHint: 'VERSION_ID from os-release, e.g. 12',
    ecosystem: 'Runtime or language',
    baseline: 'Hardening checklist',
    fixable: 'Fixable open vulnerabilities',
    sla: 'Deadlines (SLA)',
    signed: 'Signed verdict',
    any: 'all',
    baselinePassed: 'met',
    baselineFailed: 'not met',
    fixableOptions: {
      none: 'none',
      any: 'at least one',
      low: 'at least one of severity low or higher',
      medium: 'at least one of severity medium or higher',
      high: 'at least one of severity high or higher',
      critical: 'at least one critical',
    },
    slaOk: 'all deadlines met',
    slaOverdue: 'deadline missed',
    signedYes: 'valid',
    signedNo: 'none valid',
    moreFilters: (active: number) => (active > 0 ? `More filters (${active} set)` : 'More filters'),
    apply: 'Apply',
    reset: 'Reset all filters',
    results: 'Results',
    count: (n: number, more: boolean) =>
      `${n === 1 ? '1 image' : `${n} images`} on this page${more ? ', more on the next' : ''}`,
    empty: 'The catalogue holds no admitted images yet.',
    none: 'No image matches your search. Change the filters or reset them.',
    first: 'First page',
    next: 'Next page',
    pagination: 'Pages',
    baselineOk: 'Checklist met',
    baselineNot: 'Checklist not met',
    signedBadge: 'Verdict valid',
    unsignedBadge: 'No valid verdict',
    notMatched: 'Vulnerabilities not matched',
    noFixable: 'No fixable vulnerabilities',
    fixableBadge: (n: number, counts: string) =>
      `${n} fixable ${n === 1 ? 'vulnerability' : 'vulnerabilities'} (${counts})`,
    overdue: (n: number) => `SLA deadline missed: ${n}`,
    orphaned: 'Orphaned: no active maintainers',
    organisationLabel: 'Organisation',
    categoriesLabel: 'Categories',
    licenseLabel: 'Licence',
    tagsLabel: 'Tags',
    invalid: {
      q: 'The search term may be at most 200 characters long.',
      slug: 'Only lower-case letters, digits and hyphens (at most 64 characters).',
      distro: 'The distribution is an os-release ID of lower-case letters, digits, dot, underscore and hyphen.',
      distroVersion: 'The version consists of letters, digits, dot, underscore and hyphen.',
      choice: 'Please choose a value from the list.',
    },
    cursorRefused: 'The page reference is invalid or belongs to another search. You see the first page.',
  },
};

type CatalogueText = (typeof text)['de'];

/** The form's values as given (to show them again) and the filters the valid ones make. */
interface CatalogueQuery {
  readonly given: Readonly<Record<string, string>>;
  readonly filters: ImageFilters;
  readonly cursor: ReturnType<typeof decodeImageCursor> | undefined;
  /** A cursor was given that this list did not write or that belongs to the other ordering: page one is shown. */
  readonly cursorRefused: boolean;
  readonly errors: readonly FieldError[];
}

const oneOf =
  (values: readonly string[]) =>
  (v: string): boolean =>
    values.includes(v);

/** Each field of the form, in its order: what a valid value looks like (as the API accepts it), and the message. */
const fields = {
  q: { valid: (v: string) => v.length <= 200, message: 'q' },
  category: { valid: (v: string) => slug.test(v), message: 'slug' },
  organisation: { valid: (v: string) => slug.test(v), message: 'slug' },
  distro: { valid: (v: string) => /^[a-z0-9._-]{1,64}$/.test(v), message: 'distro' },
  distroVersion: { valid: (v: string) => /^[A-Za-z0-9._-]{1,64}$/.test(v), message: 'distroVersion' },
  ecosystem: { valid: (v: string) => v in ecosystems, message: 'choice' },
  baseline: { valid: oneOf(['passed', 'failed']), message: 'choice' },
  fixable: { valid: oneOf(fixableFilters), message: 'choice' },
  sla: { valid: oneOf(['overdue', 'ok']), message: 'choice' },
  signed: { valid: oneOf(['true', 'false']), message: 'choice' },
} as const satisfies Record<string, { valid: (v: string) => boolean; message: keyof CatalogueText['invalid'] }>;

/** Reads the form from the query: each invalid value becomes an error naming its field and is left out. */
export function catalogueQuery(query: Readonly<Record<string, string>>, lang: Lang): CatalogueQuery {
  const t = text[lang].invalid;
  const given: Record<string, string> = {};
  const valid: Record<string, string> = {};
  const errors: FieldError[] = [];
  for (const [name, field] of Object.entries(fields)) {
    const value = query[name]?.trim();
    if (!value) continue;
    given[name] = value;
    if (field.valid(value)) valid[name] = value;
    else errors.push({ field: name, message: t[field.message] });
  }
  const { signed, ...rest } = valid;
  // every value passed its field's check above, which admits exactly what ImageFilters names
  const filters = { ...rest, ...(signed ? { signed: signed === 'true' } : {}) } as ImageFilters;
  let cursor: CatalogueQuery['cursor'];
  let cursorRefused = false;
  const cursorText = query.cursor;
  if (cursorText) {
    try {
      cursor = decodeImageCursor(cursorText);
    } catch (error) {
      if (!isSgciError(error)) throw error;
    }
    // a cursor of the other ordering (with and without a search term) would skip or repeat images
    if (!cursor || (cursor.order === 'rank') !== (filters.q !== undefined)) {
      cursor = undefined;
      cursorRefused = true;
    }
  }
  return { given, filters, cursor, cursorRefused, errors };
}

function options(any: string, entries: readonly (readonly [string, string])[], current: string | undefined) {
  const list: SelectOption[] = [{ value: '', label: any }, ...entries.map(([value, label]) => ({ value, label }))];
  // a value given in the URL that the list does not offer stays visible (and selected) rather than silently gone
  if (current && !list.some((o) => o.value === current)) list.push({ value: current, label: current });
  return list;
}

function filterForm(
  ctx: PageContext,
  s: CatalogueText,
  q: CatalogueQuery,
  organisations: readonly { slug: string; name: string }[],
): Html {
  const common = (name: string) => ({ name, value: q.given[name], errors: q.errors });
  // the filters beside the search term fold away on a narrow screen; they are open while one is set or wrong
  const active = Object.keys(q.given).filter((k) => k !== 'q').length;
  const open = active > 0 || q.errors.some((e) => e.field !== 'q');
  return html`<form class="filters" method="get" action="${ctx.href('catalogue')}" role="search" aria-labelledby="filter-title">
<h2 class="kern-heading-small" id="filter-title">${s.filters}</h2>
${textField(ctx, { ...common('q'), label: s.q, hint: s.qHint, type: 'search', maxLength: 200 })}
<details class="more-filters" data-open-wide${open ? html` open` : ''}><summary>${s.moreFilters(active)}</summary>
<div class="filters">
${selectField(ctx, { ...common('category'), label: s.category, options: options(s.any, Object.entries(categoryLabels[ctx.lang]), q.given.category) })}
${selectField(ctx, {
  ...common('organisation'),
  label: s.organisation,
  options: options(
    s.any,
    organisations.map((o) => [o.slug, o.name]),
    q.given.organisation,
  ),
})}
${textField(ctx, { ...common('distro'), label: s.distro, hint: s.distroHint, maxLength: 64 })}
${textField(ctx, { ...common('distroVersion'), label: s.distroVersion, hint: s.distroVersionHint, maxLength: 64 })}
${selectField(ctx, { ...common('ecosystem'), label: s.ecosystem, options: options(s.any, Object.entries(ecosystems), q.given.ecosystem) })}
${selectField(ctx, {
  ...common('baseline'),
  label: s.baseline,
  options: options(
    s.any,
    [
      ['passed', s.baselinePassed],
      ['failed', s.baselineFailed],
    ],
    q.given.baseline,
  ),
})}
${selectField(ctx, { ...common('fixable'), label: s.fixable, options: options(s.any, Object.entries(s.fixableOptions), q.given.fixable) })}
${selectField(ctx, {
  ...common('sla'),
  label: s.sla,
  options: options(
    s.any,
    [
      ['ok', s.slaOk],
      ['overdue', s.slaOverdue],
    ],
    q.given.sla,
  ),
})}
${selectField(ctx, {
  ...common('signed'),
  label: s.signed,
  options: options(
    s.any,
    [
      ['true', s.signedYes],
      ['false', s.signedNo],
    ],
    q.given.signed,
  ),
})}
</div>
</details>
<div class="actions"><button type="submit" class="kern-btn kern-btn--primary"><span class="kern-icon kern-icon--search" aria-hidden="true"></span><span class="kern-label">${s.apply}</span></button>
<a href="${ctx.href('catalogue')}">${s.reset}</a></div>
</form>`;
}

/** The badges of an image's newest public version: each says its state in words. */
export function summaryBadges(ctx: PageContext, latest: ImageSummary['latest'], orphaned: boolean): Html {
  const s = text[ctx.lang];
  const v = latest.vulnerabilities;
  const fixable = Object.values(v.fixable).reduce((a, b) => a + b, 0);
  const vulnerabilities = !v.matched
    ? badge('info', s.notMatched)
    : fixable === 0
      ? badge('success', s.noFixable)
      : badge(
          v.fixable.CRITICAL + v.fixable.HIGH > 0 ? 'danger' : 'warning',
          s.fixableBadge(fixable, severityCounts(ctx.lang, v.fixable)),
        );
  return html`<div class="badges">${statusBadge(ctx, latest.status)}
${latest.checks.baseline === 'passed' ? badge('success', s.baselineOk) : badge('danger', s.baselineNot)}
${latest.signed ? badge('success', s.signedBadge) : badge('warning', s.unsignedBadge)}
${vulnerabilities}
${v.overdue > 0 ? badge('danger', s.overdue(v.overdue)) : ''}
${orphaned ? badge('warning', s.orphaned) : ''}</div>`;
}

function result(ctx: PageContext, s: CatalogueText, image: ImageSummary): Html {
  return html`<li class="result">
<h3 class="kern-heading-small"><a href="${ctx.href('image', { name: image.name })}">${image.name}</a></h3>
<p>${image.description[ctx.lang]}</p>
${summaryBadges(ctx, image.latest, image.orphaned)}
<p class="meta">${s.organisationLabel}: ${image.organisation} · ${s.categoriesLabel}: ${image.categories.map((c) => categoryLabel(ctx.lang, c)).join(', ')} · ${s.licenseLabel}: ${image.license}${image.latest.tags.length ? ` · ${s.tagsLabel}: ${image.latest.tags.join(', ')}` : ''}</p>
</li>`;
}

function pageLink(ctx: PageContext, given: Readonly<Record<string, string>>, cursor?: string): string {
  const params = new URLSearchParams(given);
  if (cursor) params.set('cursor', cursor);
  const search = params.toString();
  return `${ctx.href('catalogue')}${search ? `?${search}` : ''}`;
}

export async function cataloguePage(c: Context<AppEnv>, ctx: PageContext): Promise<PageContent> {
  const s = text[ctx.lang];
  const q = catalogueQuery(c.req.query(), ctx.lang);
  const { deps } = c.var;
  const [page, organisations] = await Promise.all([
    listImages(
      deps.catalogue.db,
      { ...q.filters, limit: pageSize, ...(q.cursor ? { cursor: q.cursor } : {}) },
      { now: ctx.now, orphanAfterDays: deps.config.orphanAfterDays },
    ),
    listOrganisations(deps.catalogue.db),
  ]);
  const filtered = Object.keys(q.given).length > 0 || q.cursor !== undefined;
  const valid = Object.fromEntries(Object.entries(q.given).filter(([k]) => !q.errors.some((e) => e.field === k)));
  const list =
    page.items.length === 0
      ? html`<p>${filtered ? s.none : s.empty}</p>`
      : html`<p>${s.count(page.items.length, page.next !== null)}</p>
<ul class="results plain-list">${page.items.map((image) => result(ctx, s, image))}</ul>`;
  const pagination =
    q.cursor || page.next
      ? html`<nav class="pagination" aria-label="${s.pagination}">${q.cursor ? html`<a href="${pageLink(ctx, valid)}">${s.first}</a>` : ''}${page.next ? html`<a href="${pageLink(ctx, valid, page.next)}" rel="next">${s.next}</a>` : ''}</nav>`
      : '';
  return {
    title: s.title,
    script: true,
    errors: q.errors.length,
    main: html`<h1 class="kern-heading-large">${s.title}</h1>
<p class="lead">${s.intro}</p>
${errorSummary(ctx, q.errors)}
${q.cursorRefused ? alert('warning', s.cursorRefused, '', { role: 'status' }) : ''}
<div class="catalogue">
${filterForm(ctx, s, q, organisations)}
<section aria-labelledby="ergebnisse"><h2 class="kern-heading-small" id="ergebnisse">${s.results}</h2>
${list}
${pagination}
</section>
</div>`,
  };
}
