/**
 * The accessibility statement (§ 12b BGG, BITV 2.0 and its model statement) with the feedback form that reaches
 * the operator, and the conciliation body (§ 16 BGG). The form posts to the same page; a message that is accepted
 * is stored (../feedback.ts) and the reader is sent back to the page with a confirmation (post/redirect/get).
 */
import type { Context } from 'hono';
import { clientAddress } from '../../auth/index.ts';
import type { AppEnv } from '../../router.ts';
import {
  alert,
  button,
  csrfInput,
  errorSummary,
  type FieldError,
  isEmailAddress,
  textArea,
  textField,
} from '../components.ts';
import type { PageContext } from '../context.ts';
import { type FeedbackLimiter, recordFeedback } from '../feedback.ts';
import { type Html, html } from '../html.ts';
import { formatDate } from '../i18n.ts';
import type { PageContent } from '../layout.ts';
import { operator } from '../operator.ts';

/** When the statement was last reviewed against the site. */
const statementDate = '2026-12-07';

const maxMessage = 5000;
const maxPage = 500;

const text = {
  de: {
    title: 'Erklärung zur Barrierefreiheit',
    intro:
      'Der Betreiber ist bemüht, die Website container.gov.de im Einklang mit § 12a Behindertengleichstellungsgesetz ' +
      '(BGG) und der Barrierefreie-Informationstechnik-Verordnung (BITV 2.0) barrierefrei zugänglich zu machen.',
    stateTitle: 'Stand der Vereinbarkeit mit den Anforderungen',
    state:
      'Diese Website ist wegen der unten genannten Ausnahmen teilweise mit den Anforderungen der BITV 2.0 ' +
      '(EN 301 549, WCAG 2.1 Stufe AA) vereinbar.',
    gapsTitle: 'Nicht barrierefreie Inhalte',
    gaps: [
      'Videos in Deutscher Gebärdensprache fehlen noch; die Seite „Gebärdensprache“ hält ihren Platz frei.',
      'Die Dokumente zum Herunterladen (Stücklisten, VEX-Aussagen, Berichte in JSON, XML und SARIF) sind ' +
        'maschinenlesbare Formate für Prüfwerkzeuge. Ihr Inhalt steht auf den Image-Seiten als Text.',
      'Beschreibungen von Schwachstellen und Angaben aus den Images (etwa Dateipfade) stammen von Dritten und sind ' +
        'meist englisch. Sie sind als englischer Text ausgezeichnet, wo die Sprache bekannt ist.',
    ],
    methodTitle: 'Erstellung dieser Erklärung',
    method: (date: string) =>
      `Die Erklärung beruht auf einer Selbstbewertung vom ${date}. Jede Seite wird bei jeder Änderung der Software ` +
      'automatisch in einem Browser geprüft: mit axe-core gegen die Kriterien der WCAG 2.1 in den Stufen A und AA, ' +
      'auf Bedienbarkeit allein mit der Tastatur, auf Darstellung bei 320 Pixel Breite ohne seitliches Scrollen und ' +
      'bei 200 % Textgröße. Eine Prüfung durch eine unabhängige Prüfstelle steht noch aus.',
    feedbackTitle: 'Barrieren melden: Feedback und Kontakt',
    feedbackIntro:
      'Ist Ihnen eine Barriere aufgefallen, oder brauchen Sie Informationen in einer anderen Form? Schreiben Sie uns ' +
      'über dieses Formular oder per E-Mail an',
    message: 'Ihre Nachricht',
    messageHint: 'Beschreiben Sie, was nicht funktioniert hat.',
    page: 'Betroffene Seite',
    pageHint: 'Adresse oder Name der Seite',
    email: 'E-Mail-Adresse für eine Antwort',
    emailHint: 'Ohne Adresse bleibt Ihre Nachricht anonym.',
    send: 'Rückmeldung senden',
    sent: 'Vielen Dank. Ihre Rückmeldung ist angekommen.',
    sentBody: 'Wir prüfen sie und antworten Ihnen, wenn Sie eine E-Mail-Adresse angegeben haben.',
    tooMany: 'Von Ihrem Anschluss kamen in der letzten Stunde schon mehrere Rückmeldungen.',
    tooManyBody: 'Bitte versuchen Sie es später noch einmal oder schreiben Sie eine E-Mail.',
    errors: {
      messageMissing: 'Bitte schreiben Sie eine Nachricht.',
      messageLong: `Die Nachricht darf höchstens ${maxMessage} Zeichen lang sein.`,
      pageLong: `Die Angabe zur Seite darf höchstens ${maxPage} Zeichen lang sein.`,
      email: 'Bitte geben Sie eine E-Mail-Adresse wie name@beispiel.de an, oder lassen Sie das Feld leer.',
    },
    conciliationTitle: 'Schlichtungsverfahren',
    conciliation:
      'Wenn auch nach Ihrer Rückmeldung an uns keine zufriedenstellende Lösung gefunden wurde, können Sie sich an die ' +
      'Schlichtungsstelle nach § 16 BGG wenden. Sie hat die Aufgabe, bei Konflikten zwischen Menschen mit ' +
      'Behinderungen und öffentlichen Stellen des Bundes eine außergerichtliche Streitbeilegung zu unterstützen. Das ' +
      'Schlichtungsverfahren ist kostenlos; Sie brauchen keinen Rechtsbeistand.',
    conciliationBody:
      'Schlichtungsstelle nach dem Behindertengleichstellungsgesetz bei dem Beauftragten der Bundesregierung für die ' +
      'Belange von Menschen mit Behinderungen',
  },
  en: {
    title: 'Accessibility statement',
    intro:
      'The operator strives to make the website container.gov.de accessible in accordance with section 12a of the ' +
      'German Disability Equality Act (BGG) and the Barrier-Free Information Technology Ordinance (BITV 2.0).',
    stateTitle: 'Compliance status',
    state:
      'This website is partially compliant with the requirements of BITV 2.0 (EN 301 549, WCAG 2.1 level AA), ' +
      'because of the exceptions listed below.',
    gapsTitle: 'Content that is not accessible',
    gaps: [
      'Videos in German Sign Language are still missing; the “Sign language” page keeps their place.',
      'The documents to download (bills of materials, VEX statements, reports in JSON, XML and SARIF) are ' +
        'machine-readable formats for tools. Their content is shown as text on the image pages.',
      'Descriptions of vulnerabilities and details from the images (such as file paths) come from third parties and ' +
        'are mostly in English. They are marked as English text where the language is known.',
    ],
    methodTitle: 'How this statement was prepared',
    method: (date: string) =>
      `The statement is based on a self-assessment of ${date}. Every page is checked automatically in a browser with ` +
      'every change of the software: with axe-core against the WCAG 2.1 criteria of levels A and AA, for operation ' +
      'with the keyboard alone, for display at 320 pixels width without horizontal scrolling and at 200 % text size. ' +
      'An audit by an independent body is still to come.',
    feedbackTitle: 'Report barriers: feedback and contact',
    feedbackIntro:
      'Have you noticed a barrier, or do you need information in another form? Write to us with this form or by ' +
      'e-mail to',
    message: 'Your message',
    messageHint: 'Describe what did not work.',
    page: 'Page concerned',
    pageHint: 'Address or name of the page',
    email: 'E-mail address for an answer',
    emailHint: 'Without an address your message stays anonymous.',
    send: 'Send feedback',
    sent: 'Thank you. Your feedback has arrived.',
    sentBody: 'We will look into it and answer you if you gave an e-mail address.',
    tooMany: 'Several messages have already come from your connection in the last hour.',
    tooManyBody: 'Please try again later or write an e-mail.',
    errors: {
      messageMissing: 'Please write a message.',
      messageLong: `The message may be at most ${maxMessage} characters long.`,
      pageLong: `The page may be at most ${maxPage} characters long.`,
      email: 'Please enter an e-mail address such as name@example.org, or leave the field empty.',
    },
    conciliationTitle: 'Conciliation procedure',
    conciliation:
      'If no satisfactory solution is found after your feedback to us, you can turn to the conciliation body under ' +
      'section 16 BGG. It supports out-of-court settlement of disputes between people with disabilities and public ' +
      'bodies of the Federation. The procedure is free of charge; you need no legal representation.',
    conciliationBody:
      'Conciliation body under the Disability Equality Act at the Federal Government Commissioner for Matters ' +
      'relating to Persons with Disabilities',
  },
};

