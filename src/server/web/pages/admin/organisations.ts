/**
 * Organisations: admins see all, create them (`POST /api/v1/organisations`) and add members
 * (`POST …/{slug}/members`); members see their own, with the way to its registry credentials and keys.
 */
import type { Context } from 'hono';
import {
  actorOf,
  addMember,
  createOrganisation,
  isAdmin,
  listOrganisations,
  listUsers,
  type Organisation,
  requireOrganisation,
  type UserSummary,
} from '../../../../catalogue/index.ts';
import { isSgciError } from '../../../../core/index.ts';
import type { AppEnv } from '../../../router.ts';
import { contactLink, dataTable, errorSummary, type FieldError, facts, textField } from '../../components.ts';
import type { PageContext } from '../../context.ts';
import { type Html, html } from '../../html.ts';
import type { PageContent } from '../../layout.ts';
import {
  admin,
  adminTrail,
  doneNotice,
  doneRedirect,
  formFields,
  listPage,
  organisationAccess,
  postForm,
  signedIn,
} from './common.ts';

const slugPattern = /^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$/;
const maxName = 200;
const maxContact = 500;

const text = {
  de: {
    intro:
      'Organisationen reichen Images ein. Ihre Mitglieder (Mitwirkende) pflegen die Registry-Zugangsdaten und die ' +
      'Schlüssel, mit denen die Signaturen ihrer Images geprüft werden.',
    list: 'Organisationen',
    yours: 'Ihre Organisationen',
    none: 'Es gibt noch keine Organisation.',
    noneOwn: 'Sie sind Mitglied keiner Organisation.',
    head: ['Kurzname', 'Name', 'Kontakt', 'Verwalten'],
    credentials: 'Zugangsdaten',
    keys: 'Schlüssel',
    create: 'Organisation anlegen',
    slug: 'Kurzname',
    slugHint: 'Für Adressen: a–z, 0–9 und Bindestrich (nicht am Anfang oder Ende), höchstens 64 Zeichen.',
    name: 'Name',
    contact: 'Kontakt',
    contactHint: 'Wie die Organisation zu erreichen ist, z. B. eine E-Mail-Adresse.',
    submit: 'Organisation anlegen',
    facts: 'Angaben',
    manage: 'Verwalten',
    members: 'Mitglieder',
    noMembers: 'Noch keine Mitglieder.',
    memberHead: ['Anmeldename', 'Name', 'Globale Rolle', 'Status'],
    roles: { reviewer: 'Prüfende:r', admin: 'Admin', none: 'keine (Mitwirkende:r)' },
    disabled: 'gesperrt',
    active: 'aktiv',
    addMember: 'Mitglied aufnehmen',
    login: 'Anmeldename',
    loginHint: 'Das Konto muss es schon geben; es wird Mitwirkende:r dieser Organisation.',
    addSubmit: 'Aufnehmen',
    done: { created: 'Die Organisation wurde angelegt.', member: 'Das Mitglied wurde aufgenommen.' } as Record<
      string,
      string
    >,
    errors: {
      slug: 'Bitte geben Sie einen Kurznamen aus a–z, 0–9 und Bindestrichen ein (höchstens 64 Zeichen).',
      slugTaken: 'Diesen Kurznamen gibt es schon.',
      name: 'Bitte geben Sie den Namen der Organisation ein.',
      nameLong: `Der Name darf höchstens ${maxName} Zeichen haben.`,
      contactLong: `Der Kontakt darf höchstens ${maxContact} Zeichen haben.`,
      login: 'Bitte geben Sie den Anmeldenamen eines vorhandenen Kontos ein.',
      loginUnknown: 'Ein Konto mit diesem Anmeldenamen gibt es nicht.',
    },
  },
  en: {
    intro:
      'Organisations submit images. Their members (contributors) maintain the registry credentials and the keys ' +
      "their images' signatures are verified with.",
    list: 'Organisations',
    yours: 'Your organisations',
    none: 'There is no organisation yet.',
    noneOwn: 'You are not a member of any organisation.',
    head: ['Short name', 'Name', 'Contact', 'Manage'],
    credentials: 'Credentials',
    keys: 'Keys',
    create: 'Create an organisation',
    slug: 'Short name',
    slugHint: 'For addresses: a–z, 0–9 and hyphens (not first or last), at most 64 characters.',
    name: 'Name',
    contact: 'Contact',
    contactHint: 'How to reach the organisation, e.g. an e-mail address.',
    submit: 'Create organisation',
    facts: 'Details',
    manage: 'Manage',
    members: 'Members',
    noMembers: 'No members yet.',
    memberHead: ['Login', 'Name', 'Global role', 'Status'],
    roles: { reviewer: 'Reviewer', admin: 'Admin', none: 'none (contributor)' },
    disabled: 'disabled',
    active: 'active',
    addMember: 'Add a member',
    login: 'Login',
    loginHint: 'The account must exist; it becomes a contributor of this organisation.',
    addSubmit: 'Add',
    done: { created: 'The organisation was created.', member: 'The member was added.' } as Record<string, string>,
    errors: {
      slug: 'Please enter a short name of a–z, 0–9 and hyphens (at most 64 characters).',
      slugTaken: 'This short name exists already.',
      name: "Please enter the organisation's name.",
      nameLong: `The name may have at most ${maxName} characters.`,
      contactLong: `The contact may have at most ${maxContact} characters.`,
      login: 'Please enter the login of an existing account.',
      loginUnknown: 'There is no account with this login.',
    },
  },
};

