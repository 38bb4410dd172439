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

/** A recorded file the pass hashed, but without the algorithm its database names. */
interface Untaken {
  readonly item: Expected;
  readonly layer: number;
  readonly key: string;
  readonly digests: DigestLookup;
}

/**
 * Compares the untaken files once their digests are taken after the pass (only their layers are read again);
 * those still without a digest (the image cannot be read again, or reading failed) are neither verified nor
 * absent: a note says how many and why.
 */
async function verifyUntaken(
  fileDigests: FileDigests,
  untaken: readonly Untaken[],
  compare: (item: Expected, layer: number, actual: string) => void,
): Promise<{ message: string; messageDe: string } | undefined> {
  if (untaken.length === 0) return undefined;
  let failure: string | undefined;
  if (fileDigests.retake !== undefined) {
    try {
      await fileDigests.retake(untaken.map(({ key, item }) => ({ key, algorithm: item.algorithm })));
    } catch (error) {
      failure = describe(error);
    }
  }
  let unverified = 0;
  for (const { item, layer, key, digests } of untaken) {
    const actual = digests.untaken(key) ? undefined : digests.get(key);
    if (actual === undefined) unverified++;
    else compare(item, layer, actual);
  }
  if (unverified === 0) return undefined;
  const why =
    failure !== undefined
      ? {
          en: `reading their layers again failed: ${failure}`,
          de: `das erneute Lesen ihrer Schichten scheiterte: ${failure}`,
        }
      : fileDigests.retake === undefined
        ? { en: 'this run cannot read the image again', de: 'dieser Lauf kann das Image nicht erneut lesen' }
        : {
            en: 'they were not found when their layers were read again',
            de: 'sie fanden sich beim erneuten Lesen ihrer Schichten nicht',
          };
  return {
    message: `${unverified} recorded files not verified: the pass hashed them before their package database asked for the algorithm, and ${why.en}`,
    messageDe: `${unverified} hinterlegte Dateien nicht verifiziert: der Durchlauf hat sie berechnet, bevor ihre Paketdatenbank den Algorithmus verlangte, und ${why.de}`,
  };
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
    "Installed files match their package's recorded checksums (dpkg md5sums, apk Z: checksums, rpm file digests in the header's algorithm, %config files left out as dpkg's conffiles are); mismatches are listed. A file whose digest the pass did not take is hashed again from its layer; where that cannot be done it is reported as not verified (manual), never as absent or verified.",
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
    const compare = (item: Expected, layer: number, actual: string) => {
      if (actual === item.hex) verified++;
      else
        mismatches.push({
          kind: 'file',
          path: item.path,
          layer,
          message: `${item.algorithm} ${actual} != ${item.hex} recorded in ${item.source}`,
          messageDe: `${item.algorithm} ${actual} != ${item.hex}, hinterlegt in ${item.source}`,
        });
    };
    // Files the pass hashed without the algorithm their database asks for (DigestPlan): taken again below.
    const untaken: Untaken[] = [];
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
      const key = `${entry.layer}:${entry.path}`;
      if (digests.untaken(key)) {
        untaken.push({ item, layer: entry.layer, key, digests });
        continue;
      }
      const actual = digests.get(key);
      if (actual === undefined) missing++;
      else compare(item, entry.layer, actual);
    }
    const unverified = await verifyUntaken(ctx.fileDigests, untaken, compare);
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
    if (unverified !== undefined) notes.push({ kind: 'note', ...unverified });
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
    if (unverified !== undefined) {
      // unknown is not unmodified: these files must not make the check pass
      return { status: 'manual', reason: unverified.message, reasonDe: unverified.messageDe, evidence };
    }
    return { status: 'pass', evidence };
  },
};
