/**
 * The site's two languages: every page exists under `/de/…` and `/en/…`, with its own path words in each, and the
 * text the frame and the shared components show. A page's own text lives in its module, in both languages.
 */
import type { SubmissionStatus } from '../../catalogue/index.ts';

export type Lang = 'de' | 'en';
export const langs: readonly Lang[] = ['de', 'en'];

export function otherLang(lang: Lang): Lang {
  return lang === 'de' ? 'en' : 'de';
}

/**
 * Every page's path in each language. `:name` segments are filled from the page's parameters. A new page adds its
 * line here, its title below, and registers its handler with `page()` (docs/server-pages.md).
 */
export const pagePaths = {
  start: { de: '/de/', en: '/en/' },
  catalogue: { de: '/de/katalog', en: '/en/catalogue' },
  image: { de: '/de/katalog/:name', en: '/en/catalogue/:name' },
  compare: { de: '/de/katalog/:name/vergleich', en: '/en/catalogue/:name/compare' },
  signIn: { de: '/de/anmelden', en: '/en/sign-in' },
  imprint: { de: '/de/impressum', en: '/en/imprint' },
  privacy: { de: '/de/datenschutz', en: '/en/privacy' },
  accessibility: { de: '/de/barrierefreiheit', en: '/en/accessibility' },
  easyRead: { de: '/de/leichte-sprache', en: '/en/easy-read' },
  signLanguage: { de: '/de/gebaerdensprache', en: '/en/sign-language' },
  sitemap: { de: '/de/sitemap', en: '/en/sitemap' },
  review: { de: '/de/pruefung', en: '/en/review' },
  reviewSubmission: { de: '/de/pruefung/:id', en: '/en/review/:id' },
  submit: { de: '/de/einreichen', en: '/en/submit' },
  submissions: { de: '/de/einreichungen', en: '/en/submissions' },
  submission: { de: '/de/einreichungen/:id', en: '/en/submissions/:id' },
  triage: { de: '/de/vex-triage', en: '/en/vex-triage' },
  triageDecide: { de: '/de/vex-triage/entscheidung', en: '/en/vex-triage/decision' },
  triageDecision: { de: '/de/vex-triage/entscheidungen/:id', en: '/en/vex-triage/decisions/:id' },
  triageExpiring: { de: '/de/vex-triage/ablaufend', en: '/en/vex-triage/expiring' },
  triageUnmatched: { de: '/de/vex-triage/ohne-treffer', en: '/en/vex-triage/unmatched' },
  administration: { de: '/de/verwaltung', en: '/en/administration' },
  adminUsers: { de: '/de/verwaltung/benutzer', en: '/en/administration/users' },
  adminUser: { de: '/de/verwaltung/benutzer/:login', en: '/en/administration/users/:login' },
  adminOrganisations: { de: '/de/verwaltung/organisationen', en: '/en/administration/organisations' },
  adminOrganisation: { de: '/de/verwaltung/organisationen/:slug', en: '/en/administration/organisations/:slug' },
  adminCredentials: {
    de: '/de/verwaltung/organisationen/:slug/zugangsdaten',
    en: '/en/administration/organisations/:slug/credentials',
  },
  adminKeys: {
    de: '/de/verwaltung/organisationen/:slug/schluessel',
    en: '/en/administration/organisations/:slug/keys',
  },
  adminTokens: { de: '/de/verwaltung/tokens', en: '/en/administration/tokens' },
  adminPolicy: { de: '/de/verwaltung/richtlinie', en: '/en/administration/policy' },
} as const satisfies Record<string, Record<Lang, string>>;

export type PageId = keyof typeof pagePaths;
export type PageParams = Readonly<Record<string, string>>;

/** The path of a page in a language, its `:param` segments filled (URI-encoded). */
export function pathOf(id: PageId, lang: Lang, params: PageParams = {}): string {
  return pagePaths[id][lang].replace(/:([a-z]+)/g, (_, key: string) => {
    const value = params[key];
    if (value === undefined) throw new Error(`pathOf(${id}): parameter ${key} missing`);
    return encodeURIComponent(value);
  });
}

/** The language a path belongs to: `/en/…` is English, everything else German (the site's first language). */
export function langOfPath(path: string): Lang {
  return path === '/en' || path.startsWith('/en/') ? 'en' : 'de';
}