interface FormState {
  readonly values: { readonly message: string; readonly page: string; readonly email: string };
  readonly errors: readonly FieldError[];
}

const emptyForm: FormState = { values: { message: '', page: '', email: '' }, errors: [] };

function statement(ctx: PageContext, form: FormState, notice: Html | ''): Html {
  const s = text[ctx.lang];
  return html`<h1 class="kern-heading-large">${s.title}</h1>
${errorSummary(ctx, form.errors)}
<div class="prose">
<p>${s.intro}</p>
<h2 class="kern-heading-medium">${s.stateTitle}</h2>
<p>${s.state}</p>
<h2 class="kern-heading-medium">${s.gapsTitle}</h2>
<ul class="kern-list kern-list--bullet">${s.gaps.map((g) => html`<li>${g}</li>`)}</ul>
<h2 class="kern-heading-medium">${s.methodTitle}</h2>
<p>${s.method(formatDate(ctx.lang, statementDate))}</p>
<h2 class="kern-heading-medium" id="rueckmeldung">${s.feedbackTitle}</h2>
${notice}
<p>${s.feedbackIntro} <a href="mailto:${operator.email}">${operator.email}</a>.</p>
</div>
<form class="form-stack" method="post" action="${ctx.href('accessibility')}" novalidate>
${csrfInput(ctx)}
${textArea(ctx, { name: 'message', label: s.message, hint: s.messageHint, value: form.values.message, errors: form.errors, required: true, maxLength: maxMessage })}
${textField(ctx, { name: 'page', label: s.page, hint: s.pageHint, value: form.values.page, errors: form.errors, optional: true, maxLength: maxPage })}
${textField(ctx, { name: 'email', label: s.email, hint: s.emailHint, value: form.values.email, errors: form.errors, optional: true, type: 'email', autocomplete: 'email' })}
<div>${button(s.send)}</div>
</form>
<div class="prose">
<h2 class="kern-heading-medium">${s.conciliationTitle}</h2>
<p>${s.conciliation}</p>
<address>${s.conciliationBody}<br>Mauerstraße 53<br>10117 Berlin<br>${ctx.lang === 'de' ? 'Telefon' : 'Phone'}: 030 18 527-2805<br>${ctx.lang === 'de' ? 'E-Mail' : 'E-mail'}: <a href="mailto:info@schlichtungsstelle-bgg.de">info@schlichtungsstelle-bgg.de</a><br><a href="https://www.schlichtungsstelle-bgg.de">www.schlichtungsstelle-bgg.de</a></address>
</div>`;
}

