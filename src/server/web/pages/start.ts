/**
 * The start page: what the initiative offers and the four ways to take part, from its own description
 * (../shared/seeds/sgci-initiative.txt), with the contact; the ways in to easy read and sign language sit at the
 * top (§ 4 BITV 2.0), and a search field leads into the catalogue.
 */
import type { PageContext } from '../context.ts';
import { type Html, html } from '../html.ts';
import type { Bilingual } from '../i18n.ts';
import type { PageContent } from '../layout.ts';
import { operator } from '../operator.ts';

interface Way {
  readonly title: string;
  readonly who: string;
  readonly gains: readonly string[];
  readonly how: readonly string[];
  readonly action: string;
  readonly subject: string;
}

interface StartText {
  readonly title: string;
  readonly lead: string;
  readonly searchLabel: string;
  readonly searchButton: string;
  readonly browse: string;
  readonly easyRead: string;
  readonly signLanguage: string;
  readonly offersTitle: string;
  readonly offers: readonly (readonly [string, string])[];
  readonly flowTitle: string;
  readonly flow: readonly string[];
  readonly waysTitle: string;
  readonly waysLead: string;
  readonly gainsLabel: string;
  readonly howLabel: string;
  readonly ways: readonly Way[];
  readonly contactTitle: string;
  readonly contactText: string;
}

