/**
 * API tokens: the signed-in person's own (prefix, label, dates, last use), a form to create one – shown once, on
 * the page the form leads to, and never again – and revoking. The same rules as `POST/GET/DELETE /api/v1/me/tokens`:
 * only a session creates tokens, never a token.
 */
import type { Context } from 'hono';
import {
  type ApiTokenInfo,
  actorOf,
  createApiToken,
  listApiTokens,
  revokeApiToken,
} from '../../../../catalogue/index.ts';
import { sessionCookie } from '../../../auth/index.ts';
import { HttpProblem } from '../../../problem.ts';
import type { AppEnv } from '../../../router.ts';
import { alert, badge, command, type FieldError, textField } from '../../components.ts';
import type { PageContext } from '../../context.ts';
import { type Html, html } from '../../html.ts';
import { formatDate } from '../../i18n.ts';
import type { PageContent } from '../../layout.ts';
import {
  adminTrail,
  byAction,
  doneNotice,
  doneRedirect,
  formFields,
  listPage,
  postForm,
  rowAction,
  signedIn,
} from './common.ts';
import { passToken, takeToken } from './token-flash.ts';

const maxLabel = 200;
const maxDays = 3650;

const text = {
  de: {
    intro:
      'Ein API-Token handelt in Ihrem Namen, mit Ihren Rollen und Mitgliedschaften, wie sie jeweils gerade sind. ' +
      'Senden Sie es als „Authorization: Bearer …“. Gespeichert wird nur ein Hash: Das Token selbst sehen Sie ' +
      'genau einmal, direkt nach dem Anlegen.',
    list: 'Ihre API-Tokens',
    none: 'Sie haben noch kein API-Token.',
    head: ['Präfix', 'Bezeichnung', 'Angelegt', 'Läuft ab', 'Zuletzt benutzt', 'Status', 'Aktion'],
    never: 'nie',
    notUsed: 'noch nicht',
    active: 'gültig',
    revoked: 'widerrufen',
    expired: 'abgelaufen',
    revoke: 'Widerrufen',
    create: 'Neues Token anlegen',
    label: 'Bezeichnung',
    labelHint: 'Wofür es ist, z. B. „CI der Fachanwendung“.',
    days: 'Gültig für Tage',
    daysHint: `Eine ganze Zahl von 1 bis ${maxDays}; leer: bis zum Widerruf.`,
    submit: 'Token anlegen',
    createdTitle: 'Token angelegt',
    createdBody:
      'Kopieren Sie das Token jetzt und bewahren Sie es sicher auf: Es wird nicht noch einmal angezeigt. Wer es ' +
      'kennt, handelt in Ihrem Namen.',
    tokenLabel: 'Ihr neues API-Token',
    done: { revoked: 'Das Token wurde widerrufen.' } as Record<string, string>,
    errors: {
      label: 'Bitte geben Sie eine Bezeichnung ein.',
      labelLong: `Die Bezeichnung darf höchstens ${maxLabel} Zeichen haben.`,
      days: `Bitte geben Sie eine ganze Zahl von 1 bis ${maxDays} ein oder lassen Sie das Feld leer.`,
      viaToken: 'Ein API-Token kann keine Tokens anlegen: Melden Sie sich an.',
    },
  },
  en: {
    intro:
      'An API token acts in your name, with your roles and memberships as they are at the time. Send it as ' +
      '“Authorization: Bearer …”. Only a hash is stored: you see the token itself exactly once, right after ' +
      'creating it.',
    list: 'Your API tokens',
    none: 'You have no API token yet.',
    head: ['Prefix', 'Label', 'Created', 'Expires', 'Last used', 'Status', 'Action'],
    never: 'never',
    notUsed: 'not yet',
    active: 'valid',
    revoked: 'revoked',
    expired: 'expired',
    revoke: 'Revoke',
    create: 'Create a new token',
    label: 'Label',
    labelHint: 'What it is for, e.g. “CI of the application”.',
    days: 'Valid for days',
    daysHint: `A whole number from 1 to ${maxDays}; empty: until revoked.`,
    submit: 'Create token',
    createdTitle: 'Token created',
    createdBody: 'Copy the token now and keep it safe: it will not be shown again. Whoever knows it acts in your name.',
    tokenLabel: 'Your new API token',
    done: { revoked: 'The token was revoked.' } as Record<string, string>,
    errors: {
      label: 'Please enter a label.',
      labelLong: `The label may have at most ${maxLabel} characters.`,
      days: `Please enter a whole number from 1 to ${maxDays} or leave the field empty.`,
      viaToken: 'An API token cannot create tokens: sign in.',
    },
  },
};

type Text = (typeof text)['de'];

interface TokenForm {
  readonly values: { readonly label: string; readonly days: string };
  readonly errors: readonly FieldError[];
}

