/**
 * The pieces every page is built from, in KERN's markup: badges, alerts, form fields with their hints and errors,
 * the error summary, tables in a scroll region, commands to copy. Class names are written out in full (never
 * assembled) so the stylesheet trim (assets/trim-css.ts) finds them.
 */
import type { SubmissionStatus } from '../../catalogue/index.ts';
import { textIn } from '../../report/index.ts';
import { csrfField } from '../auth/index.ts';
import type { PageContext } from './context.ts';
import { flag, type Html, html, type Interpolation } from './html.ts';
import type { Lang } from './i18n.ts';

export type Tone = 'success' | 'danger' | 'warning' | 'info';

/**
 * Text that exists in English only (an advisory's summary, a message of the catalogue's API), marked as English on
 * a German page, so that a screen reader speaks it as English (WCAG 2.1, 3.1.2 Language of Parts).
 */
export function englishText(lang: Lang, text: string): Html {
  return lang === 'en' ? html`${text}` : html`<span lang="en">${text}</span>`;
}

/**
 * The German text on a German page where there is one, else the English one, marked as such (`englishText`);
 * undefined where the chosen text is missing or empty. The choice is the reports' (`textIn`).
 */
export function localizedText(
  lang: Lang,
  german: string | null | undefined,
  english: string | null | undefined,
): Html | undefined {
  const chosen = textIn(lang, german, english);
  if (!chosen?.text) return undefined;
  return chosen.lang === 'en' ? englishText(lang, chosen.text) : html`${chosen.text}`;
}

/** A vulnerability as a table cell: its id, its other names and the advisory's summary (English). */
export function vulnerabilityCell(
  lang: Lang,
  vulnerability: { id: string; aliases: readonly string[]; summary?: string | undefined },
): Html {
  const aliases = vulnerability.aliases.filter((a) => a !== vulnerability.id);
  const summary = vulnerability.summary;
  return html`<strong>${vulnerability.id}</strong>${aliases.length ? html`<br><span class="meta">${aliases.join(', ')}</span>` : ''}${summary ? html`<br>${englishText(lang, summary)}` : ''}`;
}

const badgeClass: Readonly<Record<Tone, string>> = {
  success: 'kern-badge kern-badge--success',
  danger: 'kern-badge kern-badge--danger',
  warning: 'kern-badge kern-badge--warning',
  info: 'kern-badge kern-badge--info',
};

const iconClass: Readonly<Record<Tone, string>> = {
  success: 'kern-icon kern-icon--success',
  danger: 'kern-icon kern-icon--danger',
  warning: 'kern-icon kern-icon--warning',
  info: 'kern-icon kern-icon--info',
};

const alertClass: Readonly<Record<Tone, string>> = {
  success: 'kern-alert kern-alert--success',
  danger: 'kern-alert kern-alert--danger',
  warning: 'kern-alert kern-alert--warning',
  info: 'kern-alert kern-alert--info',
};

/** A status in words with its colour and icon: the words carry the meaning, colour only repeats it. */
export function badge(tone: Tone, label: string): Html {
  return html`<span class="${badgeClass[tone]}"><span class="${iconClass[tone]}" aria-hidden="true"></span><span class="kern-label">${label}</span></span>`;
}

const statusTone: Readonly<Record<SubmissionStatus, Tone>> = {
  submitted: 'info',
  scanning: 'info',
  'checks-failed': 'danger',
  'awaiting-review': 'info',
  admitted: 'success',
  rejected: 'danger',
  'changes-requested': 'warning',
  withdrawn: 'warning',
  'at-risk': 'warning',
  suspended: 'danger',
};

export function statusBadge(ctx: PageContext, status: SubmissionStatus): Html {
  return badge(statusTone[status], ctx.t.status[status]);
}

/**
 * A message box. `role` is `alert` for what the reader must act on now (an error after sending a form), `status`
 * for a confirmation; none for a standing notice.
 */
