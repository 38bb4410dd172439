/**
 * Impressum (§ 5 DDG, § 18 MStV) and privacy notice (Art. 13 GDPR, § 25 TDDDG). What the site stores is described
 * as the code does it: no cookie before sign-in, one session cookie after it, failed sign-ins counted for 15
 * minutes, no IP address in the request log, nothing loaded from another origin.
 */

import { facts } from '../components.ts';
import type { PageContext } from '../context.ts';
import { type Html, html } from '../html.ts';
import type { Bilingual } from '../i18n.ts';
import type { PageContent } from '../layout.ts';
import type { Operator } from '../operator.ts';

const missing: Bilingual<string> = {
  de: 'noch nicht eingetragen – der Betreiber ergänzt diese Angabe vor dem Start des Betriebs',
  en: 'not entered yet – the operator adds this before the site goes live',
};

function orMissing(ctx: PageContext, value: string | readonly string[] | undefined): Html | string {
  if (value === undefined) return html`<em>${missing[ctx.lang]}</em>`;
  return typeof value === 'string' ? value : html`${value.map((line, i) => html`${i ? html`<br>` : ''}${line}`)}`;
}

export async function imprintPage(ctx: PageContext, operator: Operator): Promise<PageContent> {
  const de = ctx.lang === 'de';
  const title = de ? 'Impressum' : 'Imprint';
  return {
    title,
    main: html`<h1 class="kern-heading-large">${title}</h1>
<div class="prose">
<p>${de ? 'Angaben nach § 5 Digitale-Dienste-Gesetz (DDG) und § 18 Abs. 2 Medienstaatsvertrag (MStV).' : 'Information under section 5 of the German Digital Services Act (DDG) and section 18 (2) of the Interstate Media Treaty (MStV).'}</p>
<h2 class="kern-heading-medium">${de ? 'Anbieter' : 'Provider'}</h2>
${facts([
  [de ? 'Name' : 'Name', operator.name],
  [de ? 'Anschrift' : 'Postal address', orMissing(ctx, operator.postalAddress)],
  [de ? 'Vertreten durch' : 'Represented by', orMissing(ctx, operator.representedBy)],
  [de ? 'Registereintrag' : 'Register entry', orMissing(ctx, operator.register)],
  [de ? 'Umsatzsteuer-Identifikationsnummer' : 'VAT identification number', orMissing(ctx, operator.vatId)],
  [de ? 'E-Mail' : 'E-mail', html`<a href="mailto:${operator.email}">${operator.email}</a>`],
])}
<h2 class="kern-heading-medium">${de ? 'Verantwortlich für den Inhalt' : 'Responsible for the content'}</h2>
<p>${orMissing(ctx, operator.representedBy)}</p>
<h2 class="kern-heading-medium">${de ? 'Inhalte des Katalogs' : 'Content of the catalogue'}</h2>
<p>${de ? 'Die Container-Images im Katalog stellen die einreichenden Organisationen bereit; jede Image-Seite nennt die Organisation, die Quelle und einen Kontakt. Prüfergebnisse, Stücklisten und Schwachstellenbewertungen erstellt der Katalog selbst.' : 'The container images in the catalogue are provided by the organisations that submit them; every image page names the organisation, the source and a contact. Check results, bills of materials and vulnerability assessments are made by the catalogue itself.'}</p>
<h2 class="kern-heading-medium">${de ? 'Software und Gestaltung' : 'Software and design'}</h2>
<p>${de ? 'Die Website läuft auf sgci, freier Software unter der EUPL-1.2. Die Gestaltung folgt dem KERN-Designsystem (EUPL-1.2); die Schrift Fira Sans steht unter der SIL Open Font License. Alle Dateien kommen von dieser Website selbst.' : 'The site runs on sgci, free software under the EUPL-1.2. Its design follows the KERN design system (EUPL-1.2); the Fira Sans typeface is under the SIL Open Font License. Every file comes from this site itself.'}</p>
</div>`,
  };
}

/** The session's bounds as configured (`auth.sessionIdleMinutes`, `auth.sessionMaxHours`). */
export interface SessionBounds {
  readonly idleMinutes: number;
  readonly maxHours: number;
}

