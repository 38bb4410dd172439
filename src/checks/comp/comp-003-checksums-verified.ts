import { readRpmDatabase, rpmDatabases } from '../../catalog/index.ts';
import { describe } from '../../core/index.ts';
import type { DigestLookup, FileDigests, FilesystemCheck } from '../check.ts';
import type { LocalizedEvidence } from '../evidence.ts';
import { missingInput } from '../missing-input.ts';
import { slsa } from '../references.ts';

const maxListed = 100;

/** Package databases that record per-file checksums. */
export const checksumDatabases = {
  globs: ['/var/lib/dpkg/info/*.md5sums', '/var/lib/dpkg/status.d/*.md5sums'],
  paths: ['/lib/apk/db/installed', ...rpmDatabases.read],
} as const;

interface Expected {
  readonly path: string;
  /** As the database names it; the pass takes md5, sha1 and sha256 (see `hashed`). */
  readonly algorithm: string;
  readonly hex: string;
  readonly source: string;
}

/** The digests the pass takes of each packaged file, by algorithm. */
function hashed(digests: FileDigests, algorithm: string): DigestLookup | undefined {
  return algorithm === 'md5'
    ? digests.md5
    : algorithm === 'sha1'
      ? digests.sha1
      : algorithm === 'sha256'
        ? digests.sha256
        : undefined;
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

/** rpm: each header's per-file digests, in the header's digest algorithm (rpm -V's digest check). */
function rpmExpected(path: string, bytes: Uint8Array, problems: string[]): Expected[] {
  const out: Expected[] = [];
  for (const header of readRpmDatabase(path, bytes, problems))
    for (const f of header.verifiable)
      out.push({ path: f.path, algorithm: f.algorithm, hex: f.hex, source: `${path} (${header.name})` });
  return out;
}

export const comp003: FilesystemCheck = {
  id: 'SGCI-COMP-003',
  section: 'COMP',
  reads: 'filesystem',
  passFacts: ['file-digests'],
  title: { en: 'Component checksums verified', de: 'Prüfsummen der Komponenten verifiziert' },
  level: 'SHOULD',
  references: [slsa('Build track: integrity of dependencies')],
  automation: ['image'],
  decides:
    "Installed files match their package's recorded checksums (dpkg md5sums, apk Z: checksums, rpm file digests in the header's algorithm, %config files left out as dpkg's conffiles are); mismatches are listed.",
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
    const unreadable: LocalizedEvidence[] = [];
    const decoder = new TextDecoder();
    for (const glob of checksumDatabases.globs) {
      for (const entry of tree.glob(glob)) {
        if (entry.type === 'file' && tree.hasContent(entry))
          for (const e of parseMd5sums(decoder.decode(await tree.read(entry)), entry.path)) expected.push(e);
      }
    }
    const apk = tree.get('/lib/apk/db/installed');
    if (apk?.type === 'file' && tree.hasContent(apk))
      for (const e of parseApkInstalled(decoder.decode(await tree.read(apk)), apk.path)) expected.push(e);
    for (const path of rpmDatabases.read) {
      const entry = tree.get(path);
      if (entry?.type !== 'file' || !tree.hasContent(entry)) continue;
      const problems: string[] = [];
      try {
        for (const e of rpmExpected(path, await tree.read(entry), problems)) expected.push(e);
      } catch (error) {
        problems.push(describe(error));
      }
      for (const problem of problems)
        unreadable.push({
          kind: 'file',
          path,
          layer: entry.layer,
          message: `not read: ${problem}`,
          messageDe: `nicht gelesen: ${problem}`,
        });
    }
    const berkeleyDb = rpmDatabases.berkeleyDb.find((path) => tree.get(path)?.type === 'file');
    if (expected.length === 0 && (unreadable.length > 0 || berkeleyDb)) {
      // a package database is there but gave no checksums: nothing shows the files unmodified
      return {
        status: 'manual',
        reason: berkeleyDb
          ? `the rpm database ${berkeleyDb} is a Berkeley DB, which sgci does not read`
          : 'the rpm database could not be read',
        reasonDe: berkeleyDb
          ? `die rpm-Datenbank ${berkeleyDb} ist eine Berkeley DB, die sgci nicht liest`
          : 'die rpm-Datenbank konnte nicht gelesen werden',
        ...(unreadable.length > 0 ? { evidence: unreadable.slice(0, maxListed) } : {}),
      };
    }
    if (expected.length === 0) {
      return {
        status: 'not-applicable',
        reason: 'no package database with file checksums (dpkg md5sums, apk, rpm) in the image',
        reasonDe: 'keine Paketdatenbank mit Prüfsummen der Dateien (dpkg md5sums, apk, rpm) im Image',
      };
    }
    const mismatches: LocalizedEvidence[] = [];
    let verified = 0;
    let missing = 0;
    const otherAlgorithms = new Map<string, number>();
    for (const item of expected) {
      const digests = hashed(ctx.fileDigests, item.algorithm);
      if (!digests) {
        otherAlgorithms.set(item.algorithm, (otherAlgorithms.get(item.algorithm) ?? 0) + 1);
        continue;
      }
      // Direct lookup first: resolving symlinks component by component is the slow path (merged /usr).
      const entry = tree.get(item.path) ?? tree.get(item.path, { followSymlinks: true });
      if (entry?.type !== 'file') {
        missing++;
        continue;
      }
      const actual = digests.get(`${entry.layer}:${entry.path}`);
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
    const notes: LocalizedEvidence[] = [...otherAlgorithms].map(([algorithm, count]) => ({
      kind: 'note',
      message: `${count} recorded ${algorithm} digests not verified: sgci takes md5, sha1 and sha256`,
      messageDe: `${count} hinterlegte ${algorithm}-Prüfsummen nicht verifiziert: sgci berechnet md5, sha1 und sha256`,
    }));
    const evidence = [summary, ...notes, ...unreadable.slice(0, maxListed)];
    if (mismatches.length === 0 && verified === 0 && otherAlgorithms.size > 0) {
      const names = [...otherAlgorithms.keys()].join(', ');
      return {
        status: 'manual',
        reason: `the recorded digests use ${names}, which sgci does not take`,
        reasonDe: `die hinterlegten Prüfsummen verwenden ${names}, das sgci nicht berechnet`,
        evidence,
      };
    }
    if (mismatches.length > 0) {
      return {
        status: 'fail',
        evidence: [...evidence, ...mismatches.slice(0, maxListed)],
        remediation: this.remediation,
      };
    }
    return { status: 'pass', evidence };
  },
};
