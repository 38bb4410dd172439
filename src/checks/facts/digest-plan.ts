/** The algorithms the digest sink can take, in its order: bit i of a mask stands for `digestAlgorithms[i]`. */
export const digestAlgorithms = ['md5', 'sha1', 'sha256'] as const;

const md5 = 1;
const sha1 = 2;
const sha256 = 4;
const allAlgorithms = md5 | sha1 | sha256;

/**
 * Files that show a package manager in the image, and the algorithms its database records files with
 * (what SGCI-COMP-003 compares): dpkg md5sums; apk `Z:` sha1; rpm headers the header's algorithm, sha256 since
 * rpm 4.6 and md5 in older headers (parse-header.ts: md5 where the header names none).
 */
const evidence: readonly {
  readonly prefixes: readonly string[];
  readonly paths: readonly string[];
  readonly mask: number;
}[] = [
  { prefixes: ['/var/lib/dpkg/'], paths: ['/etc/debian_version'], mask: md5 },
  { prefixes: ['/lib/apk/db/'], paths: ['/etc/alpine-release'], mask: sha1 },
  {
    prefixes: ['/var/lib/rpm/', '/usr/lib/sysimage/rpm/'],
    paths: ['/etc/redhat-release', '/etc/system-release', '/etc/fedora-release', '/etc/SuSE-release'],
    mask: md5 | sha256,
  },
];

/**
 * Which algorithms each file of the pass is hashed with, decided when it opens from the package-database
 * evidence seen so far in the pass (its layer and those below, in tar order): all three before any, then only
 * those the package managers seen can ask for. Hashing md5, sha1 and sha256 of every file cost 2.45 ns a byte,
 * md5 alone 1.31 (issue 17), and most images have one package manager.
 *
 * Evidence only adds algorithms. This is a saving, never a verdict: a database that turns up after files were
 * hashed without its algorithm (a second package manager, or a hostile tar order) finds them "hashed, not with
 * this algorithm", which COMP-003 hashes again after the pass or reports as not verified, never as absent nor
 * verified.
 */
function startsWithAny(path: string, prefixes: readonly string[]): boolean {
  for (let i = 0; i < prefixes.length; i++) if (path.startsWith(prefixes[i] as string)) return true;
  return false;
}

export class DigestPlan {
  #evidenced = 0;

  /** The algorithms (a mask over `digestAlgorithms`) to hash the file at `path` with; the file counts as evidence first. */
  open(path: string): number {
    // indexed, without a closure: asked for every file of the pass
    for (let i = 0; i < evidence.length; i++) {
      const { prefixes, paths, mask } = evidence[i] as (typeof evidence)[number];
      if ((this.#evidenced & mask) === mask) continue;
      if (paths.includes(path) || startsWithAny(path, prefixes)) this.#evidenced |= mask;
    }
    return this.#evidenced === 0 ? allAlgorithms : this.#evidenced;
  }
}
