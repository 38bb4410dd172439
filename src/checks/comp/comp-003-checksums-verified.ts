import type { Check } from '../check.ts';
import type { LocalizedEvidence } from '../evidence.ts';
import { missingInput } from '../missing-input.ts';
import { slsa } from '../references.ts';

const maxListed = 100;

/** Package databases that record per-file checksums. */
export const checksumDatabases = {
  globs: ['/var/lib/dpkg/info/*.md5sums', '/var/lib/dpkg/status.d/*.md5sums'],
  paths: ['/lib/apk/db/installed'],
} as const;

interface Expected {
  readonly path: string;
  readonly algorithm: 'md5' | 'sha1';
  readonly hex: string;
  readonly source: string;
}

function parseMd5sums(text: string, source: string): Expected[] {
  const out: Expected[] = [];
  for (const line of text.split('\n')) {
    const match = /^([0-9a-f]{32})\s+\*?(.+)$/.exec(line.trim());
    if (match?.[1] && match[2])
      out.push({ path: `/${match[2].replace(/^\.?\//, '')}`, algorithm: 'md5', hex: match[1], source });
  }
  return out;
}

/** apk `installed`: `F:` directory, `R:` file, `Z:Q1<base64 sha1>`. */
function parseApkInstalled(text: string, source: string): Expected[] {
  const out: Expected[] = [];
  let dir = '';
  let file: string | undefined;
  for (const line of text.split('\n')) {
    if (line === '') {
      dir = '';
      file = undefined;
    } else if (line.startsWith('F:')) dir = line.slice(2);
    else if (line.startsWith('R:')) file = line.slice(2);
    else if (line.startsWith('Z:Q1') && file !== undefined) {
      const hex = Buffer.from(line.slice(4), 'base64').toString('hex');
      out.push({ path: `/${dir ? `${dir}/` : ''}${file}`, algorithm: 'sha1', hex, source });
      file = undefined;
    }
  }
  return out;
}

export const comp003: Check = {
  id: 'SGCI-COMP-003',
  section: 'COMP',
  title: { en: 'Component checksums verified', de: 'Prüfsummen der Komponenten verifiziert' },
  level: 'SHOULD',
  references: [slsa('Build track: integrity of dependencies')],
  automation: ['image'],
  decides:
    "Installed files match their package's recorded checksums (dpkg md5sums, apk Z: checksums); mismatches are listed. rpm digests are not verified yet and are reported as such.",
  remediation: 'Rebuild the image from unmodified packages; do not patch packaged files in place.',
  remediationDe: 'Das Image aus unveränderten Paketen neu bauen; paketierte Dateien nicht nachträglich verändern.',
  needs: { globs: [...checksumDatabases.globs], paths: [...checksumDatabases.paths] },
  async evaluate(ctx) {
    if (!ctx.fs) return missingInput.filesystem;
    if (!ctx.fileDigests)
      return {
        status: 'not-applicable',
        reason: 'file digests were not taken during the pass',
        reasonDe: 'die Prüfsummen der Dateien wurden in diesem Durchlauf nicht berechnet',
      };
    const tree = ctx.fs.squashed;
    const expected: Expected[] = [];
    const decoder = new TextDecoder();
    for (const glob of checksumDatabases.globs) {
      for (const entry of tree.glob(glob)) {
        if (entry.type === 'file' && tree.hasContent(entry))
          for (const e of parseMd5sums(decoder.decode(await tree.read(entry)), entry.path)) expected.push(e);
      }
    }
    for (const path of checksumDatabases.paths) {
      const entry = tree.get(path);
      if (entry?.type === 'file' && tree.hasContent(entry))
        for (const e of parseApkInstalled(decoder.decode(await tree.read(entry)), path)) expected.push(e);
    }
    const rpm =
      tree.get('/var/lib/rpm/rpmdb.sqlite') ??
      tree.get('/var/lib/rpm/Packages') ??
      tree.get('/usr/lib/sysimage/rpm/rpmdb.sqlite');
    if (expected.length === 0) {
      return {
        status: 'not-applicable',
        reason: rpm
          ? 'rpm file digests are not verified by sgci yet'
          : 'no package database with file checksums (dpkg md5sums, apk) in the image',
        reasonDe: rpm
          ? 'die von rpm erfassten Prüfsummen der Dateien werden von sgci noch nicht verifiziert'
          : 'keine Paketdatenbank mit Prüfsummen der Dateien (dpkg md5sums, apk) im Image',
      };
    }
    const mismatches: LocalizedEvidence[] = [];
    let verified = 0;
    let missing = 0;
    for (const item of expected) {
      // Direct lookup first: resolving symlinks component by component is the slow path (merged /usr).
      const entry = tree.get(item.path) ?? tree.get(item.path, { followSymlinks: true });
      if (entry?.type !== 'file') {
        missing++;
        continue;
      }
      const key = `${entry.layer}:${entry.path}`;
      const actual = item.algorithm === 'md5' ? ctx.fileDigests.md5.get(key) : ctx.fileDigests.sha1?.get(key);
      if (actual === undefined) {
        missing++;
        continue;
      }
      if (actual === item.hex) verified++;
      else
        mismatches.push({
          kind: 'file',
          path: item.path,
          layer: entry.layer,
          message: `${item.algorithm} ${actual} != ${item.hex} recorded in ${item.source}`,
          messageDe: `${item.algorithm} ${actual} != ${item.hex}, hinterlegt in ${item.source}`,
        });
    }
    const summary: LocalizedEvidence = {
      kind: 'note',
      message: `${verified} files verified against ${expected.length} recorded checksums; ${mismatches.length} mismatches; ${missing} recorded files absent`,
      messageDe: `${verified} Dateien gegen ${expected.length} hinterlegte Prüfsummen verifiziert; ${mismatches.length} Abweichungen; ${missing} hinterlegte Dateien fehlen`,
    };
    if (mismatches.length > 0) {
      return { status: 'fail', evidence: [summary, ...mismatches.slice(0, maxListed)], remediation: this.remediation };
    }
    return { status: 'pass', evidence: [summary] };
  },
};
