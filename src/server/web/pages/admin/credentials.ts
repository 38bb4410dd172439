/**
 * An organisation's registry credentials, write-only as in the API (`PUT/DELETE …/{slug}/registry-credentials`):
 * set or replace the login for a registry, delete it. The page shows which registries have one and since when –
 * never a password, and not even the username it was sent with.
 */
import type { Context } from 'hono';
import {
  actorOf,
  deleteRegistryCredentials,
  listRegistryCredentials,
  normaliseRegistryHost,
  type Organisation,
  type RegistryCredentialsInfo,
  setRegistryCredentials,
} from '../../../../catalogue/index.ts';
import type { AppEnv } from '../../../router.ts';
import { alert, type FieldError, textField } from '../../components.ts';
import type { PageContext } from '../../context.ts';
import { type Html, html } from '../../html.ts';
import { formatDate } from '../../i18n.ts';
import type { PageContent } from '../../layout.ts';
import {
  byAction,
  doneNotice,
  doneRedirect,
  formFields,
  listPage,
  organisationAccess,
  organisationTrail,
  postForm,
  rowAction,
} from './common.ts';

const maxRegistry = 260;
const maxUsername = 256;
const maxPassword = 8192;

const text = {
  de: {
    title: (name: string) => `Registry-Zugangsdaten: ${name}`,
    intro:
      'Mit diesen Zugangsdaten zieht der Katalog die Images der Organisation aus privaten Registries. Das Passwort ' +
      'wird verschlüsselt gespeichert und nie wieder angezeigt, auch hier nicht: Zum Ändern senden Sie es neu.',
    list: 'Gespeicherte Zugangsdaten',
    none: 'Für keine Registry sind Zugangsdaten gespeichert.',
    head: ['Registry', 'Gesetzt am', 'Aktion'],
    delete: 'Löschen',
    set: 'Zugangsdaten setzen oder ersetzen',
    setIntro: 'Gibt es für die Registry schon Zugangsdaten, werden sie ersetzt.',
    registry: 'Registry',
    registryHint: 'HOST oder HOST:PORT, z. B. registry.example.de oder docker.io.',
    username: 'Benutzername',
    password: 'Passwort oder Zugriffstoken',
    submit: 'Speichern',
    noKey: 'Der Server kann keine Zugangsdaten speichern',
    noKeyBody:
      'Es ist kein Schlüssel für Zugangsdaten eingerichtet (SGCI_CREDENTIALS_KEY oder credentialsKeyFile). Bitte ' +
      'wenden Sie sich an den Betrieb.',
    done: { set: 'Die Zugangsdaten wurden gespeichert.', deleted: 'Die Zugangsdaten wurden gelöscht.' } as Record<
      string,
      string
    >,
    errors: {
      registry: 'Bitte geben Sie eine Registry als HOST oder HOST:PORT ein, z. B. registry.example.de.',
      username: `Bitte geben Sie einen Benutzernamen ein (höchstens ${maxUsername} Zeichen).`,
      password: `Bitte geben Sie das Passwort ein (höchstens ${maxPassword} Zeichen).`,
      noKey: 'Der Server hat keinen Schlüssel für Zugangsdaten und speichert deshalb kein Passwort.',
    },
  },
  en: {
    title: (name: string) => `Registry credentials: ${name}`,
    intro:
      "With these credentials the catalogue pulls the organisation's images from private registries. The password " +
      'is stored encrypted and never shown again, not here either: to change it, send it anew.',
    list: 'Stored credentials',
    none: 'No registry has credentials stored.',
    head: ['Registry', 'Set on', 'Action'],
    delete: 'Delete',
    set: 'Set or replace credentials',
    setIntro: 'Credentials already stored for the registry are replaced.',
    registry: 'Registry',
    registryHint: 'HOST or HOST:PORT, e.g. registry.example.de or docker.io.',
    username: 'Username',
    password: 'Password or access token',
    submit: 'Save',
    noKey: 'The server cannot store credentials',
    noKeyBody: 'No credentials key is set up (SGCI_CREDENTIALS_KEY or credentialsKeyFile). Please contact operations.',
    done: { set: 'The credentials were stored.', deleted: 'The credentials were deleted.' } as Record<string, string>,
    errors: {
      registry: 'Please enter a registry as HOST or HOST:PORT, e.g. registry.example.de.',
      username: `Please enter a username (at most ${maxUsername} characters).`,
      password: `Please enter the password (at most ${maxPassword} characters).`,
      noKey: 'The server has no credentials key and therefore stores no password.',
    },
  },
};

