/**
 * An organisation's trusted public keys, with which its images' signatures and attestations are verified: the list,
 * adding one PEM (the whole set goes through `replaceOrganisationKeys`, as `PUT …/{slug}/keys` does), removing one
 * (as `DELETE …/{slug}/keys/{id}`). The catalogue's own rules decide what is a key: ECDSA P-256/384/521, RSA from
 * 2048 bits, Ed25519; a private key is refused.
 */
import type { Context } from 'hono';
import {
  actorOf,
  listOrganisationKeys,
  type Organisation,
  parseTrustedKey,
  removeOrganisationKey,
  replaceOrganisationKeys,
  type TrustedKeyInfo,
} from '../../../../catalogue/index.ts';
import { isSgciError } from '../../../../core/index.ts';
import type { AppEnv } from '../../../router.ts';
import { type FieldError, textArea, textField } from '../../components.ts';
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

const maxKeys = 20;
const maxLabel = 200;
const maxPem = 16 * 1024;

const text = {
  de: {
    title: (name: string) => `Vertrauenswürdige Schlüssel: ${name}`,
    intro:
      'Mit diesen öffentlichen Schlüsseln prüft der Katalog die Signaturen und Attestierungen der Images dieser ' +
      `Organisation. Erlaubt sind ECDSA P-256, P-384 und P-521, RSA ab 2048 Bit und Ed25519, höchstens ${maxKeys}. ` +
      'Die Liste ist öffentlich (GET /api/v1/organisations/{Kurzname}/keys).',
    list: 'Hinterlegte Schlüssel',
    none: 'Es ist noch kein Schlüssel hinterlegt.',
    head: ['Bezeichnung', 'Kennung', 'Verfahren', 'Hinzugefügt', 'Aktion'],
    remove: 'Entfernen',
    add: 'Schlüssel hinzufügen',
    label: 'Bezeichnung',
    labelHint: 'Wofür der Schlüssel steht, z. B. „Build-Pipeline 2027“.',
    pem: 'Öffentlicher Schlüssel (PEM)',
    pemHint: 'Der ganze Block von -----BEGIN PUBLIC KEY----- bis -----END PUBLIC KEY-----, etwa aus cosign.pub.',
    submit: 'Schlüssel hinzufügen',
    done: { added: 'Der Schlüssel wurde hinzugefügt.', removed: 'Der Schlüssel wurde entfernt.' } as Record<
      string,
      string
    >,
    errors: {
      labelLong: `Die Bezeichnung darf höchstens ${maxLabel} Zeichen haben.`,
      pem: 'Bitte fügen Sie einen öffentlichen Schlüssel im PEM-Format ein.',
      private:
        'Das ist ein privater Schlüssel. Senden Sie nur den öffentlichen Schlüssel – und ersetzen Sie diesen, er ' +
        'gilt jetzt als bekannt.',
      block: 'Bitte fügen Sie genau einen Block -----BEGIN PUBLIC KEY----- … -----END PUBLIC KEY----- ein.',
      large: `Der Schlüssel ist größer als ${maxPem / 1024} KiB.`,
      unsupported:
        'Dieser Schlüssel wird nicht unterstützt: erlaubt sind ECDSA P-256, P-384 und P-521, RSA ab 2048 Bit und Ed25519.',
      unreadable: 'Der Schlüssel ist nicht lesbar. Bitte prüfen Sie, ob er vollständig eingefügt ist.',
      known: 'Dieser Schlüssel ist schon hinterlegt.',
      full: `Es sind schon ${maxKeys} Schlüssel hinterlegt. Entfernen Sie zuerst einen.`,
    },
  },
  en: {
    title: (name: string) => `Trusted keys: ${name}`,
    intro:
      "With these public keys the catalogue verifies the signatures and attestations of this organisation's " +
      `images. Allowed are ECDSA P-256, P-384 and P-521, RSA from 2048 bits and Ed25519, at most ${maxKeys}. ` +
      'The list is public (GET /api/v1/organisations/{short name}/keys).',
    list: 'Stored keys',
    none: 'No key is stored yet.',
    head: ['Label', 'Id', 'Algorithm', 'Added', 'Action'],
    remove: 'Remove',
    add: 'Add a key',
    label: 'Label',
    labelHint: 'What the key stands for, e.g. “build pipeline 2027”.',
    pem: 'Public key (PEM)',
    pemHint: 'The whole block from -----BEGIN PUBLIC KEY----- to -----END PUBLIC KEY-----, e.g. from cosign.pub.',
    submit: 'Add key',
    done: { added: 'The key was added.', removed: 'The key was removed.' } as Record<string, string>,
    errors: {
      labelLong: `The label may have at most ${maxLabel} characters.`,
      pem: 'Please paste a public key in PEM format.',
      private: 'This is a private key. Send only the public key – and replace this one, it must now count as known.',
      block: 'Please paste exactly one block -----BEGIN PUBLIC KEY----- … -----END PUBLIC KEY-----.',
      large: `The key is larger than ${maxPem / 1024} KiB.`,
      unsupported:
        'This key is not supported: allowed are ECDSA P-256, P-384 and P-521, RSA from 2048 bits and Ed25519.',
      unreadable: 'The key cannot be read. Please check that it was pasted completely.',
      known: 'This key is stored already.',
      full: `${maxKeys} keys are stored already. Remove one first.`,
    },
  },
};

