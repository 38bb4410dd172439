/**
 * docs/checks/ is generated from the registry (never hand-edited): one page per check plus an index.
 * `node src/checks/docs.ts` rewrites it; docs.test.ts fails when the committed pages are stale.
 */
import { mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Check, Section } from './check.ts';
import { checks } from './registry.ts';

const sectionTitles: Record<Section, { de: string; en: string }> = {
  BASE: { de: 'Sicherheit des Base-Images', en: 'Base image security' },
  BUILD: { de: 'Sicherheit des Build-Prozesses', en: 'Build process security' },
  COMP: { de: 'Komponentenverwaltung und Transparenz', en: 'Component management and transparency' },
  SEC: { de: 'Geheimnisse und sensible Daten', en: 'Secrets and sensitive data' },
  RUN: { de: 'Laufzeitkonfiguration', en: 'Runtime configuration' },
  VULN: { de: 'Compliance und Schwachstellenmanagement', en: 'Compliance and vulnerability management' },
};

const automationText: Record<string, string> = {
  image: 'Image (Manifest, Konfiguration, alle Layer) / image',
  dockerfile: 'Dockerfile (`--dockerfile`)',
  manifest: 'Kubernetes-Manifeste (`--manifests`)',
  attestation: 'Signaturen/Attestierungen / signatures, attestations',
  history: 'Plattform-Historie / platform history',
  manual: 'manuelle Prüfung / manual review',
};

const banner = '<!-- GENERATED from src/checks/registry.ts by `node src/checks/docs.ts`; do not edit. -->';

export function checkFileName(check: Check): string {
  return `${check.id.toLowerCase()}.md`;
}

export function renderCheckPage(check: Check): string {
  const needs = [...(check.needs?.paths ?? []), ...(check.needs?.globs ?? [])];
  return [
    banner,
    `# ${check.id}: ${check.title.de}`,
    '',
    `*${check.title.en}*`,
    '',
    '| | |',
    '|---|---|',
    `| Bereich / Section | ${sectionTitles[check.section].de} / ${sectionTitles[check.section].en} |`,
    `| Stufe / Level | ${check.level === 'MUST' ? 'MUSS' : 'SOLL'} / ${check.level} |`,
    `| Automatisierung / Automation | ${check.automation.map((a) => automationText[a] ?? a).join('; ')} |`,
    `| Referenzen / References | ${check.references.map((r) => `${r.standard} ${r.item}`).join('; ')} |`,
    ...(needs.length ? [`| Gelesene Dateien / Files read | ${needs.map((n) => `\`${n}\``).join(', ')} |`] : []),
    '',
    '## Entscheidet über / Decides on',
    '',
    check.decides,
    '',
    '## Ergebnisse / Results',
    '',
    '- `pass`, `fail` oder `warn` mit Nachweisen (Pfad + Layer, Konfigurationsfeld, PURL, Dockerfile-Zeile, Manifest-Feld).',
    '- `not-applicable` / `manual` mit Begründung, wenn eine Eingabe fehlt oder ein Mensch entscheiden muss; es wird nie geraten.',
    '- The policy (`sgci-policy.yaml`, `checks:`) can set this check to `warn` or `off`; exceptions name it by ID.',
    '',
    '## Abhilfe / Remediation',
    '',
    check.remediationDe,
    '',
    `*${check.remediation}*`,
    '',
  ].join('\n');
}

export function renderCheckIndex(): string {
  const lines = [
    banner,
    '# Prüfkatalog / Check catalogue',
    '',
    'Jede Prüfung hat eine feste ID; eine zurückgezogene ID bleibt reserviert. / Every check has a stable ID.',
    '',
  ];
  for (const section of Object.keys(sectionTitles) as Section[]) {
    lines.push(
      `## ${sectionTitles[section].de} / ${sectionTitles[section].en}`,
      '',
      '| ID | Titel | Title | Level | Automation |',
      '|---|---|---|---|---|',
    );
    for (const c of checks.filter((x) => x.section === section)) {
      lines.push(
        `| [${c.id}](${checkFileName(c)}) | ${c.title.de} | ${c.title.en} | ${c.level} | ${c.automation.join(', ')} |`,
      );
    }
    lines.push('');
  }
  return lines.join('\n');
}

/** All generated files: name -> content. */
export function generatedCheckDocs(): Map<string, string> {
  const files = new Map<string, string>([['README.md', renderCheckIndex()]]);
  for (const c of checks) files.set(checkFileName(c), renderCheckPage(c));
  return files;
}

export const checkDocsDir = resolve(import.meta.dirname, '..', '..', 'docs', 'checks');

export async function writeCheckDocs(dir = checkDocsDir): Promise<void> {
  await mkdir(dir, { recursive: true });
  const files = generatedCheckDocs();
  for (const name of await readdir(dir)) if (name.endsWith('.md') && !files.has(name)) await rm(join(dir, name));
  for (const [name, text] of files) await writeFile(join(dir, name), text);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await writeCheckDocs();