const text: Bilingual<StartText> = {
  de: {
    title: 'Gehärtete Container-Images für die öffentliche Verwaltung',
    lead:
      'container.gov.de ist der gemeinsame Bezugsort der Secure Government Container Initiative (SGCI): geprüfte, ' +
      'gehärtete Container-Images zur Nachnutzung in der Verwaltung – jedes mit Stückliste (SBOM), bewerteten ' +
      'Schwachstellen (VEX) und einem signierten Prüfurteil.',
    searchLabel: 'Im Katalog suchen',
    searchButton: 'Suchen',
    browse: 'Alle Images im Katalog',
    easyRead: 'Informationen in Leichter Sprache',
    signLanguage: 'Informationen in Gebärdensprache',
    offersTitle: 'Was die Initiative bietet',
    offers: [
      [
        'Einheitliche und nachvollziehbare Standards',
        'Konsistent aufgebaute und dokumentierte Container-Images schaffen Klarheit für Entwicklung, Betrieb und ' +
          'Sicherheitsprüfung, etwa mit CycloneDX und VEX als OCI-Attestierung.',
      ],
      [
        'Weniger Sicherheitsrisiken',
        'Schwachstellen werden aktiv bewertet. So erreichen weniger Fehlalarme – etwa falsch-positive CVE-Meldungen – ' +
          'den Betrieb.',
      ],
      [
        'Härtung nach Best Practices',
        'Maßnahmen wie der Verzicht auf unnötige Shells verkleinern die Angriffsfläche der eingesetzten Bausteine.',
      ],
      [
        'Weniger Prüfaufwand',
        'Wiederverwendbare, bereits geprüfte Images ersparen den Verwaltungen eigene Sicherheitsprüfungen.',
      ],
      [
        'Nachnutzbar und kompatibel',
        'Wo sinnvoll, werden bestehende Open-Source-Komponenten integriert; die Verwaltung wird zum dezentralen ' +
          'Integrator statt eigene Insellösungen zu bauen.',
      ],
      [
        'Gemeinsam weiterentwickeln, Kosten senken',
        'Abgestimmte Vorgehensweisen, geteilte Bausteine und gemeinsame Pflege senken Aufwand und Kosten für alle.',
      ],
    ],
    flowTitle: 'So kommt ein Image in den Katalog',
    flow: [
      'Eine Organisation reicht eine Image-Version ein.',
      'Der Katalog erstellt die Stückliste, gleicht Schwachstellen ab und prüft die Härtungs-Checkliste mit Nachweisen.',
      'Eine Prüferin oder ein Prüfer einer anderen Organisation entscheidet (Vier-Augen-Prinzip).',
      'Zugelassene Versionen erhalten ein signiertes Prüfurteil und werden laufend neu bewertet.',
    ],
    waysTitle: 'Mitmachen: vier Wege',
    waysLead:
      'Gerne erläutern wir Ihnen die Beteiligungsformen im Detail und klären offene Fragen in einem persönlichen ' +
      'Gespräch.',
    gainsLabel: 'Dabei entsteht',
    howLabel: 'Wie das funktioniert',
    ways: [
      {
        title: 'Kooperationspartner auf strategischer Ebene („First Mover“)',
        who:
          'Organisationen auf Policy-Ebene, die mit einem initialen Investment gemeinsam mit dem ZenDiS den Aufbau ' +
          'einer verwaltungsweiten Container-Infrastruktur vorantreiben.',
        gains: [
          'gemeinsam genutzte Hardening-Guidelines, Baselines und Container-Images, die Kosten senken',
          'gemeinsame Governance-Strukturen, etwa ein künftiges Steuerungsgremium',
          'definierte Rahmenbedingungen für den verwaltungsweiten Einsatz gehärteter Images',
        ],
        how: [
          'aktive Mitgestaltung und Einbringen eigener Anforderungen',
          'Teilnahme an strategischen Abstimmungen und übergreifenden Formaten',
        ],
        action: 'Strategischen Einstieg abstimmen',
        subject: 'Strategischer Einstieg',
      },
      {
        title: 'Auftraggebende für Härtungsleistungen',
        who: 'Auftraggebende, die Container-Images prüfen, analysieren oder härten lassen möchten.',
        gains: [
          'Kooperationsverträge zwischen ZenDiS, Dienstleistenden aus dem Ökosystem und Auftraggebenden',
          'sicherheitsüberprüfte, dokumentierte Open-Source-Container-Images',
          'SBOMs, CVE- und VEX-Analysen',
          'Härtung durch Updates, Abhängigkeitstrimmung und ein minimales Basis-Image',
        ],
        how: ['perspektivisch: Bezug geprüfter Images über ein vertragliches Modell mit Wartung und Pflege'],
        action: 'Leistungsauftrag klären',
        subject: 'Härtungsleistung',
      },
      {
        title: 'Community Contributor mit technischer Mitarbeit',
        who: 'Organisationen, IT-Dienstleistende und Entwickler:innen, die geprüfte Container-Images bereitstellen.',
        gains: [
          'nachnutzbare, standardisierte und geprüfte Container-Images',
          'gemeinsame technische Bausteine für die Verwaltung',
        ],
        how: [
          'gehärtete Images zur Listung auf container.gov.de einreichen – nach den festgelegten Kriterien',
          'an technischen Standards, Dokumentation und Härtungsprozessen mitarbeiten',
          'bei Bedarf Expertise oder Dienstleistende für einzelne Komponenten einbringen',
        ],
        action: 'Container-Image bereitstellen',
        subject: 'Container-Image bereitstellen',
      },
      {
        title: 'Community-Mitglied für Konsultation und Austausch',
        who:
          'Organisationen, die an der fachlichen Ausrichtung mitwirken, informiert bleiben und Bedarfe einbringen ' +
          'möchten.',
        gains: [
          'transparenter Austausch',
          'Rückmeldungen zu vorgelegten Policies, Guidelines und Images',
          'ein wachsendes, föderales Netzwerk',
        ],
        how: [
          'Teilnahme an Informationsveranstaltungen, Konsultationen und Austauschformaten',
          'Rückmeldungen zu Hardening-Guidelines, Policies oder Images',
        ],
        action: 'In den fachlichen Austausch einsteigen',
        subject: 'Fachlicher Austausch',
      },
    ],
    contactTitle: 'Kontakt',
    contactText: 'Wir laden Sie herzlich ein, die nächsten Schritte mitzugestalten.',
  },
  en: {
    title: 'Hardened container images for the public administration',
    lead:
      'container.gov.de is where the Secure Government Container Initiative (SGCI) publishes checked, hardened ' +
      'container images for reuse in the administration – each with its bill of materials (SBOM), assessed ' +
      'vulnerabilities (VEX) and a signed verdict.',
    searchLabel: 'Search the catalogue',
    searchButton: 'Search',
    browse: 'All images in the catalogue',
    easyRead: 'Information in easy read',
    signLanguage: 'Information in sign language',
    offersTitle: 'What the initiative offers',
    offers: [
      [
        'Common, traceable standards',
        'Consistently built and documented container images give development, operations and security review a ' +
          'clear picture, for example with CycloneDX and VEX as OCI attestations.',
      ],
      [
        'Fewer security risks',
        'Vulnerabilities are assessed actively, so fewer false alarms – such as false-positive CVE reports – reach ' +
          'operations.',
      ],
      [
        'Hardening by best practice',
        'Measures such as leaving out needless shells shrink the attack surface of the building blocks in use.',
      ],
      ['Less review effort', 'Reusable images that are already checked spare administrations their own reviews.'],
      [
        'Reusable and compatible',
        'Where it makes sense, existing open source components are integrated; the administration acts as a ' +
          'distributed integrator instead of building isolated solutions.',
      ],
      [
        'Developed together, at lower cost',
        'Agreed procedures, shared building blocks and joint maintenance lower effort and cost for everyone.',
      ],
    ],
    flowTitle: 'How an image enters the catalogue',
    flow: [
      'An organisation submits an image version.',
      'The catalogue builds the bill of materials, matches vulnerabilities and checks the hardening checklist with ' +
        'evidence.',
      'A reviewer from another organisation decides (four-eyes principle).',
      'Admitted versions receive a signed verdict and are re-assessed continuously.',
    ],
    waysTitle: 'Take part: four ways',
    waysLead: 'We are glad to explain the ways of taking part in detail and to answer your questions in person.',
    gainsLabel: 'What comes of it',
    howLabel: 'How it works',
    ways: [
      {
        title: 'Strategic cooperation partner ("first mover")',
        who:
          'Organisations at policy level that drive, with an initial investment and together with ZenDiS, the ' +
          'building of a container infrastructure for the whole administration.',
        gains: [
          'shared hardening guidelines, baselines and container images that lower costs',
          'shared governance, such as a future steering committee',
          'defined conditions for using hardened images across the administration',
        ],
        how: [
          'actively shaping the initiative and bringing in your own requirements',
          'taking part in strategic coordination and cross-cutting formats',
        ],
        action: 'Arrange a strategic start',
        subject: 'Strategic start',
      },
      {
        title: 'Client for hardening services',
        who: 'Clients who want container images checked, analysed or hardened.',
        gains: [
          'cooperation agreements between ZenDiS, service providers of the ecosystem and clients',
          'security-reviewed, documented open source container images',
          'SBOMs, CVE and VEX analyses',
          'hardening through updates, trimmed dependencies and a minimal base image',
        ],
        how: ['in future: obtaining checked images under a contract that includes maintenance and care'],
        action: 'Clarify a service order',
        subject: 'Hardening service',
      },
      {
        title: 'Community contributor with technical work',
        who: 'Organisations, IT service providers and developers who provide checked container images.',
        gains: ['reusable, standardised and checked container images', 'shared technical building blocks'],
        how: [
          'submitting hardened images for listing on container.gov.de – by the defined criteria',
          'working on technical standards, documentation and hardening processes',
          'where needed, contributing expertise or service providers for particular components',
        ],
        action: 'Provide a container image',
        subject: 'Provide a container image',
      },
      {
        title: 'Community member for consultation and exchange',
        who: 'Organisations that want to help shape the direction, stay informed and bring in their needs.',
        gains: ['open exchange', 'feedback on proposed policies, guidelines and images', 'a growing federal network'],
        how: [
          'taking part in information events, consultations and exchange formats',
          'giving feedback on hardening guidelines, policies or images',
        ],
        action: 'Join the exchange',
        subject: 'Exchange',
      },
    ],
    contactTitle: 'Contact',
    contactText: 'We warmly invite you to help shape the next steps.',
  },
};