export function alert(
  tone: Tone,
  title: string,
  body: Interpolation,
  options: { role?: 'alert' | 'status'; id?: string; headingLevel?: 2 | 3 } = {},
): Html {
  const heading =
    options.headingLevel === 3
      ? html`<h3 class="kern-title">${title}</h3>`
      : html`<h2 class="kern-title">${title}</h2>`;
  return html`<div class="${alertClass[tone]}"${options.role ? html` role="${options.role}"` : ''}${options.id ? html` id="${options.id}" tabindex="-1"` : ''}>
<div class="kern-alert__header"><span class="${iconClass[tone]}" aria-hidden="true"></span>${heading}</div>
${body === '' || body === undefined ? '' : html`<div class="kern-alert__body">${body}</div>`}
</div>`;
}

/** An invalid field of a form: the field's id and what is wrong, in the page's language. */
export interface FieldError {
  readonly field: string;
  readonly message: string;
}

/**
 * The list of a form's errors at its top, each linking to its field; the page's title starts with "Fehler" too
 * (`PageContent.errors`), so the reader hears it first.
 */
export function errorSummary(ctx: PageContext, errors: readonly FieldError[]): Html {
  if (errors.length === 0) return html``;
  return alert(
    'danger',
    ctx.t.errorSummary,
    html`<ul class="kern-list">${errors.map((e) => html`<li><a href="#${e.field}">${e.message}</a></li>`)}</ul>`,
    { role: 'alert', id: 'fehler' },
  );
}

function errorOf(errors: readonly FieldError[] | undefined, field: string): string | undefined {
  return errors?.find((e) => e.field === field)?.message;
}

export interface FieldOptions {
  /** The control's id and name. */
  readonly name: string;
  readonly label: string;
  readonly value?: string | undefined;
  readonly hint?: string;
  readonly errors?: readonly FieldError[];
  readonly required?: boolean;
  /** Shows "optional" beside the label. */
  readonly optional?: boolean;
  readonly autocomplete?: string;
}

/** Label, hint and error of a control, and the `aria-describedby` that ties them to it. */
function fieldParts(ctx: PageContext, o: FieldOptions) {
  const error = errorOf(o.errors, o.name);
  const described = [o.hint ? `${o.name}-hint` : '', error ? `${o.name}-error` : ''].filter(Boolean).join(' ');
  const label = html`<label class="kern-label" for="${o.name}">${o.label}${o.optional ? html` <span class="kern-label__optional">– ${ctx.t.optional}</span>` : ''}</label>`;
  const hint = o.hint ? html`<div class="kern-hint" id="${o.name}-hint">${o.hint}</div>` : '';
  const message = error
    ? html`<p class="kern-error" id="${o.name}-error"><span class="kern-icon kern-icon--danger" aria-hidden="true"></span><span class="kern-body">${error}</span></p>`
    : '';
  const aria = html`${described ? html` aria-describedby="${described}"` : ''}${error ? html` aria-invalid="true"` : ''}${flag(o.required === true, 'required')}`;
  return { error, label, hint, message, aria };
}

export function textField(
  ctx: PageContext,
  o: FieldOptions & {
    readonly type?: 'text' | 'search' | 'email' | 'password' | 'url' | 'date';
    readonly maxLength?: number;
  },
): Html {
  const p = fieldParts(ctx, o);
  return html`<div class="${p.error ? 'kern-form-input kern-form-input--error' : 'kern-form-input'}">
${p.label}${p.hint}
<input class="${p.error ? 'kern-form-input__input kern-form-input__input--error' : 'kern-form-input__input'}" id="${o.name}" name="${o.name}" type="${o.type ?? 'text'}" value="${o.value ?? ''}"${o.autocomplete ? html` autocomplete="${o.autocomplete}"` : ''}${o.maxLength ? html` maxlength="${o.maxLength}"` : ''}${p.aria}>
${p.message}
</div>`;
}

export function textArea(ctx: PageContext, o: FieldOptions & { readonly maxLength?: number }): Html {
  const p = fieldParts(ctx, o);
  return html`<div class="${p.error ? 'kern-form-input kern-form-input--error' : 'kern-form-input'}">
${p.label}${p.hint}
<textarea class="${p.error ? 'kern-form-input__input kern-form-input__input--error' : 'kern-form-input__input'}" id="${o.name}" name="${o.name}" rows="6"${o.maxLength ? html` maxlength="${o.maxLength}"` : ''}${p.aria}>${o.value ?? ''}</textarea>
${p.message}
</div>`;
}

