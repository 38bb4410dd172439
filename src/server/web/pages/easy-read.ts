/**
 * Information in Leichte Sprache (§ 4 BITV 2.0: what the site is, how it is built, how to reach the operator, the
 * accessibility statement) and the place of the German Sign Language videos. The English versions are in plain
 * English ("easy read") and name the videos' place the same way.
 */
import type { PageContext } from '../context.ts';
import { type Html, html } from '../html.ts';
import type { Bilingual } from '../i18n.ts';
import type { PageContent } from '../layout.ts';
import { operator } from '../operator.ts';

interface Part {
  readonly heading: string;
  readonly sentences: readonly string[];
}

const easyRead: Bilingual<{ title: string; parts: readonly Part[]; contact: string; barriers: string }> = {
  de: {
    title: 'Informationen in Leichter Sprache',
    parts: [
      {
        heading: 'Was ist container.gov.de?',
        sentences: [
          'container.gov.de ist eine Internet-Seite.',
          'Auf der Internet-Seite gibt es Container-Images.',
          'Ein Container-Image ist ein Paket mit Computer-Programmen.',
          'Ämter brauchen solche Pakete für ihre Arbeit am Computer.',
          'Die Pakete müssen sicher sein.',
        ],
      },
      {
        heading: 'Was machen wir?',
        sentences: [
          'Wir prüfen die Pakete.',
          'Wir schauen: Hat ein Paket Fehler?',
          'Können Angreifer diese Fehler ausnutzen?',
          'Angreifer sind Menschen, die Computer-Programme kaputt machen oder Daten stehlen wollen.',
          'Nur geprüfte Pakete kommen in den Katalog.',
          'Der Katalog ist eine Liste mit allen geprüften Paketen.',
        ],
      },
      {
        heading: 'Wer macht die Internet-Seite?',
        sentences: [
          'Die Internet-Seite macht das Zentrum für Digitale Souveränität.',
          'Die Abkürzung ist ZenDiS.',
          'Das ZenDiS arbeitet für die Verwaltung in Deutschland.',
        ],
      },
      {
        heading: 'Was finden Sie auf der Internet-Seite?',
        sentences: [
          'Oben auf jeder Seite ist ein Menü.',
          'Mit dem Menü kommen Sie zum Katalog.',
          'Im Katalog können Sie nach Paketen suchen.',
          'Zu jedem Paket gibt es eine eigene Seite.',
          'Dort steht: Was haben wir geprüft? Was ist dabei herausgekommen?',
          'Unten auf jeder Seite sind Links zu weiteren Seiten.',
          'Zum Beispiel zum Impressum und zum Daten-Schutz.',
        ],
      },
      {
        heading: 'Wie können Ämter mitmachen?',
        sentences: [
          'Ämter können eigene Pakete prüfen lassen.',
          'Ämter können mit uns über die Regeln für die Prüfung sprechen.',
          'Dafür brauchen Sie ein Konto. Mit dem Konto können Sie sich anmelden.',
          'Zum Lesen brauchen Sie kein Konto.',
        ],
      },
      {
        heading: 'Daten-Schutz',
        sentences: [
          'Wenn Sie nur lesen, speichern wir keine Daten über Sie.',
          'Wir benutzen dann auch keine Cookies.',
          'Ein Cookie ist eine kleine Datei in Ihrem Internet-Programm.',
        ],
      },
    ],
    contact: 'So erreichen Sie uns: Schreiben Sie eine E-Mail an',
    barriers: 'Können Sie etwas auf der Internet-Seite nicht gut benutzen? Dann sagen Sie es uns. Das geht hier:',
  },
  en: {
    title: 'Information in easy read',
    parts: [
      {
        heading: 'What is container.gov.de?',
        sentences: [
          'container.gov.de is a website.',
          'On the website there are container images.',
          'A container image is a package of computer programs.',
          'Public offices need such packages for their work on computers.',
          'The packages must be safe.',
        ],
      },
      {
        heading: 'What do we do?',
        sentences: [
          'We check the packages.',
          'We look: does a package have mistakes?',
          'Can attackers use these mistakes?',
          'Attackers are people who want to break computer programs or steal data.',
          'Only checked packages go into the catalogue.',
          'The catalogue is a list of all checked packages.',
        ],
      },
      {
        heading: 'Who makes the website?',
        sentences: [
          'The Centre for Digital Sovereignty makes the website.',
          'Its short name is ZenDiS.',
          'ZenDiS works for the public administration in Germany.',
        ],
      },
      {
        heading: 'What is on the website?',
        sentences: [
          'At the top of every page there is a menu.',
          'The menu takes you to the catalogue.',
          'In the catalogue you can search for packages.',
          'Every package has its own page.',
          'It says: what did we check? What was the result?',
          'At the bottom of every page there are links to more pages.',
          'For example to the imprint and to privacy.',
        ],
      },
      {
        heading: 'How can public offices take part?',
        sentences: [
          'Public offices can have their own packages checked.',
          'Public offices can talk with us about the rules for the checks.',
          'For this you need an account. With the account you can sign in.',
          'You do not need an account to read.',
        ],
      },
      {
        heading: 'Privacy',
        sentences: [
          'If you only read, we keep no data about you.',
          'Then we use no cookies either.',
          'A cookie is a small file in your web browser.',
        ],
      },
    ],
    contact: 'How to reach us: write an e-mail to',
    barriers: 'Is something on the website hard for you to use? Then tell us. You can do it here:',
  },
};