function way(w: Way, s: StartText, index: number): Html {
  const mail = `mailto:${operator.email}?subject=${encodeURIComponent(`container.gov.de: ${w.subject}`)}`;
  return html`<li class="card">
<h3>${index + 1}. ${w.title}</h3>
<p>${w.who}</p>
<p><strong>${s.gainsLabel}:</strong></p>
<ul class="kern-list kern-list--bullet">${w.gains.map((g) => html`<li>${g}</li>`)}</ul>
<p><strong>${s.howLabel}:</strong></p>
<ul class="kern-list kern-list--bullet">${w.how.map((h) => html`<li>${h}</li>`)}</ul>
<p><a href="${mail}">${w.action}</a></p>
</li>`;
}

export async function startPage(ctx: PageContext): Promise<PageContent> {
  const s = text[ctx.lang];
  return {
    title: s.title,
    main: html`<h1 class="kern-heading-large">${s.title}</h1>
<p class="lead">${s.lead}</p>
<ul class="actions plain-list">
<li><a class="kern-link" href="${ctx.href('easyRead')}"><span class="kern-icon kern-icon--easy-language" aria-hidden="true"></span>${s.easyRead}</a></li>
<li><a class="kern-link" href="${ctx.href('signLanguage')}"><span class="kern-icon kern-icon--sign-language" aria-hidden="true"></span>${s.signLanguage}</a></li>
</ul>
<form class="section" method="get" action="${ctx.href('catalogue')}" role="search">
<div class="kern-form-input">
<label class="kern-label" for="q">${s.searchLabel}</label>
<input class="kern-form-input__input" id="q" name="q" type="search" maxlength="200">
</div>
<div class="actions"><button type="submit" class="kern-btn kern-btn--primary"><span class="kern-icon kern-icon--search" aria-hidden="true"></span><span class="kern-label">${s.searchButton}</span></button>
<a href="${ctx.href('catalogue')}">${s.browse}</a></div>
</form>
<section class="section" aria-labelledby="angebot"><h2 class="kern-heading-medium" id="angebot">${s.offersTitle}</h2>
<ul class="cards plain-list">${s.offers.map(([title, body]) => html`<li class="card"><h3 class="kern-heading-small">${title}</h3><p>${body}</p></li>`)}</ul>
</section>
<section class="section" aria-labelledby="ablauf"><h2 class="kern-heading-medium" id="ablauf">${s.flowTitle}</h2>
<ol class="kern-list kern-list--number">${s.flow.map((step) => html`<li>${step}</li>`)}</ol>
</section>
<section class="section" aria-labelledby="mitmachen"><h2 class="kern-heading-medium" id="mitmachen">${s.waysTitle}</h2>
<p class="prose">${s.waysLead}</p>
<ol class="cards plain-list">${s.ways.map((w, i) => way(w, s, i))}</ol>
</section>
<section class="section" aria-labelledby="kontakt"><h2 class="kern-heading-medium" id="kontakt">${s.contactTitle}</h2>
<p>${s.contactText}</p>
<p>${operator.contactPerson.name}, ${operator.contactPerson.role[ctx.lang]}<br><a href="mailto:${operator.email}">${operator.email}</a></p>
</section>`,
  };
}
