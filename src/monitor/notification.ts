import type { RoundAlarm, RoundChange, RoundResult } from './round.ts';

export type NotificationLang = 'de' | 'en';

/** What a round tells its subscribers: every move with its evidence, every alarm; nothing when nothing happened. */
export interface MonitorNotification {
  readonly type: 'sgci.monitor.round';
  readonly lang: NotificationLang;
  readonly round: string;
  readonly subject: string;
  readonly changes: readonly RoundChange[];
  readonly alarms: readonly RoundAlarm[];
  /** The plain-text body of the e-mail, in `lang`. */
  readonly text: string;
}

const words = {
  de: {
    subject: (moves: number, alarms: number) => `sgci monitor: ${moves} Tag-Wechsel, ${alarms} Alarme`,
    intro: (at: string) => `Beobachtungsrunde vom ${at}.`,
    moved: 'Tag-Wechsel',
    alarms: 'Alarme',
    first: 'erste Beobachtung',
    added: 'hinzugekommen',
    removed: 'entfernt',
    upgraded: 'Version geändert',
    fixed: 'behoben',
    introduced: 'neu',
    scanError: 'Scan fehlgeschlagen',
    noDiff: 'kein Paketvergleich (nicht gescannt)',
    signature: (ok: boolean) =>
      ok ? 'Signatur mit gepinntem Schlüssel geprüft' : 'keine Signatur mit gepinntem Schlüssel',
    sla: (running: number, overdue: number, critical: number, high: number) =>
      `SLA: ${running} behebbare Befunde mit laufender Uhr (${critical} kritisch, ${high} hoch), ${overdue} überfällig`,
  },
  en: {
    subject: (moves: number, alarms: number) => `sgci monitor: ${moves} tag moves, ${alarms} alarms`,
    intro: (at: string) => `Monitoring round of ${at}.`,
    moved: 'Tag moves',
    alarms: 'Alarms',
    first: 'first observation',
    added: 'added',
    removed: 'removed',
    upgraded: 'version changed',
    fixed: 'fixed',
    introduced: 'introduced',
    scanError: 'scan failed',
    noDiff: 'no package diff (not scanned)',
    signature: (ok: boolean) =>
      ok ? 'signature verified with a pinned key' : 'no signature verified with a pinned key',
    sla: (running: number, overdue: number, critical: number, high: number) =>
      `SLA: ${running} fixable findings with a running clock (${critical} critical, ${high} high), ${overdue} overdue`,
  },
} as const;

function changeLines(change: RoundChange, lang: NotificationLang): string[] {
  const w = words[lang];
  const kind = change.change?.kind ?? w.first;
  const lines = [`- ${change.watch} (${change.platform}): ${change.from ?? '-'} -> ${change.to}: ${kind}`];
  const { signature, sla } = change.evidence ?? {};
  if (signature) lines.push(`  ${w.signature(signature.verified)}${signature.error ? ` (${signature.error})` : ''}`);
  if (sla) lines.push(`  ${w.sla(sla.running, sla.overdue, sla.critical, sla.high)}`);
  const detail = change.change;
  if (detail?.kind !== 'packages-changed') return lines;
  if (detail.scanError) return [...lines, `  ${w.scanError}: ${detail.scanError}`];
  if (!detail.sbom) return [...lines, `  ${w.noDiff}`];
  for (const purl of detail.sbom.added) lines.push(`  + ${w.added}: ${purl}`);
  for (const purl of detail.sbom.removed) lines.push(`  - ${w.removed}: ${purl}`);
  for (const u of detail.sbom.upgraded) lines.push(`  ~ ${w.upgraded}: ${u.from} -> ${u.to}`);
  for (const v of detail.vulns?.fixed ?? []) lines.push(`  ${w.fixed}: ${v.id} ${v.severity} ${v.package}`);
  for (const v of detail.vulns?.introduced ?? []) lines.push(`  ${w.introduced}: ${v.id} ${v.severity} ${v.package}`);
  return lines;
}

/** The notification of a round, or undefined when no tag moved and no alarm was raised. */
export function roundNotification(result: RoundResult, lang: NotificationLang): MonitorNotification | undefined {
  if (result.changes.length === 0 && result.alarms.length === 0) return undefined;
  const w = words[lang];
  const lines = [w.intro(result.startedAt), ''];
  if (result.changes.length > 0) lines.push(`${w.moved}:`, ...result.changes.flatMap((c) => changeLines(c, lang)), '');
  if (result.alarms.length > 0) {
    lines.push(`${w.alarms}:`, ...result.alarms.map((a) => `- ${a.watch} (${a.platform}) ${a.kind}: ${a.detail}`), '');
  }
  return {
    type: 'sgci.monitor.round',
    lang,
    round: result.startedAt,
    subject: w.subject(result.changes.length, result.alarms.length),
    changes: result.changes,
    alarms: result.alarms,
    text: lines.join('\n'),
  };
}