export async function easyReadPage(ctx: PageContext): Promise<PageContent> {
  const s = easyRead[ctx.lang];
  return {
    title: s.title,
    main: html`<h1 class="kern-heading-large">${s.title}</h1>
<div class="prose">
${s.parts.map(
  (part) =>
    html`<h2 class="kern-heading-medium">${part.heading}</h2>${part.sentences.map((sentence) => html`<p>${sentence}</p>`)}`,
)}
<h2 class="kern-heading-medium">${ctx.lang === 'de' ? 'Kontakt' : 'Contact'}</h2>
<p>${s.contact} <a href="mailto:${operator.email}">${operator.email}</a></p>
<p>${s.barriers} <a href="${ctx.href('accessibility')}#rueckmeldung">${ctx.t.pageTitles.accessibility}</a></p>
</div>`,
  };
}

const signLanguage: Bilingual<{ title: string; body: readonly string[]; planned: string; videos: readonly string[] }> =
  {
    de: {
      title: 'Informationen in Deutscher Gebärdensprache',
      body: [
        'Hier stehen bald Videos in Deutscher Gebärdensprache (DGS).',
        'Bis dahin finden Sie dieselben Informationen in Leichter Sprache.',
      ],
      planned: 'Geplante Videos',
      videos: [
        'Was ist container.gov.de?',
        'Wie ist die Internet-Seite aufgebaut?',
        'Wie erreichen Sie uns?',
        'Erklärung zur Barrierefreiheit',
      ],
    },
    en: {
      title: 'Information in German Sign Language',
      body: [
        'Videos in German Sign Language (DGS) will soon be shown here.',
        'Until then, the same information is available in easy read.',
      ],
      planned: 'Planned videos',
      videos: ['What is container.gov.de?', 'How is the website built?', 'How to reach us', 'Accessibility statement'],
    },
  };

export async function signLanguagePage(ctx: PageContext): Promise<PageContent> {
  const s = signLanguage[ctx.lang];
  const videos: Html = html`<ul class="kern-list kern-list--bullet">${s.videos.map((v) => html`<li>${v}</li>`)}</ul>`;
  return {
    title: s.title,
    main: html`<h1 class="kern-heading-large">${s.title}</h1>
<div class="prose">
<p>${s.body[0]}</p>
<p>${s.body[1]} <a href="${ctx.href('easyRead')}">${ctx.t.pageTitles.easyRead}</a></p>
<h2 class="kern-heading-medium">${s.planned}</h2>
${videos}
<p><a href="mailto:${operator.email}">${operator.email}</a></p>
</div>`,
  };
}