export interface SelectOption {
  readonly value: string;
  readonly label: string;
}

export function selectField(ctx: PageContext, o: FieldOptions & { readonly options: readonly SelectOption[] }): Html {
  const p = fieldParts(ctx, o);
  return html`<div class="${p.error ? 'kern-form-input kern-form-input--error' : 'kern-form-input'}">
${p.label}${p.hint}
<div class="kern-form-input__select-wrapper"><select class="${p.error ? 'kern-form-input__select kern-form-input__select--error' : 'kern-form-input__select'}" id="${o.name}" name="${o.name}"${p.aria}>
${o.options.map((opt) => html`<option value="${opt.value}"${flag(opt.value === (o.value ?? ''), 'selected')}>${opt.label}</option>`)}
</select></div>
${p.message}
</div>`;
}

/**
 * A group of checkboxes under one legend, all named `o.name`; the first box carries the group's id, so the error
 * summary's link lands in the group.
 */
export function checkboxGroup(
  ctx: PageContext,
  o: Omit<FieldOptions, 'value' | 'autocomplete'> & {
    readonly options: readonly SelectOption[];
    readonly checked: readonly string[];
  },
): Html {
  const error = errorOf(o.errors, o.name);
  const described = [o.hint ? `${o.name}-hint` : '', error ? `${o.name}-error` : ''].filter(Boolean).join(' ');
  const boxes = o.options.map((opt, i) => {
    const id = i === 0 ? o.name : `${o.name}-${opt.value}`;
    return html`<div class="kern-form-check"><input class="${error ? 'kern-form-check__checkbox kern-form-check__checkbox--error' : 'kern-form-check__checkbox'}" id="${id}" name="${o.name}" type="checkbox" value="${opt.value}"${flag(o.checked.includes(opt.value), 'checked')}${error ? html` aria-invalid="true"` : ''}>
<label class="kern-label" for="${id}">${opt.label}</label></div>`;
  });
  return html`<fieldset class="${error ? 'kern-fieldset kern-fieldset--error' : 'kern-fieldset'}"${described ? html` aria-describedby="${described}"` : ''}>
<legend class="kern-label">${o.label}${o.optional ? html` <span class="kern-label__optional">– ${ctx.t.optional}</span>` : ''}</legend>
${o.hint ? html`<div class="kern-hint" id="${o.name}-hint">${o.hint}</div>` : ''}
${error ? html`<p class="kern-error" id="${o.name}-error"><span class="kern-icon kern-icon--danger" aria-hidden="true"></span><span class="kern-body">${error}</span></p>` : ''}
<div class="kern-fieldset__body">${boxes}</div>
</fieldset>`;
}

/** Files to upload (the form needs `enctype="multipart/form-data"`); a browser never fills one in again. */
export function fileField(
  ctx: PageContext,
  o: Omit<FieldOptions, 'value' | 'autocomplete'> & { readonly multiple?: boolean; readonly accept?: string },
): Html {
  const p = fieldParts(ctx, o);
  return html`<div class="${p.error ? 'kern-form-input kern-form-input--error' : 'kern-form-input'}">
${p.label}${p.hint}
<input class="${p.error ? 'kern-form-input__input kern-form-input__input--error' : 'kern-form-input__input'}" id="${o.name}" name="${o.name}" type="file"${o.accept ? html` accept="${o.accept}"` : ''}${flag(o.multiple === true, 'multiple')}${p.aria}>
${p.message}
</div>`;
}

/** The hidden field that carries the session's CSRF token; every POST form of a signed-in page needs it. */
export function csrfInput(ctx: PageContext): Html {
  return ctx.csrf ? html`<input type="hidden" name="${csrfField}" value="${ctx.csrf}">` : html``;
}

