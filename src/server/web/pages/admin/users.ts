/**
 * Users, for admins: the list, a form to create one (as `sgci admin user add`), and one user's page with the role,
 * disabling (as `sgci admin user disable`) and their API tokens (revoked as `sgci admin token revoke`). Every change
 * goes through the catalogue's functions, which write the audit events the console and the API write.
 */
import type { Context } from 'hono';
import {
  actorOf,
  changeUserRole,
  checkPasswordRules,
  createUser,
  disableUser,
  type GlobalRole,
  listApiTokens,
  listOrganisations,
  listUsers,
  normaliseLogin,
  type Organisation,
  requireUser,
  revokeApiToken,
  type UserSummary,
} from '../../../../catalogue/index.ts';
import { isSgciError } from '../../../../core/index.ts';
import { HttpProblem } from '../../../problem.ts';
import type { AppEnv } from '../../../router.ts';
import {
  badge,
  button,
  csrfInput,
  dataTable,
  errorSummary,
  type FieldError,
  facts,
  isEmailAddress,
  selectField,
  textField,
} from '../../components.ts';
import type { PageContext } from '../../context.ts';
import { type Html, html } from '../../html.ts';
import { formatDate } from '../../i18n.ts';
import type { PageContent } from '../../layout.ts';
import {
  admin,
  adminTrail,
  byAction,
  doneNotice,
  doneRedirect,
  formFields,
  listPage,
  postForm,
  rowAction,
} from './common.ts';

const maxName = 200;
const roles = ['contributor', 'reviewer', 'admin'] as const;
type RoleChoice = (typeof roles)[number];