export async function accessibilityPage(c: Context<AppEnv>, ctx: PageContext): Promise<PageContent> {
  const s = text[ctx.lang];
  const sent = c.req.query('gesendet') === '1';
  return {
    title: s.title,
    main: statement(
      ctx,
      emptyForm,
      sent ? alert('success', s.sent, html`<p>${s.sentBody}</p>`, { role: 'status', headingLevel: 3 }) : '',
    ),
  };
}

function field(body: Record<string, unknown>, name: string): string {
  const value = body[name];
  return typeof value === 'string' ? value.trim() : '';
}

/** Checks the form: every error names its field. */
export function feedbackErrors(values: FormState['values'], lang: 'de' | 'en'): FieldError[] {
  const e = text[lang].errors;
  const errors: FieldError[] = [];
  if (values.message === '') errors.push({ field: 'message', message: e.messageMissing });
  else if (values.message.length > maxMessage) errors.push({ field: 'message', message: e.messageLong });
  if (values.page.length > maxPage) errors.push({ field: 'page', message: e.pageLong });
  if (values.email !== '' && (values.email.length > 254 || !isEmailAddress(values.email)))
    errors.push({ field: 'email', message: e.email });
  return errors;
}

export function accessibilityFeedback(limiter: FeedbackLimiter) {
  return async (c: Context<AppEnv>, ctx: PageContext): Promise<PageContent | Response> => {
    const s = text[ctx.lang];
    const body = await c.req.parseBody();
    const values = { message: field(body, 'message'), page: field(body, 'page'), email: field(body, 'email') };
    const errors = feedbackErrors(values, ctx.lang);
    if (errors.length > 0)
      return { title: s.title, errors: errors.length, status: 422, main: statement(ctx, { values, errors }, '') };
    if (!limiter.allow(clientAddress(c), ctx.now))
      return {
        title: s.title,
        status: 429,
        main: statement(
          ctx,
          { values, errors: [] },
          alert('warning', s.tooMany, html`<p>${s.tooManyBody}</p>`, { role: 'alert', headingLevel: 3 }),
        ),
      };
    await recordFeedback(c.var.deps.catalogue, ctx.principal, { ...values, lang: ctx.lang });
    return c.redirect(`${ctx.href('accessibility')}?gesendet=1#rueckmeldung`, 303);
  };
}
