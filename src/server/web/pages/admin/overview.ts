/** The administration's start: the parts the signed-in person may use, as the API lets them. */
import type { Context } from 'hono';
import { isAdmin } from '../../../../catalogue/index.ts';
import type { AppEnv } from '../../../router.ts';
import type { PageContext } from '../../context.ts';
import { type Html, html } from '../../html.ts';
import type { PageId } from '../../i18n.ts';
import type { PageContent } from '../../layout.ts';
import { signedIn } from './common.ts';

const text = {
  de: {
    intro:
      'Hier pflegen Sie Ihre API-Tokens und die Zugänge Ihrer Organisationen. Jede Änderung steht mit Ihrem Namen ' +
      'im Prüfprotokoll des Katalogs.',
    parts: {
      adminTokens: 'Tokens für Skripte und CI, die in Ihrem Namen handeln: anlegen, ansehen, widerrufen.',
      adminOrganisations: 'Organisationen, ihre Mitglieder, Registry-Zugangsdaten und vertrauenswürdigen Schlüssel.',
      adminUsers: 'Konten anlegen, Rollen vergeben, Konten sperren.',
      adminPolicy: 'Die Zulassungs-Richtlinie des Katalogs und der öffentliche Schlüssel seiner Prüfurteile.',
    },
    yourOrganisations: 'Ihre Organisationen',
    credentials: 'Zugangsdaten',
    keys: 'Schlüssel',
  },
  en: {
    intro:
      'Manage your API tokens and your organisations’ access here. Every change is recorded with your name in the ' +
      'catalogue’s audit log.',
    parts: {
      adminTokens: 'Tokens for scripts and CI acting in your name: create, review, revoke.',
      adminOrganisations: 'Organisations, their members, registry credentials and trusted keys.',
      adminUsers: 'Create accounts, assign roles, disable accounts.',
      adminPolicy: "The catalogue's admission policy and the public key of its verdicts.",
    },
    yourOrganisations: 'Your organisations',
    credentials: 'Credentials',
    keys: 'Keys',
  },
};

function card(ctx: PageContext, id: PageId, description: string, more: Html | string = ''): Html {
  return html`<div class="card"><h2 class="kern-heading-small"><a href="${ctx.href(id)}">${ctx.t.pageTitles[id]}</a></h2><p>${description}</p>${more}</div>`;
}

export async function administrationPage(_c: Context<AppEnv>, ctx: PageContext): Promise<PageContent> {
  const principal = signedIn(ctx);
  const s = text[ctx.lang];
  const title = ctx.t.pageTitles.administration;
  const own = principal.organisations.map(
    (slug) =>
      html`<li>${slug}: <a href="${ctx.href('adminCredentials', { slug })}">${s.credentials}<span class="kern-sr-only"> ${slug}</span></a>, <a href="${ctx.href('adminKeys', { slug })}">${s.keys}<span class="kern-sr-only"> ${slug}</span></a></li>`,
  );
  const organisations =
    own.length > 0
      ? html`<h3 class="kern-heading-small">${s.yourOrganisations}</h3><ul class="kern-list kern-list--bullet">${own}</ul>`
      : '';
  const parts: Html[] = [card(ctx, 'adminTokens', s.parts.adminTokens)];
  if (isAdmin(principal) || own.length > 0)
    parts.push(card(ctx, 'adminOrganisations', s.parts.adminOrganisations, organisations));
  if (isAdmin(principal)) parts.push(card(ctx, 'adminUsers', s.parts.adminUsers));
  parts.push(card(ctx, 'adminPolicy', s.parts.adminPolicy));
  return {
    title,
    trail: [{ label: ctx.t.pageTitles.start, href: ctx.href('start') }],
    main: html`<h1 class="kern-heading-large">${title}</h1>
<p class="lead">${s.intro}</p>
<div class="cards">${parts}</div>`,
  };
}