const text = {
  de: {
    intro:
      'Konten des Katalogs. Mitwirkende reichen für ihre Organisationen ein; Prüfende entscheiden über ' +
      'Einreichungen; Admins verwalten Konten und Organisationen. Ein gesperrtes Konto meldet sich nicht mehr an, ' +
      'seine Sitzungen enden sofort und seine Tokens wirken nicht mehr.',
    list: 'Alle Benutzer',
    none: 'Es gibt noch keine Benutzer.',
    head: ['Anmeldename', 'Name', 'Rolle', 'Organisationen', 'Anmeldung', 'Status', 'Zuletzt angemeldet'],
    roles: { contributor: 'Mitwirkende:r', reviewer: 'Prüfende:r', admin: 'Admin' } as Record<RoleChoice, string>,
    signIn: (u: UserSummary) =>
      [u.password ? 'Passwort' : '', u.oidc ? 'OIDC' : ''].filter(Boolean).join(', ') || 'nur API-Tokens',
    active: 'aktiv',
    disabled: 'gesperrt',
    never: 'nie',
    create: 'Benutzer anlegen',
    login: 'Anmeldename',
    loginHint: 'Kleinbuchstaben, Ziffern und . _ @ -, beginnt mit Buchstabe oder Ziffer.',
    name: 'Angezeigter Name',
    nameHint: 'Leer: der Anmeldename.',
    email: 'E-Mail-Adresse',
    role: 'Rolle',
    organisation: 'Organisation',
    organisationHint: 'Mitwirkende brauchen eine Organisation; weitere fügen Sie auf der Seite der Organisation hinzu.',
    noOrganisation: 'keine',
    password: 'Passwort',
    passwordHint: 'Mindestens 12 Zeichen. Leer: Anmeldung nur über OIDC oder mit API-Tokens.',
    submit: 'Benutzer anlegen',
    facts: 'Angaben',
    created: 'Angelegt',
    lastSeen: 'Zuletzt angemeldet',
    changeRole: 'Rolle ändern',
    saveRole: 'Rolle speichern',
    disable: 'Konto sperren',
    disableText:
      'Das Konto kann sich danach nicht mehr anmelden, seine Sitzungen enden sofort, seine API-Tokens wirken nicht ' +
      'mehr. Eine Sperre lässt sich hier nicht aufheben.',
    disableButton: 'Konto sperren',
    tokens: 'API-Tokens dieses Benutzers',
    noTokens: 'Keine API-Tokens.',
    tokenHead: ['Präfix', 'Bezeichnung', 'Angelegt', 'Läuft ab', 'Zuletzt benutzt', 'Aktion'],
    revoked: 'widerrufen',
    revoke: 'Widerrufen',
    done: {
      created: 'Der Benutzer wurde angelegt.',
      role: 'Die Rolle wurde geändert.',
      disabled: 'Das Konto wurde gesperrt.',
      revoked: 'Das Token wurde widerrufen.',
    } as Record<string, string>,
    errors: {
      login: 'Bitte geben Sie einen Anmeldenamen aus Kleinbuchstaben, Ziffern und . _ @ - ein (höchstens 128 Zeichen).',
      loginTaken: 'Diesen Anmeldenamen gibt es schon.',
      nameLong: `Der Name darf höchstens ${maxName} Zeichen haben.`,
      email: 'Bitte geben Sie eine E-Mail-Adresse wie name@behoerde.de ein oder lassen Sie das Feld leer.',
      role: 'Bitte wählen Sie eine Rolle.',
      organisation: 'Mitwirkende brauchen eine Organisation: Bitte wählen Sie eine.',
      organisationUnknown: 'Bitte wählen Sie eine Organisation aus der Liste.',
      password: 'Das Passwort braucht mindestens 12 und höchstens 1024 Zeichen.',
      own: 'Ihre eigene Rolle können Sie nicht ändern und Ihr eigenes Konto nicht sperren: Das tut ein anderer Admin.',
    },
  },
  en: {
    intro:
      "The catalogue's accounts. Contributors submit for their organisations; reviewers decide on submissions; " +
      'admins manage accounts and organisations. A disabled account can no longer sign in, its sessions end at ' +
      'once and its tokens stop working.',
    list: 'All users',
    none: 'There are no users yet.',
    head: ['Login', 'Name', 'Role', 'Organisations', 'Sign-in', 'Status', 'Last signed in'],
    roles: { contributor: 'Contributor', reviewer: 'Reviewer', admin: 'Admin' } as Record<RoleChoice, string>,
    signIn: (u: UserSummary) =>
      [u.password ? 'password' : '', u.oidc ? 'OIDC' : ''].filter(Boolean).join(', ') || 'API tokens only',
    active: 'active',
    disabled: 'disabled',
    never: 'never',
    create: 'Create a user',
    login: 'Login',
    loginHint: 'Lower-case letters, digits and . _ @ -, starting with a letter or digit.',
    name: 'Display name',
    nameHint: 'Empty: the login.',
    email: 'E-mail address',
    role: 'Role',
    organisation: 'Organisation',
    organisationHint: "Contributors need an organisation; add more on the organisation's page.",
    noOrganisation: 'none',
    password: 'Password',
    passwordHint: 'At least 12 characters. Empty: sign-in through OIDC or with API tokens only.',
    submit: 'Create user',
    facts: 'Details',
    created: 'Created',
    lastSeen: 'Last signed in',
    changeRole: 'Change the role',
    saveRole: 'Save role',
    disable: 'Disable the account',
    disableText:
      'The account can then no longer sign in, its sessions end at once, its API tokens stop working. A disabled ' +
      'account cannot be enabled again here.',
    disableButton: 'Disable account',
    tokens: "This user's API tokens",
    noTokens: 'No API tokens.',
    tokenHead: ['Prefix', 'Label', 'Created', 'Expires', 'Last used', 'Action'],
    revoked: 'revoked',
    revoke: 'Revoke',
    done: {
      created: 'The user was created.',
      role: 'The role was changed.',
      disabled: 'The account was disabled.',
      revoked: 'The token was revoked.',
    } as Record<string, string>,
    errors: {
      login: 'Please enter a login of lower-case letters, digits and . _ @ - (at most 128 characters).',
      loginTaken: 'This login exists already.',
      nameLong: `The name may have at most ${maxName} characters.`,
      email: 'Please enter an e-mail address such as name@agency.de or leave the field empty.',
      role: 'Please choose a role.',
      organisation: 'Contributors need an organisation: please choose one.',
      organisationUnknown: 'Please choose an organisation from the list.',
      password: 'The password needs at least 12 and at most 1024 characters.',
      own: 'You cannot change your own role or disable your own account: another admin does that.',
    },
  },
};

