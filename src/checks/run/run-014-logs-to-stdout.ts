import type { Check } from '../check.ts';
import type { Evidence } from '../evidence.ts';
import { bsi } from '../references.ts';

const logFile = /^\/(var\/log\/.+|(app|opt|srv|usr\/local)\/.*\.log)$/;
const stdStreams = /^\/(dev\/(stdout|stderr)|proc\/self\/fd\/[12])$/;

export const run014: Check = {
  id: 'SGCI-RUN-014',
  section: 'RUN',
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
    if (!ctx.fs) return { status: 'not-applicable', reason: 'the image filesystem was not read (no image given)' };
    const linked: Evidence[] = [];
    const files: Evidence[] = [];
    for (const entry of ctx.fs.squashed.entries()) {
      if (!logFile.test(entry.path)) continue;
      if (entry.type === 'symlink' && entry.linkTarget && stdStreams.test(entry.linkTarget)) {
        linked.push({ kind: 'file', path: entry.path, layer: entry.layer, message: `-> ${entry.linkTarget}` });
      } else if (entry.type === 'file' && entry.size > 0) {
        files.push({
          kind: 'file',
          path: entry.path,
          layer: entry.layer,
          message: `log file with ${entry.size} bytes`,
        });
      }
    }
    if (files.length > 0) return { status: 'warn', evidence: [...files, ...linked], remediation: this.remediation };
    if (linked.length > 0) return { status: 'pass', evidence: linked };
    return {
      status: 'manual',
      reason: 'no log files in the image; a reviewer confirms the application logs to stdout/stderr',
    };
  },
};