const doneMessages = { de: text.de.done, en: text.en.done };

function manageLinks(ctx: PageContext, slug: string): Html {
  const s = text[ctx.lang];
  return html`<a href="${ctx.href('adminCredentials', { slug })}">${s.credentials}<span class="kern-sr-only"> ${slug}</span></a>, <a href="${ctx.href('adminKeys', { slug })}">${s.keys}<span class="kern-sr-only"> ${slug}</span></a>`;
}

interface OrganisationForm {
  readonly values: Readonly<Record<'slug' | 'name' | 'contact', string>>;
  readonly errors: readonly FieldError[];
}

function organisationsContent(
  ctx: PageContext,
  organisations: readonly Organisation[],
  form: OrganisationForm,
  notice: Html,
): PageContent {
  const s = text[ctx.lang];
  const title = ctx.t.pageTitles.adminOrganisations;
  const everyone = isAdmin(ctx.principal);
  const rows = organisations.map((o) => [
    html`<a href="${ctx.href('adminOrganisation', { slug: o.slug })}">${o.slug}</a>`,
    o.name,
    o.contact ? contactLink(o.contact) : '–',
    manageLinks(ctx, o.slug),
  ]);
  const caption = everyone ? s.list : s.yours;
  const v = form.values;
  const create = everyone
    ? html`<section class="section" aria-labelledby="organisation-anlegen"><h2 class="kern-heading-medium" id="organisation-anlegen">${s.create}</h2>
${postForm(
  ctx,
  ctx.href('adminOrganisations'),
  undefined,
  html`${textField(ctx, { name: 'slug', label: s.slug, hint: s.slugHint, value: v.slug, errors: form.errors, required: true, maxLength: 64, autocomplete: 'off' })}
${textField(ctx, { name: 'name', label: s.name, value: v.name, errors: form.errors, required: true, maxLength: maxName, autocomplete: 'organization' })}
${textField(ctx, { name: 'contact', label: s.contact, hint: s.contactHint, value: v.contact, errors: form.errors, optional: true, maxLength: maxContact })}`,
  s.submit,
)}
</section>`
    : html``;
  return listPage(ctx, {
    title,
    trail: adminTrail(ctx),
    errors: form.errors,
    notice,
    intro: s.intro,
    list: { id: 'organisationen', heading: caption, head: s.head, rows, none: everyone ? s.none : s.noneOwn },
    forms: html`${create}`,
  });
}

const emptyForm: OrganisationForm = { values: { slug: '', name: '', contact: '' }, errors: [] };

/** The organisations the principal sees here: all for admins, their own for members. */
async function visibleOrganisations(c: Context<AppEnv>, ctx: PageContext): Promise<Organisation[]> {
  const principal = signedIn(ctx);
  const all = await listOrganisations(c.var.deps.catalogue.db);
  return isAdmin(principal) ? all : all.filter((o) => principal.organisations.includes(o.slug));
}

export async function adminOrganisationsPage(c: Context<AppEnv>, ctx: PageContext): Promise<PageContent> {
  const organisations = await visibleOrganisations(c, ctx);
  return organisationsContent(ctx, organisations, emptyForm, doneNotice(c, ctx, doneMessages));
}