type Text = (typeof text)['de'];

const doneMessages = { de: text.de.done, en: text.en.done };

function roleOf(role: GlobalRole | null): RoleChoice {
  return role ?? 'contributor';
}

function roleOptions(s: Text) {
  return roles.map((r) => ({ value: r, label: s.roles[r] }));
}

interface NewUserForm {
  readonly values: Readonly<Record<'login' | 'name' | 'email' | 'role' | 'organisation', string>>;
  readonly errors: readonly FieldError[];
}

const emptyForm: NewUserForm = {
  values: { login: '', name: '', email: '', role: 'contributor', organisation: '' },
  errors: [],
};

function usersContent(
  ctx: PageContext,
  users: readonly UserSummary[],
  organisations: readonly Organisation[],
  form: NewUserForm,
  notice: Html,
): PageContent {
  const s = text[ctx.lang];
  const title = ctx.t.pageTitles.adminUsers;
  const rows = users.map((u) => [
    html`<a href="${ctx.href('adminUser', { login: u.login })}">${u.login}</a>`,
    u.displayName,
    s.roles[roleOf(u.role)],
    u.organisations.join(', '),
    s.signIn(u),
    u.disabledAt ? badge('danger', s.disabled) : badge('success', s.active),
    u.lastSeenAt ? formatDate(ctx.lang, u.lastSeenAt, true) : s.never,
  ]);
  const v = form.values;
  return listPage(ctx, {
    title,
    trail: adminTrail(ctx),
    errors: form.errors,
    notice,
    intro: s.intro,
    list: { id: 'benutzer', heading: s.list, head: s.head, rows, none: s.none },
    forms: html`<section class="section" aria-labelledby="benutzer-anlegen"><h2 class="kern-heading-medium" id="benutzer-anlegen">${s.create}</h2>
${postForm(
  ctx,
  ctx.href('adminUsers'),
  undefined,
  html`${textField(ctx, { name: 'login', label: s.login, hint: s.loginHint, value: v.login, errors: form.errors, required: true, maxLength: 128, autocomplete: 'off' })}
${textField(ctx, { name: 'name', label: s.name, hint: s.nameHint, value: v.name, errors: form.errors, optional: true, maxLength: maxName, autocomplete: 'off' })}
${textField(ctx, { name: 'email', label: s.email, value: v.email, errors: form.errors, optional: true, type: 'email', autocomplete: 'off' })}
${selectField(ctx, { name: 'role', label: s.role, value: v.role, errors: form.errors, options: roleOptions(s) })}
${selectField(ctx, { name: 'organisation', label: s.organisation, hint: s.organisationHint, value: v.organisation, errors: form.errors, options: [{ value: '', label: s.noOrganisation }, ...organisations.map((o) => ({ value: o.slug, label: `${o.name} (${o.slug})` }))] })}
${textField(ctx, { name: 'password', label: s.password, hint: s.passwordHint, errors: form.errors, optional: true, type: 'password', autocomplete: 'new-password' })}`,
  s.submit,
)}
</section>`,
  });
}

export async function adminUsersPage(c: Context<AppEnv>, ctx: PageContext): Promise<PageContent> {
  admin(ctx);
  const { db } = c.var.deps.catalogue;
  const [users, organisations] = [await listUsers(db), await listOrganisations(db)];
  return usersContent(ctx, users, organisations, emptyForm, doneNotice(c, ctx, doneMessages));
}

function isRole(value: string): value is RoleChoice {
  return (roles as readonly string[]).includes(value);
}