function status(ctx: PageContext, s: Text, token: ApiTokenInfo): Html {
  if (token.revokedAt) return badge('danger', s.revoked);
  if (token.expiresAt && token.expiresAt.getTime() <= ctx.now.getTime()) return badge('warning', s.expired);
  return badge('success', s.active);
}

function tokensPage(ctx: PageContext, tokens: readonly ApiTokenInfo[], form: TokenForm, notice: Html): PageContent {
  const s = text[ctx.lang];
  const title = ctx.t.pageTitles.adminTokens;
  const date = (d: Date | null, none: string) => (d ? formatDate(ctx.lang, d, true) : none);
  const rows = tokens.map((t) => [
    html`<code>${t.prefix}</code>`,
    t.label,
    date(t.createdAt, ''),
    date(t.expiresAt, s.never),
    date(t.lastUsedAt, s.notUsed),
    status(ctx, s, t),
    t.revokedAt ? '' : rowAction(ctx, 'revoke', s.revoke, t.prefix, { prefix: t.prefix }),
  ]);
  return listPage(ctx, {
    title,
    trail: adminTrail(ctx),
    errors: form.errors,
    notice,
    intro: s.intro,
    list: { id: 'tokens', heading: s.list, head: s.head, rows, none: s.none },
    forms: html`<section class="section" aria-labelledby="token-anlegen"><h2 class="kern-heading-medium" id="token-anlegen">${s.create}</h2>
${postForm(
  ctx,
  ctx.href('adminTokens'),
  'create',
  html`${textField(ctx, { name: 'label', label: s.label, hint: s.labelHint, value: form.values.label, errors: form.errors, required: true, maxLength: maxLabel })}
${textField(ctx, { name: 'days', label: s.days, hint: s.daysHint, value: form.values.days, errors: form.errors, optional: true })}`,
  s.submit,
)}
</section>`,
  });
}

const emptyForm: TokenForm = { values: { label: '', days: '' }, errors: [] };

export async function adminTokensPage(c: Context<AppEnv>, ctx: PageContext): Promise<PageContent> {
  const principal = signedIn(ctx);
  const s = text[ctx.lang];
  const tokens = await listApiTokens(c.var.deps.catalogue.db, principal.userId);
  const session = sessionCookie(c);
  const passed = session ? takeToken(c, session, ctx.href('adminTokens')) : undefined;
  // only a live token of this user is shown: a cookie can carry nothing else onto the page
  const live = tokens.find((t) => !t.revokedAt && passed?.startsWith(`${t.prefix}_`));
  const notice =
    passed && live
      ? alert(
          'success',
          s.createdTitle,
          html`<p>${s.createdBody}</p>${command(ctx, 'neues-token', `${s.tokenLabel} (${live.label})`, passed)}`,
          { role: 'status' },
        )
      : doneNotice(c, ctx, { de: text.de.done, en: text.en.done });
  // the new token's copy button comes with the enhancement script
  return { ...tokensPage(ctx, tokens, emptyForm, notice), script: passed !== undefined && live !== undefined };
}

function tokenErrors(s: Text, values: TokenForm['values']): FieldError[] {
  const errors: FieldError[] = [];
  if (values.label === '') errors.push({ field: 'label', message: s.errors.label });
  else if (values.label.length > maxLabel) errors.push({ field: 'label', message: s.errors.labelLong });
  if (
    values.days !== '' &&
    !(/^\d{1,4}$/.test(values.days) && Number(values.days) >= 1 && Number(values.days) <= maxDays)
  )
    errors.push({ field: 'days', message: s.errors.days });
  return errors;
}

export async function adminTokensAction(c: Context<AppEnv>, ctx: PageContext): Promise<PageContent | Response> {
  const principal = signedIn(ctx);
  const s = text[ctx.lang];
  const { catalogue } = c.var.deps;
  const fields = await formFields(c);
  return byAction<PageContent | Response>(fields, {
    revoke: async () => {
      await revokeApiToken(catalogue, actorOf(principal), fields.prefix ?? '', principal.userId);
      return doneRedirect(c, ctx, 'adminTokens', {}, 'revoked');
    },
    create: async () => {
      const session = sessionCookie(c);
      // a token minting tokens would outlive its own expiry and revocation (as POST /api/v1/me/tokens refuses it)
      if (principal.via.kind === 'token' || !session) throw new HttpProblem(403, 'forbidden', s.errors.viaToken);
      const values = { label: fields.label ?? '', days: fields.days ?? '' };
      const errors = tokenErrors(s, values);
      if (errors.length > 0) {
        const tokens = await listApiTokens(catalogue.db, principal.userId);
        return tokensPage(ctx, tokens, { values, errors }, html``);
      }
      const created = await createApiToken(catalogue, actorOf(principal), {
        login: principal.login,
        label: values.label,
        ...(values.days ? { expiresInDays: Number(values.days) } : {}),
      });
      passToken(c, session, ctx.href('adminTokens'), created.token);
      return c.redirect(ctx.href('adminTokens'), 303);
    },
  });
}
