import type { FileNeeds } from '../../oci/index.ts';
import type { CheckImage, FilesystemCheck } from '../check.ts';
import type { LocalizedEvidence } from '../evidence.ts';
import { missingInput } from '../missing-input.ts';
import { bsi } from '../references.ts';

/**
 * Installing or downloading at start: the scanned image would not be what runs. The alternatives with a run of
 * any length (options between `apt-get` and `install`, the words between `curl` and `| sh`) are matched at their
 * last literal and look back: matched from `apt-get` or `curl` forward, every occurrence scanned to the end of
 * the text, and an Entrypoint of 4 MiB took hours (hostile-input test beside this file).
 */
export const runtimeInstall =
  /\b(?:apt\s+install|yum\s+install|dnf\s+install|microdnf\s+install|pip3?\s+install|npm\s+(?:install|ci|i)|yarn\s+(?:add|install)|gem\s+install|go\s+install)\b|\binstall(?<=\bapt-get(?:\s+-\S+)*\s+install)\b|\badd(?<=\bapk(?:\s+-\S+)*\s+add)\b|\|(?<=\b(?:curl|wget)\b[^|;&]*\|)\s*(?:ba|z|da)?sh\b/;

const maxScriptBytes = 256 * 1024;

function startCommands(image: CheckImage): { field: string; text: string }[] {
  const config = image.config.config;
  const out: { field: string; text: string }[] = [];
  if (config?.Entrypoint?.length) out.push({ field: 'Entrypoint', text: config.Entrypoint.join(' ') });
  if (config?.Cmd?.length) out.push({ field: 'Cmd', text: config.Cmd.join(' ') });
  if (config?.Healthcheck?.Test?.length)
    out.push({ field: 'Healthcheck.Test', text: config.Healthcheck.Test.join(' ') });
  return out;
}

/** Absolute paths named by Entrypoint/Cmd: start scripts whose content the check reads. */
export function startScripts(image: CheckImage): string[] {
  const config = image.config.config;
  const words = [...(config?.Entrypoint ?? []), ...(config?.Cmd ?? [])];
  return [...new Set(words.filter((w) => /^\/[\w./-]+$/.test(w)))].sort();
}

export const build012: FilesystemCheck = {
  id: 'SGCI-BUILD-012',
  section: 'BUILD',
  reads: 'filesystem',
  title: { en: 'All runtime dependencies in the image', de: 'Alle Laufzeitabhängigkeiten im Image' },
  level: 'SHOULD',
  references: [bsi('SYS.1.6.A6')],
  automation: ['image'],
  decides:
    'Entrypoint, Cmd, Healthcheck and the start scripts they name do not install or download at start (apt-get, apk add, pip install, npm install, curl/wget piped to a shell).',
  remediation: 'Install every dependency at build time; the start command only starts the application.',
  remediationDe: 'Alle Abhängigkeiten zur Build-Zeit installieren; der Startbefehl startet nur die Anwendung.',
  needsFor(image: CheckImage): FileNeeds {
    return { paths: startScripts(image) };
  },
  async evaluate(ctx) {
    if (!ctx.image) return missingInput.image;
    const evidence: LocalizedEvidence[] = [];
    for (const { field, text } of startCommands(ctx.image)) {
      if (runtimeInstall.test(text))
        evidence.push({
          kind: 'config',
          field,
          value: text,
          message: 'installs or downloads at start',
          messageDe: 'installiert oder lädt beim Start herunter',
        });
    }
    let scriptsRead = 0;
    if (ctx.fs) {
      for (const path of startScripts(ctx.image)) {
        const entry = ctx.fs.squashed.get(path, { followSymlinks: true });
        if (entry?.type !== 'file' || entry.size > maxScriptBytes || !ctx.fs.squashed.hasContent(entry)) continue;
        const content = await ctx.fs.squashed.read(entry);
        if (content[0] !== 0x23 || content[1] !== 0x21) continue; // only #! scripts
        scriptsRead++;
        const lines = new TextDecoder().decode(content).split('\n');
        for (const [n, line] of lines.entries()) {
          if (!line.trimStart().startsWith('#') && runtimeInstall.test(line)) {
            evidence.push({
              kind: 'file',
              path,
              layer: entry.layer,
              message: `line ${n + 1} installs or downloads at start`,
              messageDe: `Zeile ${n + 1} installiert oder lädt beim Start herunter`,
            });
          }
        }
      }
    }
    if (evidence.length > 0) return { status: 'fail', evidence, remediation: this.remediation };
    return {
      status: 'pass',
      evidence: [
        {
          kind: 'note',
          message: `start commands${scriptsRead ? ` and ${scriptsRead} start script(s)` : ''} install nothing`,
          messageDe: `Startbefehle${scriptsRead ? ` und ${scriptsRead} Startskript(e)` : ''} installieren nichts`,
        },
      ],
    };
  },
};
