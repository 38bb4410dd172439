/**
 * The stanzas of a verified Packages index: what resolution needs (name, version, architecture,
 * Multi-Arch, Pre-Depends, Depends, Provides) and what fetching the `.deb` needs (Filename, Size, SHA256).
 * Relationship fields stay text until the resolver reaches the package: most of a suite is never read.
 */
import { SgciError } from '../../core/index.ts';
import { parseDpkgVersion } from '../../version/index.ts';
import { paragraphs, required } from './deb822.ts';

export type MultiArch = 'no' | 'same' | 'foreign' | 'allowed';

/** Where a package was listed: the source URL, the suite and the component. */
export interface PackageOrigin {
  readonly url: string;
  readonly suite: string;
  readonly component: string;
}

export interface BinaryPackage {
  readonly name: string;
  readonly version: string;
  readonly architecture: string;
  readonly multiArch: MultiArch;
  /** The source package's name and, where it differs from the binary's, its version. */
  readonly source: string;
  readonly sourceVersion: string;
  readonly essential: boolean;
  readonly priority: string | undefined;
  readonly preDepends: string | undefined;
  readonly depends: string | undefined;
  readonly provides: string | undefined;
  /** Checked on the closure: two chosen packages that exclude each other are refused. */
  readonly conflicts: string | undefined;
  readonly breaks: string | undefined;
  readonly filename: string;
  readonly size: number;
  readonly sha256: string;
  readonly origin: PackageOrigin;
}

const fields = new Set([
  'package',
  'version',
  'architecture',
  'multi-arch',
  'source',
  'essential',
  'priority',
  'pre-depends',
  'depends',
  'provides',
  'conflicts',
  'breaks',
  'filename',
  'size',
  'sha256',
]);

const multiArchValues = new Set<string>(['no', 'same', 'foreign', 'allowed']);

export function parsePackages(text: string | Buffer, origin: PackageOrigin, input: string): BinaryPackage[] {
  const out: BinaryPackage[] = [];
  for (const p of paragraphs(text, input, fields)) {
    const name = required(p, 'package', input);
    const where = `${input} (${name})`;
    const version = required(p, 'version', where);
    if (!parseDpkgVersion(version)) throw new SgciError('REPOSITORY_INVALID', where, `invalid Version ${version}`);
    const size = Number(required(p, 'size', where));
    const sha256 = required(p, 'sha256', where);
    // the form of SHA256 and Filename is checked where they are used (the digest, the repository path): most
    // stanzas of a suite never are
    if (!Number.isSafeInteger(size) || size < 0 || sha256.length !== 64) {
      throw new SgciError('REPOSITORY_INVALID', where, 'malformed Size or SHA256');
    }
    const multiArch = (p.get('multi-arch') ?? 'no').toLowerCase();
    // "Source: name (version)" when the binary's version differs from the source's
    const [, sourceName = name, sourceVersion = version] = /^(\S+)(?:\s+\((\S+)\))?$/.exec(p.get('source') ?? '') ?? [];
    out.push({
      name,
      version,
      architecture: required(p, 'architecture', where),
      multiArch: (multiArchValues.has(multiArch) ? multiArch : 'no') as MultiArch,
      source: sourceName,
      sourceVersion,
      essential: p.get('essential')?.toLowerCase() === 'yes',
      priority: p.get('priority'),
      preDepends: p.get('pre-depends'),
      depends: p.get('depends'),
      provides: p.get('provides'),
      conflicts: p.get('conflicts'),
      breaks: p.get('breaks'),
      filename: required(p, 'filename', where),
      size,
      sha256,
      origin,
    });
  }
  return out;
}

/**
 * The stanzas of `names` only, found by a byte scan for `Package:` at the start of a line: a locked build checks
 * a dozen packages against a 50 MB index without decoding or parsing the other 60 000 stanzas. A stanza spelled
 * otherwise (`package:`) is not found, so the check fails closed.
 */
export function parseNamedPackages(
  text: Buffer,
  names: ReadonlySet<string>,
  origin: PackageOrigin,
  input: string,
): BinaryPackage[] {
  const out: BinaryPackage[] = [];
  const field = 'Package:';
  for (let at = text.indexOf(field) === 0 ? 0 : text.indexOf(`\n${field}`); at >= 0; ) {
    const start = text[at] === 10 ? at + 1 : at;
    const lineEnd = text.indexOf(10, start);
    const name = text.toString('utf8', start + field.length, lineEnd < 0 ? text.length : lineEnd).trim();
    const blank = text.indexOf('\n\n', start);
    const end = blank < 0 ? text.length : blank;
    if (names.has(name)) {
      for (const p of parsePackages(text.subarray(start, end), origin, input)) out.push(p);
    }
    at = text.indexOf(`\n${field}`, end);
  }
  return out;
}