export async function privacyPage(ctx: PageContext, session: SessionBounds, operator: Operator): Promise<PageContent> {
  const de = ctx.lang === 'de';
  const title = de ? 'Datenschutzerklärung' : 'Privacy notice';
  const section = (heading: string, body: Html) => html`<h2 class="kern-heading-medium">${heading}</h2>${body}`;
  return {
    title,
    main: html`<h1 class="kern-heading-large">${title}</h1>
<div class="prose">
${section(
  de ? 'Verantwortlich' : 'Controller',
  html`<p>${operator.name}<br><a href="mailto:${operator.email}">${operator.email}</a></p>
<p>${de ? 'Datenschutzbeauftragte Person' : 'Data protection officer'}: ${orMissing(ctx, operator.dataProtectionOfficer)}</p>`,
)}
${section(
  de ? 'Das Wichtigste in Kürze' : 'In short',
  html`<ul class="kern-list kern-list--bullet">
<li>${de ? 'Wer die Seiten nur liest, bekommt kein Cookie, und es wird kein Nutzungsprofil gebildet.' : 'Reading the pages sets no cookie, and no usage profile is built.'}</li>
<li>${de ? 'Schriften, Gestaltung und Skripte kommen von dieser Website selbst; Ihr Browser nimmt beim Lesen keine Verbindung zu Dritten auf.' : 'Fonts, styles and scripts come from this site itself; reading it makes your browser contact no third party.'}</li>
<li>${de ? 'Es gibt kein Tracking, keine Statistikdienste und keine eingebundenen Inhalte anderer Anbieter.' : 'There is no tracking, no analytics service and no embedded content of other providers.'}</li>
</ul>`,
)}
${section(
  de ? 'Beim Aufruf der Seiten' : 'When you open a page',
  html`<p>${de ? 'Der Server schreibt zu jeder Anfrage eine Protokollzeile: Zeitpunkt, Methode, Pfad, Statuscode, Dauer und eine zufällige Anfrage-Kennung. Ihre IP-Adresse steht nicht darin. Das Protokoll dient dem sicheren Betrieb und der Fehlersuche (Art. 6 Abs. 1 lit. e DSGVO).' : 'The server writes one log line per request: time, method, path, status code, duration and a random request id. Your IP address is not in it. The log serves secure operation and troubleshooting (Art. 6 (1) (e) GDPR).'}</p>`,
)}
${section(
  de ? 'Bei der Anmeldung' : 'When you sign in',
  html`<p>${de ? 'Anmelden müssen sich nur Mitwirkende, Prüfende und die Verwaltung des Katalogs. Erst nach der Anmeldung setzt die Website ein einziges, technisch notwendiges Cookie (§ 25 Abs. 2 Nr. 2 TDDDG):' : 'Only contributors, reviewers and the catalogue’s administrators sign in. Only after signing in does the site set a single, technically necessary cookie (section 25 (2) no. 2 TDDDG):'}</p>
<ul class="kern-list kern-list--bullet">
<li><code>sgci_session</code>: ${de ? `die Sitzung; ohne Ablaufdatum (es endet mit dem Browser), für Skripte unlesbar (HttpOnly) und nur bei Anfragen dieser Website gesendet (SameSite=Strict). Der Server beendet die Sitzung nach ${session.idleMinutes} Minuten ohne Aktivität und spätestens nach ${session.maxHours} Stunden oder beim Abmelden.` : `the session; without an expiry date (it ends with the browser), unreadable to scripts (HttpOnly) and sent only with this site’s own requests (SameSite=Strict). The server ends the session after ${session.idleMinutes} minutes without activity and after ${session.maxHours} hours at the latest, or when you sign out.`}</li>
<li><code>sgci_oidc</code>: ${de ? 'nur bei der Anmeldung über einen Identitätsdienst, für höchstens 10 Minuten, um die Rückkehr vom Identitätsdienst diesem Browser zuzuordnen.' : 'only when signing in through an identity provider, for at most 10 minutes, to match the return from the identity provider to this browser.'}</li>
<li><code>sgci_new_token</code>: ${de ? 'nur wenn Sie in der Verwaltung ein API-Token anlegen, für höchstens 2 Minuten: Es bringt das neue Token, verschlüsselt für Ihre Sitzung, auf die Seite, die es Ihnen einmal zeigt, und wird dort gelöscht.' : 'only when you create an API token in the administration, for at most 2 minutes: it carries the new token, encrypted for your session, to the page that shows it to you once, and is deleted there.'}</li>
</ul>
<p>${de ? 'Fehlgeschlagene Anmeldungen werden mit dem Anmeldenamen und der IP-Adresse gezählt, um das Erraten von Passwörtern zu verhindern, und nach 15 Minuten gelöscht. Was angemeldete Personen im Katalog tun (einreichen, entscheiden, bewerten), steht mit ihrer Kennung im Prüfprotokoll des Katalogs: Das ist der Zweck des Katalogs und Grundlage seiner signierten Urteile.' : 'Failed sign-ins are counted with the login name and the IP address to prevent password guessing, and deleted after 15 minutes. What signed-in people do in the catalogue (submit, decide, assess) is recorded with their id in the catalogue’s audit log: that is the catalogue’s purpose and the basis of its signed verdicts.'}</p>`,
)}
${section(
  de ? 'Rückmeldungen zur Barrierefreiheit' : 'Accessibility feedback',
  html`<p>${de ? 'Was Sie über das Formular auf der Seite „Barrierefreiheit“ senden (Ihre Nachricht, die betroffene Seite und – freiwillig – eine E-Mail-Adresse für die Antwort), speichert der Katalog in seinem Prüfprotokoll, damit der Betrieb die Barriere beheben und Ihnen antworten kann (§ 12b BGG). Geben Sie keine E-Mail-Adresse an, bleibt die Nachricht anonym.' : 'What you send through the form on the “Accessibility” page (your message, the page concerned and – if you like – an e-mail address for the answer) is stored in the catalogue’s audit log, so that operations can remove the barrier and answer you (section 12b BGG). Without an e-mail address the message stays anonymous.'}</p>`,
)}
${section(
  de ? 'Ihre Rechte' : 'Your rights',
  html`<p>${de ? 'Sie haben das Recht auf Auskunft (Art. 15 DSGVO), Berichtigung (Art. 16), Löschung (Art. 17), Einschränkung der Verarbeitung (Art. 18) und Widerspruch (Art. 21). Schreiben Sie dazu an die oben genannte Adresse. Sie können sich außerdem bei einer Datenschutz-Aufsichtsbehörde beschweren (Art. 77 DSGVO); für öffentliche Stellen des Bundes ist das die oder der Bundesbeauftragte für den Datenschutz und die Informationsfreiheit (BfDI).' : 'You have the right of access (Art. 15 GDPR), rectification (Art. 16), erasure (Art. 17), restriction of processing (Art. 18) and to object (Art. 21). Write to the address above. You may also lodge a complaint with a data protection supervisory authority (Art. 77 GDPR); for public bodies of the Federation this is the Federal Commissioner for Data Protection and Freedom of Information (BfDI).'}</p>`,
)}
</div>`,
  };
}
