import type { ScanReport } from './model.ts';

export type Lang = 'de' | 'en';
type Status = ScanReport['results'][number]['result'];
type SectionName = ScanReport['results'][number]['section'];

const text = {
  de: {
    title: 'Härtungsprüfung',
    image: 'Image',
    digest: 'Digest',
    platform: 'Plattform',
    created: 'Erstellt',
    policy: 'Policy',
    tool: 'Werkzeug',
    time: 'Zeitpunkt',
    gateFailed: 'Freigabe abgelehnt: mindestens eine Prüfung ist fehlgeschlagen',
    gatePassed: 'Freigabe erteilt: keine fehlgeschlagene Prüfung',
    summary: 'Zusammenfassung',
    section: 'Bereich',
    check: 'Prüfung',
    result: 'Ergebnis',
    level: 'Stufe',
    evidence: 'Nachweise',
    remediation: 'Abhilfe',
    reason: 'Begründung',
    references: 'Referenzen',
    automation: 'Automatisierung',
    exception: 'Ausnahme',
    exceptionApplied: 'Ausnahme gilt',
    exceptionExpired: 'Ausnahme abgelaufen, gilt nicht mehr',
    approver: 'genehmigt von',
    until: 'bis',
    inputs: 'Eingaben',
    vulnerabilities: 'Schwachstellendaten',
    notAvailable: 'nicht verfügbar',
    disabled: 'Durch die Policy abgeschaltet',
    none: 'keine',
    waived: 'durch Ausnahme freigestellt',
    total: 'Gesamt',
    more: 'weitere',
    moreInJson: 'weitere (-o json zeigt alle)',
  },
  en: {
    title: 'Hardening check',
    image: 'Image',
    digest: 'Digest',
    platform: 'Platform',
    created: 'Created',
    policy: 'Policy',
    tool: 'Tool',
    time: 'Time',
    gateFailed: 'Gate failed: at least one check failed',
    gatePassed: 'Gate passed: no check failed',
    summary: 'Summary',
    section: 'Section',
    check: 'Check',
    result: 'Result',
    level: 'Level',
    evidence: 'Evidence',
    remediation: 'Remediation',
    reason: 'Reason',
    references: 'References',
    automation: 'Automation',
    exception: 'Exception',
    exceptionApplied: 'exception applies',
    exceptionExpired: 'exception expired, no longer applies',
    approver: 'approved by',
    until: 'until',
    inputs: 'Inputs',
    vulnerabilities: 'Vulnerability data',
    notAvailable: 'not available',
    disabled: 'Turned off by the policy',
    none: 'none',
    waived: 'waived by exception',
    total: 'Total',
    more: 'more',
    moreInJson: 'more (-o json shows all)',
  },
} as const;

export type Messages = Readonly<Record<keyof (typeof text)['en'], string>>;

export function messages(lang: Lang): Messages {
  return text[lang];
}

const statusText: Record<Lang, Record<Status, string>> = {
  de: {
    pass: 'bestanden',
    fail: 'fehlgeschlagen',
    warn: 'Warnung',
    'not-applicable': 'nicht anwendbar',
    manual: 'manuell prüfen',
  },
  en: { pass: 'pass', fail: 'fail', warn: 'warn', 'not-applicable': 'not applicable', manual: 'manual review' },
};

export function statusLabel(status: Status, lang: Lang): string {
  return statusText[lang][status];
}

const sectionText: Record<Lang, Record<SectionName, string>> = {
  de: {
    BASE: 'Sicherheit des Base-Images',
    BUILD: 'Sicherheit des Build-Prozesses',
    COMP: 'Komponentenverwaltung und Transparenz',
    SEC: 'Geheimnisse und sensible Daten',
    RUN: 'Laufzeitkonfiguration',
    VULN: 'Compliance und Schwachstellenmanagement',
  },
  en: {
    BASE: 'Base image security',
    BUILD: 'Build process security',
    COMP: 'Component management and transparency',
    SEC: 'Secrets and sensitive data',
    RUN: 'Runtime configuration',
    VULN: 'Compliance and vulnerability management',
  },
};

export function sectionLabel(section: SectionName, lang: Lang): string {
  return sectionText[lang][section];
}

export const sectionOrder: readonly SectionName[] = ['BASE', 'BUILD', 'COMP', 'SEC', 'RUN', 'VULN'];
export const statusOrder: readonly Status[] = ['fail', 'warn', 'manual', 'not-applicable', 'pass'];

/** A text and the language it is in. */
export interface LangText {
  readonly text: string;
  readonly lang: Lang;
}

/**
 * A text for a page or report in `lang`: the German one where `lang` is German and there is one, else the English
 * one, with the language it is in, so that a German page can mark an English fallback as such (WCAG 2.1, 3.1.2).
 */
export function textIn(
  lang: Lang,
  german: string | null | undefined,
  english: string | null | undefined,
): LangText | null {
  if (lang === 'de' && german != null) return { text: german, lang: 'de' };
  return english == null ? null : { text: english, lang: 'en' };
}

/** Why a check could not decide, in the report's language where a translation exists. */
export function reasonText(r: { reason: string | null; reasonDe: string | null }, lang: Lang): string | null {
  return textIn(lang, r.reasonDe, r.reason)?.text ?? null;
}

/** The remediation in the report's language where a translation exists. */
export function remediationText(
  r: { remediation: string | null; remediationDe: string | null },
  lang: Lang,
): string | null {
  return textIn(lang, r.remediationDe, r.remediation)?.text ?? null;
}