type Text = (typeof text)['de'];

interface KeyForm {
  readonly values: { readonly label: string; readonly pem: string };
  readonly errors: readonly FieldError[];
}

function keysContent(
  ctx: PageContext,
  organisation: Organisation,
  keys: readonly TrustedKeyInfo[],
  form: KeyForm,
  notice: Html,
): PageContent {
  const s = text[ctx.lang];
  const slug = organisation.slug;
  const title = s.title(organisation.name);
  const rows = keys.map((k) => [
    k.label,
    html`<code>${k.id}</code>`,
    k.algorithm,
    formatDate(ctx.lang, k.addedAt, true),
    rowAction(ctx, 'remove', s.remove, k.label || k.id, { id: k.id }),
  ]);
  return listPage(ctx, {
    title,
    trail: organisationTrail(ctx, organisation),
    errors: form.errors,
    notice,
    intro: s.intro,
    list: { id: 'schluessel', heading: s.list, head: s.head, rows, none: s.none },
    forms: html`<section class="section" aria-labelledby="schluessel-hinzufuegen"><h2 class="kern-heading-medium" id="schluessel-hinzufuegen">${s.add}</h2>
${postForm(
  ctx,
  ctx.href('adminKeys', { slug }),
  'add',
  html`${textField(ctx, { name: 'label', label: s.label, hint: s.labelHint, value: form.values.label, errors: form.errors, optional: true, maxLength: maxLabel, autocomplete: 'off' })}
${textArea(ctx, { name: 'pem', label: s.pem, hint: s.pemHint, value: form.values.pem, errors: form.errors, required: true, maxLength: maxPem })}`,
  s.submit,
)}
</section>`,
  });
}

export async function adminKeysPage(c: Context<AppEnv>, ctx: PageContext): Promise<PageContent> {
  const { organisation } = await organisationAccess(c, ctx);
  const keys = await listOrganisationKeys(c.var.deps.catalogue.db, organisation.slug);
  const notice = doneNotice(c, ctx, { de: text.de.done, en: text.en.done });
  return keysContent(ctx, organisation, keys, { values: { label: '', pem: '' }, errors: [] }, notice);
}

/** What the catalogue's key rules say about the PEM, in the page's words; undefined when it is a key to trust. */
function pemError(s: Text, pem: string, label: string, keys: readonly TrustedKeyInfo[]): string | undefined {
  if (pem.trim() === '') return s.errors.pem;
  let id: string;
  try {
    id = parseTrustedKey(pem, label).id;
  } catch (error) {
    if (!isSgciError(error, 'KEY_INVALID')) throw error;
    const reason = error.message;
    if (/private key/.test(reason)) return s.errors.private;
    if (/larger than/.test(reason)) return s.errors.large;
    if (/exactly one/.test(reason)) return s.errors.block;
    if (/unreadable/.test(reason)) return s.errors.unreadable;
    return s.errors.unsupported;
  }
  if (keys.some((k) => k.id === id)) return s.errors.known;
  if (keys.length >= maxKeys) return s.errors.full;
  return undefined;
}

export async function adminKeysAction(c: Context<AppEnv>, ctx: PageContext): Promise<PageContent | Response> {
  const { principal, organisation } = await organisationAccess(c, ctx);
  const s = text[ctx.lang];
  const { catalogue } = c.var.deps;
  const slug = organisation.slug;
  const fields = await formFields(c, ['pem']);
  return byAction<PageContent | Response>(fields, {
    remove: async () => {
      await removeOrganisationKey(catalogue, actorOf(principal), slug, fields.id ?? '');
      return doneRedirect(c, ctx, 'adminKeys', { slug }, 'removed');
    },
    add: async () => {
      const values = { label: fields.label ?? '', pem: fields.pem ?? '' };
      const keys = await listOrganisationKeys(catalogue.db, slug);
      const errors: FieldError[] = [];
      if (values.label.length > maxLabel) errors.push({ field: 'label', message: s.errors.labelLong });
      const invalid = pemError(s, values.pem, values.label, keys);
      if (invalid) errors.push({ field: 'pem', message: invalid });
      // a private key that was sent is not sent back into the page
      const shown = invalid === s.errors.private ? { ...values, pem: '' } : values;
      if (errors.length > 0) return keysContent(ctx, organisation, keys, { values: shown, errors }, html``);
      const kept = keys.map((k) => ({ pem: k.pem, label: k.label }));
      await replaceOrganisationKeys(catalogue, actorOf(principal), slug, [
        ...kept,
        { pem: values.pem, label: values.label },
      ]);
      return doneRedirect(c, ctx, 'adminKeys', { slug }, 'added');
    },
  });
}
