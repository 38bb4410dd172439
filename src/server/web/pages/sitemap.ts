/** Every page of the site, in groups, in the reader's language. */
import { isAdmin, isContributor, isReviewer, type Principal } from '../../../catalogue/index.ts';
import type { PageContext } from '../context.ts';
import { html } from '../html.ts';
import type { Bilingual, PageId } from '../i18n.ts';
import type { PageContent } from '../layout.ts';
import { canTriage } from './triage-common.ts';

/** A group of the sitemap; a page may be listed only for those `show` admits (the signed-in pages). */
export interface SitemapGroup {
  readonly title: Bilingual<string>;
  readonly pages: readonly PageId[];
  readonly show?: (principal: Principal | undefined) => boolean;
}

/** The sitemap's groups; the signed-in pages add theirs. */
export const sitemapGroups: readonly SitemapGroup[] = [
  { title: { de: 'Katalog', en: 'Catalogue' }, pages: ['start', 'catalogue'] },
  { title: { de: 'Mitwirken', en: 'Take part' }, pages: ['signIn'] },
  { title: { de: 'Einreichungen', en: 'Submissions' }, pages: ['submit', 'submissions'], show: isContributor },
  { title: { de: 'Prüfen', en: 'Review' }, pages: ['review'], show: isReviewer },
  {
    title: { de: 'VEX-Triage', en: 'VEX triage' },
    pages: ['triage', 'triageDecide', 'triageExpiring', 'triageUnmatched'],
    show: canTriage,
  },
  {
    title: { de: 'Service und Rechtliches', en: 'Service and legal' },
    pages: ['easyRead', 'signLanguage', 'accessibility', 'privacy', 'imprint', 'sitemap'],
  },
  {
    title: { de: 'Verwaltung', en: 'Administration' },
    pages: ['administration', 'adminTokens', 'adminOrganisations', 'adminPolicy'],
    show: (principal) => principal !== undefined,
  },
  { title: { de: 'Benutzerverwaltung', en: 'User administration' }, pages: ['adminUsers'], show: isAdmin },
];

export async function sitemapPage(ctx: PageContext): Promise<PageContent> {
  const title = ctx.t.pageTitles.sitemap;
  const groups = sitemapGroups.filter((g) => g.show?.(ctx.principal) ?? true);
  return {
    title,
    main: html`<h1 class="kern-heading-large">${title}</h1>
${groups.map(
  (g) => html`<h2 class="kern-heading-medium">${g.title[ctx.lang]}</h2>
<ul class="kern-list kern-list--bullet">${g.pages.map((id) => html`<li><a href="${ctx.href(id)}">${ctx.t.pageTitles[id]}</a></li>`)}</ul>`,
)}`,
  };
}
