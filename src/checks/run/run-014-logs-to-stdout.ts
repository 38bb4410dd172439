import type { FilesystemCheck } from '../check.ts';
import type { LocalizedEvidence } from '../evidence.ts';
import { missingInput } from '../missing-input.ts';
import { bsi } from '../references.ts';

const logFile = /^\/(var\/log\/.+|(app|opt|srv|usr\/local)\/.*\.log)$/;
const stdStreams = /^\/(dev\/(stdout|stderr)|proc\/self\/fd\/[12])$/;

export const run014: FilesystemCheck = {
  id: 'SGCI-RUN-014',
  section: 'RUN',
  reads: 'filesystem',
  title: { en: 'Logs go to stdout/stderr', de: 'Protokolle auf stdout/stderr' },
  level: 'MUST',
  references: [bsi('SYS.1.6.A7')],
  automation: ['image', 'manual'],
  decides:
    'Log files the software writes (/var/log, *.log under /app, /opt, /srv) are links to /dev/stdout or /dev/stderr; where none exist a reviewer confirms.',
  remediation: 'Write logs to stdout/stderr (or link the log files to /dev/stdout and /dev/stderr).',
  remediationDe:
    'Protokolle auf stdout/stderr schreiben (oder die Protokolldateien auf /dev/stdout und /dev/stderr verlinken).',
  evaluate(ctx) {
    if (!ctx.fs) return missingInput.filesystem;
    const linked: LocalizedEvidence[] = [];
    const files: LocalizedEvidence[] = [];
    for (const entry of ctx.fs.squashed.entries()) {
      if (!logFile.test(entry.path)) continue;
      if (entry.type === 'symlink' && entry.linkTarget && stdStreams.test(entry.linkTarget)) {
        linked.push({
          kind: 'file',
          path: entry.path,
          layer: entry.layer,
          message: `-> ${entry.linkTarget}`,
          messageDe: `-> ${entry.linkTarget}`,
        });
      } else if (entry.type === 'file' && entry.size > 0) {
        files.push({
          kind: 'file',
          path: entry.path,
          layer: entry.layer,
          message: `log file with ${entry.size} bytes`,
          messageDe: `Protokolldatei mit ${entry.size} Bytes`,
        });
      }
    }
    if (files.length > 0) return { status: 'warn', evidence: [...files, ...linked], remediation: this.remediation };
    if (linked.length > 0) return { status: 'pass', evidence: linked };
    return {
      status: 'manual',
      reason: 'no log files in the image; a reviewer confirms the application logs to stdout/stderr',
      reasonDe:
        'keine Protokolldateien im Image; ein Prüfer bestätigt, dass die Anwendung auf stdout/stderr protokolliert',
    };
  },
};