interface CredentialsForm {
  readonly values: { readonly registry: string; readonly username: string };
  readonly errors: readonly FieldError[];
}

function credentialsContent(
  c: Context<AppEnv>,
  ctx: PageContext,
  organisation: Organisation,
  stored: readonly RegistryCredentialsInfo[],
  form: CredentialsForm,
  notice: Html,
): PageContent {
  const s = text[ctx.lang];
  const slug = organisation.slug;
  const title = s.title(organisation.name);
  const rows = stored.map((r) => [
    html`<code>${r.registry}</code>`,
    formatDate(ctx.lang, r.updatedAt, true),
    rowAction(ctx, 'delete', s.delete, r.registry, { registry: r.registry }),
  ]);
  const keyless = c.var.deps.config.credentialsKey
    ? ''
    : alert('warning', s.noKey, html`<p>${s.noKeyBody}</p>`, { headingLevel: 3 });
  return listPage(ctx, {
    title,
    trail: organisationTrail(ctx, organisation),
    errors: form.errors,
    notice,
    intro: s.intro,
    list: { id: 'zugangsdaten', heading: s.list, head: s.head, rows, none: s.none },
    forms: html`<section class="section" aria-labelledby="zugangsdaten-setzen"><h2 class="kern-heading-medium" id="zugangsdaten-setzen">${s.set}</h2>
${keyless}
<p class="prose">${s.setIntro}</p>
${postForm(
  ctx,
  ctx.href('adminCredentials', { slug }),
  'set',
  html`${textField(ctx, { name: 'registry', label: s.registry, hint: s.registryHint, value: form.values.registry, errors: form.errors, required: true, maxLength: maxRegistry, autocomplete: 'off' })}
${textField(ctx, { name: 'username', label: s.username, value: form.values.username, errors: form.errors, required: true, maxLength: maxUsername, autocomplete: 'off' })}
${textField(ctx, { name: 'password', label: s.password, errors: form.errors, required: true, type: 'password', autocomplete: 'new-password' })}`,
  s.submit,
)}
</section>`,
  });
}

const emptyForm: CredentialsForm = { values: { registry: '', username: '' }, errors: [] };

export async function adminCredentialsPage(c: Context<AppEnv>, ctx: PageContext): Promise<PageContent> {
  const { organisation } = await organisationAccess(c, ctx);
  const stored = await listRegistryCredentials(c.var.deps.catalogue.db, organisation.slug);
  const notice = doneNotice(c, ctx, { de: text.de.done, en: text.en.done });
  return credentialsContent(c, ctx, organisation, stored, emptyForm, notice);
}

function credentialsErrors(
  s: (typeof text)['de'],
  values: CredentialsForm['values'],
  password: string,
  keyed: boolean,
): FieldError[] {
  const errors: FieldError[] = [];
  let host = true;
  try {
    normaliseRegistryHost(values.registry);
  } catch {
    host = false;
  }
  if (!host || values.registry.length > maxRegistry) errors.push({ field: 'registry', message: s.errors.registry });
  if (values.username === '' || values.username.length > maxUsername)
    errors.push({ field: 'username', message: s.errors.username });
  if (password === '' || password.length > maxPassword) errors.push({ field: 'password', message: s.errors.password });
  else if (!keyed) errors.push({ field: 'password', message: s.errors.noKey });
  return errors;
}

export async function adminCredentialsAction(c: Context<AppEnv>, ctx: PageContext): Promise<PageContent | Response> {
  const { principal, organisation } = await organisationAccess(c, ctx);
  const s = text[ctx.lang];
  const { catalogue, config } = c.var.deps;
  const slug = organisation.slug;
  const fields = await formFields(c, ['password']);
  return byAction<PageContent | Response>(fields, {
    delete: async () => {
      await deleteRegistryCredentials(catalogue, actorOf(principal), slug, fields.registry ?? '');
      return doneRedirect(c, ctx, 'adminCredentials', { slug }, 'deleted');
    },
    set: async () => {
      const values = { registry: fields.registry ?? '', username: fields.username ?? '' };
      const password = fields.password ?? '';
      const errors = credentialsErrors(s, values, password, config.credentialsKey !== undefined);
      if (errors.length > 0) {
        const stored = await listRegistryCredentials(catalogue.db, slug);
        return credentialsContent(c, ctx, organisation, stored, { values, errors }, html``);
      }
      await setRegistryCredentials(catalogue, actorOf(principal), config.credentialsKey, slug, {
        registry: values.registry,
        username: values.username,
        password,
      });
      return doneRedirect(c, ctx, 'adminCredentials', { slug }, 'set');
    },
  });
}