export function button(
  label: string,
  options: { variant?: 'primary' | 'secondary' | 'tertiary'; name?: string; value?: string } = {},
): Html {
  const variant =
    options.variant === 'secondary'
      ? 'kern-btn kern-btn--secondary'
      : options.variant === 'tertiary'
        ? 'kern-btn kern-btn--tertiary'
        : 'kern-btn kern-btn--primary';
  return html`<button type="submit" class="${variant}"${options.name ? html` name="${options.name}" value="${options.value ?? ''}"` : ''}><span class="kern-label">${label}</span></button>`;
}

/** A link that looks like a button (for actions that are navigations, such as "sign in with …"). */
export function buttonLink(href: string, label: string, variant: 'primary' | 'secondary' = 'secondary'): Html {
  return html`<a class="${variant === 'primary' ? 'kern-btn kern-btn--primary' : 'kern-btn kern-btn--secondary'}" href="${href}"><span class="kern-label">${label}</span></a>`;
}

/**
 * A data table in a region that scrolls sideways on a narrow screen (the page itself never does): focusable, so a
 * keyboard can scroll it, and named by the table's caption.
 */
export function dataTable(
  id: string,
  caption: string,
  head: readonly string[],
  rows: readonly (readonly Interpolation[])[],
  options: { numeric?: readonly number[] } = {},
): Html {
  const numeric = new Set(options.numeric ?? []);
  const cell = (i: number) => (numeric.has(i) ? 'kern-table__cell numeric' : 'kern-table__cell');
  return html`<div class="table-region" role="region" aria-labelledby="${id}-caption" tabindex="0">
<table class="kern-table" id="${id}">
<caption id="${id}-caption">${caption}</caption>
<thead class="kern-table__head"><tr class="kern-table__row">${head.map((h, i) => html`<th scope="col" class="${numeric.has(i) ? 'kern-table__header numeric' : 'kern-table__header'}">${h}</th>`)}</tr></thead>
<tbody class="kern-table__body">${rows.map((r) => html`<tr class="kern-table__row">${r.map((v, i) => html`<td class="${cell(i)}">${v}</td>`)}</tr>`)}</tbody>
</table>
</div>`;
}

/** Terms and their descriptions (facts about an image, a version). */
export function facts(items: readonly (readonly [string, Interpolation])[]): Html {
  return html`<dl class="kern-description-list">${items.map(
    ([key, value]) =>
      html`<div class="kern-description-list-item"><dt class="kern-description-list-item__key">${key}</dt><dd class="kern-description-list-item__value">${value}</dd></div>`,
  )}</dl>`;
}

/**
 * A command to copy: selectable text that works without script, and a copy button the enhancement script shows;
 * a copy is announced in the status region beside it.
 */
export function command(ctx: PageContext, id: string, label: string, text: string): Html {
  return html`<div class="command">
<p class="kern-label" id="${id}-label">${label}</p>
<pre aria-labelledby="${id}-label"><code id="${id}">${text}</code></pre>
<div><button type="button" class="kern-btn kern-btn--secondary" data-copy="${id}" data-status="${id}-status" data-copied="${ctx.t.copied}" hidden><span class="kern-icon kern-icon--content-copy" aria-hidden="true"></span><span class="kern-label">${ctx.t.copy}<span class="kern-sr-only">: ${label}</span></span></button>
<span class="kern-sr-only" role="status" id="${id}-status"></span></div>
</div>`;
}

/** A link to a URL from outside (an image's source): only http(s), anything else is shown as text. */
export function externalLink(url: string, label: string = url): Html {
  let parsed: URL | undefined;
  try {
    parsed = new URL(url);
  } catch {
    parsed = undefined;
  }
  if (!parsed || (parsed.protocol !== 'https:' && parsed.protocol !== 'http:')) return html`${label}`;
  return html`<a href="${parsed.href}" rel="noopener noreferrer">${label}</a>`;
}

/** Whether the text reads as one e-mail address (nothing that could break out of a `mailto:` link). */
export function isEmailAddress(text: string): boolean {
  return /^[^\s@<>"'?&]+@[^\s@<>"'?&]+\.[A-Za-z]{2,}$/.test(text);
}

/** A contact as given: a mail link when it is an address, text otherwise. */
export function contactLink(contact: string): Html {
  return isEmailAddress(contact) ? html`<a href="mailto:${contact}">${contact}</a>` : html`${contact}`;
}
