/**
 * HTML by hono's `html` tagged template: every interpolated string is escaped (`& < > " '`), so text from images,
 * advisories and users can never become markup. Markup comes only from other `html` templates. Node's type
 * stripping does not transform JSX, so the pages are templates rather than hono/jsx components.
 *
 * Never pass text anyone but this module's authors wrote to `raw()`: there is no reason to, and it would undo the
 * escaping.
 */
import { html as honoHtml } from 'hono/html';
import type { HtmlEscapedString } from 'hono/utils/html';

/** A fragment of markup produced by `html`. */
export type Html = HtmlEscapedString;

/** What a template may interpolate: text (escaped), numbers, markup, lists of these; nothing renders as nothing. */
export type Interpolation = string | number | boolean | null | undefined | Html | readonly Interpolation[];

/**
 * Markup from a template, synchronously. Objects other than markup are refused by the type: a JSON object with an
 * `isEscaped` key would otherwise pass as markup.
 */
export function html(strings: TemplateStringsArray, ...values: readonly Interpolation[]): Html {
  const result = honoHtml(strings, ...values);
  // every interpolation is synchronous, so the template is too; a Promise here is a programming error
  if (result instanceof Promise) throw new Error('html: asynchronous interpolation');
  return result;
}

/** Markup for an attribute that is present or absent (`required`, `hidden`, `selected` …). */
export function flag(on: boolean, name: string): Html {
  return on ? html` ${name}` : html``;
}