function newUserErrors(s: Text, v: NewUserForm['values'], password: string, slugs: ReadonlySet<string>): FieldError[] {
  const errors: FieldError[] = [];
  try {
    normaliseLogin(v.login);
  } catch {
    errors.push({ field: 'login', message: s.errors.login });
  }
  if (v.name.length > maxName) errors.push({ field: 'name', message: s.errors.nameLong });
  if (v.email !== '' && (v.email.length > 254 || !isEmailAddress(v.email)))
    errors.push({ field: 'email', message: s.errors.email });
  if (!isRole(v.role)) errors.push({ field: 'role', message: s.errors.role });
  if (v.organisation !== '' && !slugs.has(v.organisation))
    errors.push({ field: 'organisation', message: s.errors.organisationUnknown });
  else if (v.role === 'contributor' && v.organisation === '')
    errors.push({ field: 'organisation', message: s.errors.organisation });
  if (password !== '') {
    try {
      checkPasswordRules(password);
    } catch {
      errors.push({ field: 'password', message: s.errors.password });
    }
  }
  return errors;
}

export async function adminUsersAction(c: Context<AppEnv>, ctx: PageContext): Promise<PageContent | Response> {
  const principal = admin(ctx);
  const s = text[ctx.lang];
  const { catalogue } = c.var.deps;
  const fields = await formFields(c, ['password']);
  const values = {
    login: fields.login ?? '',
    name: fields.name ?? '',
    email: fields.email ?? '',
    role: fields.role ?? '',
    organisation: fields.organisation ?? '',
  };
  const password = fields.password ?? '';
  const organisations = await listOrganisations(catalogue.db);
  const errors = newUserErrors(s, values, password, new Set(organisations.map((o) => o.slug)));
  const again = async (errors: FieldError[]) =>
    usersContent(ctx, await listUsers(catalogue.db), organisations, { values, errors }, html``);
  if (errors.length > 0) return again(errors);
  try {
    await createUser(catalogue, actorOf(principal), {
      login: values.login,
      role: values.role === 'contributor' ? null : (values.role as GlobalRole),
      organisations: values.organisation ? [values.organisation] : [],
      ...(values.name ? { displayName: values.name } : {}),
      ...(values.email ? { email: values.email } : {}),
      ...(password ? { password } : {}),
    });
  } catch (error) {
    if (isSgciError(error, 'CONFLICT')) return again([{ field: 'login', message: s.errors.loginTaken }]);
    throw error;
  }
  return doneRedirect(c, ctx, 'adminUsers', {}, 'created');
}

/** The user of the page's path, or the 404 page. */
async function userOf(c: Context<AppEnv>, login: string): Promise<UserSummary> {
  const [user] = await listUsers(c.var.deps.catalogue.db, { login });
  if (!user) throw new HttpProblem(404, 'not-found', `no user ${login}`);
  return user;
}