export async function adminOrganisationsAction(c: Context<AppEnv>, ctx: PageContext): Promise<PageContent | Response> {
  const principal = admin(ctx);
  const s = text[ctx.lang];
  const fields = await formFields(c);
  const values = { slug: fields.slug ?? '', name: fields.name ?? '', contact: fields.contact ?? '' };
  const errors: FieldError[] = [];
  if (!slugPattern.test(values.slug)) errors.push({ field: 'slug', message: s.errors.slug });
  if (values.name === '') errors.push({ field: 'name', message: s.errors.name });
  else if (values.name.length > maxName) errors.push({ field: 'name', message: s.errors.nameLong });
  if (values.contact.length > maxContact) errors.push({ field: 'contact', message: s.errors.contactLong });
  const again = async (errors: FieldError[]) =>
    organisationsContent(ctx, await visibleOrganisations(c, ctx), { values, errors }, html``);
  if (errors.length > 0) return again(errors);
  try {
    await createOrganisation(c.var.deps.catalogue, actorOf(principal), {
      slug: values.slug,
      name: values.name,
      contact: values.contact || null,
    });
  } catch (error) {
    if (isSgciError(error, 'CONFLICT')) return again([{ field: 'slug', message: s.errors.slugTaken }]);
    throw error;
  }
  return doneRedirect(c, ctx, 'adminOrganisations', {}, 'created');
}

function roleLabel(ctx: PageContext, user: UserSummary): string {
  const roles = text[ctx.lang].roles;
  return user.role ? roles[user.role] : roles.none;
}

async function organisationContent(
  c: Context<AppEnv>,
  ctx: PageContext,
  organisation: Organisation,
  form: { login: string; errors: readonly FieldError[] },
  notice: Html,
): Promise<PageContent> {
  const s = text[ctx.lang];
  const slug = organisation.slug;
  let members: Html = html``;
  if (isAdmin(ctx.principal)) {
    const users = await listUsers(c.var.deps.catalogue.db, { organisation: slug });
    const rows = users.map((u) => [
      html`<a href="${ctx.href('adminUser', { login: u.login })}">${u.login}</a>`,
      u.displayName,
      roleLabel(ctx, u),
      u.disabledAt ? s.disabled : s.active,
    ]);
    members = html`<div class="section"><h2 class="kern-heading-medium" id="mitglieder">${s.members}</h2>
${rows.length > 0 ? dataTable('mitglieder-tabelle', s.members, s.memberHead, rows) : html`<p>${s.noMembers}</p>`}
<h3 class="kern-heading-small">${s.addMember}</h3>
${postForm(
  ctx,
  ctx.href('adminOrganisation', { slug }),
  undefined,
  html`${textField(ctx, { name: 'login', label: s.login, hint: s.loginHint, value: form.login, errors: form.errors, required: true, maxLength: 128, autocomplete: 'off' })}`,
  s.addSubmit,
)}
</div>`;
  }
  return {
    title: organisation.name,
    trail: adminTrail(ctx, [{ label: ctx.t.pageTitles.adminOrganisations, href: ctx.href('adminOrganisations') }]),
    ...(form.errors.length > 0 ? { status: 422 as const, errors: form.errors.length } : {}),
    main: html`<h1 class="kern-heading-large">${organisation.name}</h1>
${errorSummary(ctx, form.errors)}
${notice}
<section aria-labelledby="angaben"><h2 class="kern-heading-medium" id="angaben">${s.facts}</h2>
${facts([
  [s.slug, slug],
  [s.contact, organisation.contact ? contactLink(organisation.contact) : '–'],
  [s.manage, manageLinks(ctx, slug)],
])}
</section>
${members}`,
  };
}

export async function adminOrganisationPage(c: Context<AppEnv>, ctx: PageContext): Promise<PageContent> {
  const { organisation } = await organisationAccess(c, ctx);
  return organisationContent(c, ctx, organisation, { login: '', errors: [] }, doneNotice(c, ctx, doneMessages));
}

export async function adminOrganisationAction(c: Context<AppEnv>, ctx: PageContext): Promise<PageContent | Response> {
  const principal = admin(ctx);
  const s = text[ctx.lang];
  const slug = c.req.param('slug') ?? '';
  const organisation = await requireOrganisation(c.var.deps.catalogue.db, slug);
  const login = (await formFields(c)).login ?? '';
  const refuse = (message: string) =>
    organisationContent(c, ctx, organisation, { login, errors: [{ field: 'login', message }] }, html``);
  if (login === '') return refuse(s.errors.login);
  try {
    await addMember(c.var.deps.catalogue, actorOf(principal), slug, login);
  } catch (error) {
    if (isSgciError(error, 'NOT_FOUND') || isSgciError(error, 'USAGE')) return refuse(s.errors.loginUnknown);
    throw error;
  }
  return doneRedirect(c, ctx, 'adminOrganisation', { slug }, 'member');
}