const de = {
  siteName: 'container.gov.de',
  siteClaim: 'Gehärtete Container-Images für die öffentliche Verwaltung',
  officialSite: 'Offizielle Website – Bundesrepublik Deutschland',
  skipLink: 'Zum Inhalt springen',
  mainNavigation: 'Hauptnavigation',
  footerNavigation: 'Rechtliches und Service',
  languageSwitch: 'Sprache wechseln',
  otherLanguage: 'English',
  signIn: 'Anmelden',
  signOut: 'Abmelden',
  signedInAs: 'Angemeldet als',
  errorPrefix: 'Fehler',
  errorSummary: 'Bitte korrigieren Sie die folgenden Angaben:',
  optional: 'optional',
  copy: 'Kopieren',
  copied: 'In die Zwischenablage kopiert',
  sourceCode: 'Quellcode (EUPL-1.2)',
  api: 'API',
  pageTitles: {
    start: 'Start',
    catalogue: 'Katalog',
    image: 'Image',
    compare: 'Versionen vergleichen',
    signIn: 'Anmelden',
    imprint: 'Impressum',
    privacy: 'Datenschutz',
    accessibility: 'Barrierefreiheit',
    easyRead: 'Leichte Sprache',
    signLanguage: 'Gebärdensprache',
    sitemap: 'Sitemap',
    review: 'Prüfung',
    reviewSubmission: 'Einreichung prüfen',
    submit: 'Einreichen',
    submissions: 'Meine Einreichungen',
    submission: 'Einreichung',
    triage: 'VEX-Triage',
    triageDecide: 'VEX-Entscheidung treffen',
    triageDecision: 'VEX-Entscheidung',
    triageExpiring: 'Bald ablaufende Entscheidungen',
    triageUnmatched: 'Entscheidungen ohne Treffer',
    administration: 'Verwaltung',
    adminUsers: 'Benutzer',
    adminUser: 'Benutzer',
    adminOrganisations: 'Organisationen',
    adminOrganisation: 'Organisation',
    adminCredentials: 'Registry-Zugangsdaten',
    adminKeys: 'Vertrauenswürdige Schlüssel',
    adminTokens: 'API-Tokens',
    adminPolicy: 'Richtlinie und Schlüssel',
  } satisfies Record<PageId, string>,
  status: {
    submitted: 'eingereicht',
    scanning: 'wird geprüft',
    'checks-failed': 'Prüfungen nicht bestanden',
    'awaiting-review': 'wartet auf Review',
    admitted: 'zugelassen',
    rejected: 'abgelehnt',
    'changes-requested': 'Änderungen angefordert',
    withdrawn: 'zurückgezogen',
    'at-risk': 'gefährdet',
    suspended: 'ausgesetzt',
  } satisfies Record<SubmissionStatus, string>,
};

export type Messages = typeof de;

const en: Messages = {
  siteName: 'container.gov.de',
  siteClaim: 'Hardened container images for the public administration',
  officialSite: 'Official website – Federal Republic of Germany',
  skipLink: 'Skip to content',
  mainNavigation: 'Main navigation',
  footerNavigation: 'Legal and service',
  languageSwitch: 'Change language',
  otherLanguage: 'Deutsch',
  signIn: 'Sign in',
  signOut: 'Sign out',
  signedInAs: 'Signed in as',
  errorPrefix: 'Error',
  errorSummary: 'Please correct the following:',
  optional: 'optional',
  copy: 'Copy',
  copied: 'Copied to the clipboard',
  sourceCode: 'Source code (EUPL-1.2)',
  api: 'API',
  pageTitles: {
    start: 'Home',
    catalogue: 'Catalogue',
    image: 'Image',
    compare: 'Compare versions',
    signIn: 'Sign in',
    imprint: 'Imprint',
    privacy: 'Privacy',
    accessibility: 'Accessibility',
    easyRead: 'Easy read',
    signLanguage: 'Sign language',
    sitemap: 'Sitemap',
    review: 'Review',
    reviewSubmission: 'Review a submission',
    submit: 'Submit',
    submissions: 'My submissions',
    submission: 'Submission',
    triage: 'VEX triage',
    triageDecide: 'Record a VEX decision',
    triageDecision: 'VEX decision',
    triageExpiring: 'Decisions expiring soon',
    triageUnmatched: 'Decisions without matches',
    administration: 'Administration',
    adminUsers: 'Users',
    adminUser: 'User',
    adminOrganisations: 'Organisations',
    adminOrganisation: 'Organisation',
    adminCredentials: 'Registry credentials',
    adminKeys: 'Trusted keys',
    adminTokens: 'API tokens',
    adminPolicy: 'Policy and keys',
  },
  status: {
    submitted: 'submitted',
    scanning: 'being checked',
    'checks-failed': 'checks failed',
    'awaiting-review': 'awaiting review',
    admitted: 'admitted',
    rejected: 'rejected',
    'changes-requested': 'changes requested',
    withdrawn: 'withdrawn',
    'at-risk': 'at risk',
    suspended: 'suspended',
  },
};

export function messagesOf(lang: Lang): Messages {
  return lang === 'de' ? de : en;
}

/** The same text in both languages, for a page's own words. */
export type Bilingual<T> = Readonly<Record<Lang, T>>;

/** The categories contributors choose from, in words; a category outside this list reads as its slug. */
export const categoryLabels: Bilingual<Readonly<Record<string, string>>> = {
  de: {
    base: 'Basis-Image',
    runtime: 'Laufzeitumgebung',
    database: 'Datenbank',
    'web-server': 'Webserver',
    tool: 'Werkzeug',
    application: 'Fachanwendung',
  },
  en: {
    base: 'Base image',
    runtime: 'Runtime',
    database: 'Database',
    'web-server': 'Web server',
    tool: 'Tool',
    application: 'Application',
  },
};

export function categoryLabel(lang: Lang, category: string): string {
  return categoryLabels[lang][category] ?? category;
}

const dateFormats = new Map<string, Intl.DateTimeFormat>();

function dateFormat(lang: Lang, withTime: boolean): Intl.DateTimeFormat {
  const key = `${lang}${withTime}`;
  let format = dateFormats.get(key);
  if (!format) {
    format = new Intl.DateTimeFormat(lang === 'de' ? 'de-DE' : 'en-GB', {
      dateStyle: 'medium',
      ...(withTime ? { timeStyle: 'short' } : {}),
      timeZone: 'Europe/Berlin',
    });
    dateFormats.set(key, format);
  }
  return format;
}

/** A date (and time) as a reader of the language writes it, in German time. */
export function formatDate(lang: Lang, iso: string | Date, withTime = false): string {
  return dateFormat(lang, withTime).format(typeof iso === 'string' ? new Date(iso) : iso);
}

/** A whole number with the language's digit grouping. */
export function formatNumber(lang: Lang, n: number): string {
  return n.toLocaleString(lang === 'de' ? 'de-DE' : 'en-GB');
}