function userContent(
  ctx: PageContext,
  user: UserSummary,
  tokens: Awaited<ReturnType<typeof listApiTokens>>,
  errors: readonly FieldError[],
  notice: Html,
): PageContent {
  const s = text[ctx.lang];
  const date = (d: Date | null, none: string) => (d ? formatDate(ctx.lang, d, true) : none);
  const own = ctx.principal?.login === user.login;
  const action = ctx.href('adminUser', { login: user.login });
  const tokenRows = tokens.map((t) => [
    html`<code>${t.prefix}</code>`,
    t.label,
    date(t.createdAt, ''),
    date(t.expiresAt, s.never),
    date(t.lastUsedAt, s.never),
    t.revokedAt ? s.revoked : rowAction(ctx, 'revoke', s.revoke, t.prefix, { prefix: t.prefix }),
  ]);
  const roleForm = postForm(
    ctx,
    action,
    'role',
    html`${selectField(ctx, { name: 'role', label: s.role, value: roleOf(user.role), errors, options: roleOptions(s) })}`,
    s.saveRole,
  );
  const disableForm = user.disabledAt
    ? html``
    : html`<section class="section" aria-labelledby="sperren"><h2 class="kern-heading-medium" id="sperren">${s.disable}</h2>
<p class="prose">${s.disableText}</p>
<form method="post" action="${action}">${csrfInput(ctx)}<input type="hidden" name="action" value="disable">${button(s.disableButton, { variant: 'secondary' })}</form>
</section>`;
  return {
    title: user.login,
    trail: adminTrail(ctx, [{ label: ctx.t.pageTitles.adminUsers, href: ctx.href('adminUsers') }]),
    ...(errors.length > 0 ? { status: 422 as const, errors: errors.length } : {}),
    main: html`<h1 class="kern-heading-large">${user.login}</h1>
${errorSummary(ctx, errors)}
${notice}
<section aria-labelledby="angaben"><h2 class="kern-heading-medium" id="angaben">${s.facts}</h2>
${facts([
  [s.name, user.displayName],
  [s.email, user.email ?? '–'],
  [s.role, s.roles[roleOf(user.role)]],
  [s.organisation, user.organisations.join(', ') || s.noOrganisation],
  [s.head[4] ?? '', s.signIn(user)],
  [s.head[5] ?? '', user.disabledAt ? badge('danger', s.disabled) : badge('success', s.active)],
  [s.created, formatDate(ctx.lang, user.createdAt, true)],
  [s.lastSeen, date(user.lastSeenAt, s.never)],
])}
</section>
${own ? html`` : html`<section class="section" aria-labelledby="rolle"><h2 class="kern-heading-medium" id="rolle">${s.changeRole}</h2>${roleForm}</section>${disableForm}`}
<div class="section"><h2 class="kern-heading-medium" id="benutzer-tokens">${s.tokens}</h2>
${tokenRows.length > 0 ? dataTable('benutzer-tokens-tabelle', s.tokens, s.tokenHead, tokenRows) : html`<p>${s.noTokens}</p>`}
</div>`,
  };
}

async function userTokens(c: Context<AppEnv>, login: string) {
  const { db } = c.var.deps.catalogue;
  return listApiTokens(db, (await requireUser(db, login)).id);
}

export async function adminUserPage(c: Context<AppEnv>, ctx: PageContext): Promise<PageContent> {
  admin(ctx);
  const user = await userOf(c, c.req.param('login') ?? '');
  return userContent(ctx, user, await userTokens(c, user.login), [], doneNotice(c, ctx, doneMessages));
}

export async function adminUserAction(c: Context<AppEnv>, ctx: PageContext): Promise<PageContent | Response> {
  const principal = admin(ctx);
  const s = text[ctx.lang];
  const { catalogue } = c.var.deps;
  const user = await userOf(c, c.req.param('login') ?? '');
  const fields = await formFields(c);
  const params = { login: user.login };
  const refuse = async (field: string, message: string) =>
    userContent(ctx, user, await userTokens(c, user.login), [{ field, message }], html``);
  return byAction<PageContent | Response>(fields, {
    revoke: async () => {
      const tokens = await userTokens(c, user.login);
      // only this user's tokens from this page (a prefix of someone else's is not found, as for the API)
      if (!tokens.some((t) => t.prefix === fields.prefix))
        throw new HttpProblem(404, 'not-found', `${user.login} has no token ${fields.prefix ?? ''}`);
      await revokeApiToken(catalogue, actorOf(principal), fields.prefix ?? '');
      return doneRedirect(c, ctx, 'adminUser', params, 'revoked');
    },
    role: async () => {
      const role = fields.role ?? '';
      if (!isRole(role)) return refuse('role', s.errors.role);
      if (principal.login === user.login) return refuse('role', s.errors.own);
      await changeUserRole(catalogue, actorOf(principal), user.login, role === 'contributor' ? null : role);
      return doneRedirect(c, ctx, 'adminUser', params, 'role');
    },
    disable: async () => {
      if (principal.login === user.login) return refuse('role', s.errors.own);
      await disableUser(catalogue, actorOf(principal), user.login);
      return doneRedirect(c, ctx, 'adminUser', params, 'disabled');
    },
  });
}
