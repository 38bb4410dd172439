/**
 * The real implementations the version orderings are checked against, each asked thousands of questions in one
 * process: dpkg's Dpkg::Version (libdpkg-perl, from dpkg's own source), rpm's rpmverCmp (python3-rpm), Python's
 * `packaging` (python3-packaging), composer/semver with PHP's version_compare (php-composer-semver) and Maven's
 * ComparableVersion (maven-artifact from libmaven3-core-java). All come from Debian packages that scripts/setup.sh
 * installs; a missing one fails the test with that hint.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import type { VersionScheme } from '../scheme.ts';

/** What the tool says about one pair: validity of each side and, when both are valid, the order. */
export interface Verdict {
  readonly validA: boolean;
  readonly validB: boolean;
  /** -1, 0 or 1; undefined when either side is invalid. */
  readonly order?: -1 | 0 | 1;
}

export interface Oracle {
  readonly name: string;
  /** The Debian package that provides it, named in the failure when it is missing. */
  readonly debianPackage: string;
  /**
   * What the tool's validity means: `judged` (it rejects what it cannot order: compared both ways), `everything`
   * (Maven orders any string: ours must accept every generated version), `superset` (Dpkg::Version lets through
   * strings the C dpkg rejects: validity is checked against `dpkg --validate-version` instead, and only ours-valid
   * versions are ordered here).
   */
  readonly validity: 'judged' | 'everything' | 'superset';
  ask(pairs: readonly (readonly [string, string])[]): Verdict[];
}

/** Debian's interpreter, not whatever `python3` comes first on PATH: the Debian modules are installed for it. */
const python = '/usr/bin/python3';
const composerAutoload = '/usr/share/php/Composer/Semver/autoload.php';
const mavenArtifactJar = '/usr/share/java/maven-artifact-3.x.jar';

function run(command: string, args: readonly string[], input: string, what: string): string {
  const result = spawnSync(command, args, { input, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  if (result.error || result.status !== 0) {
    throw new Error(`${what} failed: ${result.error?.message ?? result.stderr.slice(0, 2000)}`);
  }
  return result.stdout;
}

/** Lines `<validA><validB><order>` (`11<`, `10?`): the protocol of the Python and PHP drivers below. */
function parseVerdicts(output: string, count: number, what: string): Verdict[] {
  const lines = output.split('\n').filter((l) => l !== '');
  if (lines.length !== count) throw new Error(`${what} answered ${lines.length} of ${count} questions`);
  return lines.map((line) => {
    const order = line[2] === '<' ? -1 : line[2] === '=' ? 0 : line[2] === '>' ? 1 : undefined;
    return { validA: line[0] === '1', validB: line[1] === '1', ...(order === undefined ? {} : { order }) };
  });
}

const tsv = (pairs: readonly (readonly [string, string])[]) => pairs.map(([a, b]) => `${a}\t${b}\n`).join('');

function pythonOracle(name: string, debianPackage: string, parse: string, compare: string): Oracle {
  const script = `
import sys
${parse}
out = []
for line in sys.stdin.read().split('\\n'):
    if not line:
        continue
    a, b = line.split('\\t')
    x, y = parse(a), parse(b)
    o = '?' if x is None or y is None else '<=>'[${compare} + 1]
    out.append(('1' if x is not None else '0') + ('1' if y is not None else '0') + o)
print('\\n'.join(out))
`;
  return {
    name,
    debianPackage,
    validity: 'judged',
    ask: (pairs) => parseVerdicts(run(python, ['-c', script], tsv(pairs), name), pairs.length, name),
  };
}

/**
 * dpkg's Perl implementation (Dpkg::Version from the dpkg source package, which tests it against the C code):
 * `dpkg --compare-versions` answers one question per process, too slow for thousands.
 */
export const dpkgOracle: Oracle = {
  name: 'Dpkg::Version (libdpkg-perl)',
  debianPackage: 'libdpkg-perl',
  validity: 'superset',
  ask(pairs) {
    const script = `
use strict; use warnings; use Dpkg::Version;
my @out;
while (my $line = <STDIN>) {
  chomp $line;
  my ($a, $b) = split /\t/, $line, 2;
  my $x = Dpkg::Version->new($a, check => 1);
  my $y = Dpkg::Version->new($b, check => 1);
  my $o = (defined $x && defined $y) ? ('<', '=', '>')[(version_compare($a, $b) <=> 0) + 1] : '?';
  push @out, (defined $x ? '1' : '0') . (defined $y ? '1' : '0') . $o;
}
print join("\n", @out), "\n";
`;
    return parseVerdicts(run('perl', ['-e', script], tsv(pairs), this.name), pairs.length, this.name);
  },
};

/** rpm 4.18's rpm.ver: parseEVR, then rpmverCmp (the order `rpm -q --whatprovides`, dnf and labelCompare use). */
export const rpmOracle = pythonOracle(
  'rpm.ver (python3-rpm)',
  'python3-rpm',
  `import rpm
def parse(s):
    return rpm.ver(s) if s else None`,
  '(x > y) - (x < y)',
);

export const packagingOracle = pythonOracle(
  'packaging.version.Version (python3-packaging)',
  'python3-packaging',
  `from packaging.version import Version, InvalidVersion
def parse(s):
    try:
        return Version(s)
    except InvalidVersion:
        return None`,
  '(x > y) - (x < y)',
);

/** Composer's own view: VersionParser::normalize (invalid when it throws or gives a dev- branch), then version_compare. */
export const composerOracle: Oracle = {
  name: 'composer/semver VersionParser::normalize + version_compare (php-composer-semver)',
  debianPackage: 'php-composer-semver',
  validity: 'judged',
  ask(pairs) {
    const script = `
require '${composerAutoload}';
$p = new Composer\\Semver\\VersionParser();
$n = function ($v) use ($p) {
    try { $r = $p->normalize($v); } catch (\\Exception $e) { return null; }
    return strpos($r, 'dev-') === 0 ? null : $r;
};
$out = [];
foreach (explode("\\n", stream_get_contents(STDIN)) as $line) {
    if ($line === '') continue;
    [$a, $b] = explode("\\t", $line);
    $x = $n($a); $y = $n($b);
    $o = ($x === null || $y === null) ? '?' : '<=>'[version_compare($x, $y) + 1];
    $out[] = ($x === null ? '0' : '1') . ($y === null ? '0' : '1') . $o;
}
echo implode("\\n", $out), "\\n";
`;
    return parseVerdicts(run('php', ['-r', script], tsv(pairs), this.name), pairs.length, this.name);
  },
};

/**
 * Maven's ComparableVersion main prints `   a OP b` for each adjacent pair of its arguments; the pairs go in as
 * a1 b1 a2 b2 …, and every other line is an answer. Maven orders every string, so every side is valid.
 */
export const mavenOracle: Oracle = {
  name: 'ComparableVersion (maven-artifact, libmaven3-core-java)',
  debianPackage: 'libmaven3-core-java',
  validity: 'everything',
  ask(pairs) {
    const verdicts: Verdict[] = [];
    // Batches keep the command line well below ARG_MAX; C1 alone starts fastest for a short run.
    for (let start = 0; start < pairs.length; start += 20_000) {
      const batch = pairs.slice(start, start + 20_000);
      const args = [
        '-XX:TieredStopAtLevel=1',
        '-cp',
        mavenArtifactJar,
        'org.apache.maven.artifact.versioning.ComparableVersion',
      ];
      const output = run('java', [...args, ...batch.flat()], '', this.name);
      const lines = output.split('\n').filter((l) => l.startsWith('   '));
      batch.forEach(([a, b], i) => {
        const line = lines[2 * i] ?? '';
        const op = line.slice(3 + a.length + 1).split(' ')[0];
        if (line !== `   ${a} ${op} ${b}`) throw new Error(`${this.name}: unexpected answer ${JSON.stringify(line)}`);
        verdicts.push({ validA: true, validB: true, order: op === '<' ? -1 : op === '==' ? 0 : 1 });
      });
    }
    return verdicts;
  },
};

/** Why the oracle cannot run, or undefined when it can. */
export function oracleMissing(oracle: Oracle): string | undefined {
  const probes: Record<string, () => boolean> = {
    'libdpkg-perl': () => spawnSync('perl', ['-MDpkg::Version', '-e', '1']).status === 0,
    'python3-rpm': () => spawnSync(python, ['-c', 'import rpm']).status === 0,
    'python3-packaging': () => spawnSync(python, ['-c', 'import packaging.version']).status === 0,
    'php-composer-semver': () => existsSync(composerAutoload) && spawnSync('php', ['-v']).status === 0,
    'libmaven3-core-java': () => existsSync(mavenArtifactJar) && spawnSync('java', ['-version']).status === 0,
  };
  return probes[oracle.debianPackage]?.()
    ? undefined
    : `${oracle.name} is not installed: run scripts/setup.sh (Debian package ${oracle.debianPackage})`;
}

const symbol = (o: number | undefined) => (o === undefined ? '?' : o < 0 ? '<' : o > 0 ? '>' : '=');

/**
 * Checks a scheme against the real tool on a list of versions, in one oracle call:
 * - validity of every version, and
 * - the order: the valid versions sorted with ours, every adjacent step confirmed by the tool (`<` or `=`). Two
 *   total orders that agree on every step of one sorted chain agree on every pair, so this covers all n² pairs
 *   with n questions; `extraPairs` adds random pairs as a second look that does not rely on the tool being total.
 * Returns the disagreements as readable lines ([] when ours equals the tool's).
 */
export function disagreements(
  scheme: VersionScheme,
  oracle: Oracle,
  versions: readonly string[],
  extraPairs: readonly (readonly [string, string])[] = [],
): string[] {
  const unique = [...new Set(versions)];
  const valid = unique.filter((v) => scheme.valid(v)).sort((a, b) => scheme.compare(a, b));
  const chain = valid.slice(1).map((v, i) => [valid[i] as string, v] as const);
  const validity = oracle.validity === 'judged' ? unique.map((v) => [v, v] as const) : [];
  const pairs = [...validity, ...chain, ...extraPairs];
  const verdicts = oracle.ask(pairs);
  const problems: string[] =
    oracle.validity === 'everything'
      ? unique
          .filter((v) => !scheme.valid(v))
          .map((v) => `${JSON.stringify(v)}: the tool orders every string, ours rejects it`)
      : [];
  pairs.forEach(([a, b], i) => {
    const tool = verdicts[i] as Verdict;
    const oursA = scheme.valid(a);
    const oursB = scheme.valid(b);
    // A superset tool only has to accept what we accept.
    const judged = (ours: boolean, theirs: boolean) =>
      oracle.validity === 'judged' ? ours !== theirs : oracle.validity === 'superset' && ours && !theirs;
    if (judged(oursA, tool.validA))
      problems.push(`${JSON.stringify(a)}: tool valid=${tool.validA}, ours valid=${oursA}`);
    if (judged(oursB, tool.validB) && a !== b) {
      problems.push(`${JSON.stringify(b)}: tool valid=${tool.validB}, ours valid=${oursB}`);
    }
    if (!oursA || !oursB || tool.order === undefined) return;
    const ours = Math.sign(scheme.compare(a, b));
    if (ours !== tool.order) {
      problems.push(`${JSON.stringify(a)} vs ${JSON.stringify(b)}: tool ${symbol(tool.order)}, ours ${symbol(ours)}`);
    }
  });
  return [...new Set(problems)];
}

/** Random pairs drawn from a list, reproducibly. */
export function samplePairs(versions: readonly string[], count: number, seed: number): [string, string][] {
  const index = fc.nat(versions.length - 1);
  return fc
    .sample(fc.tuple(index, index), { numRuns: count, seed })
    .map(([i, j]) => [versions[i] as string, versions[j] as string]);
}

/** A list of real-world versions from testdata/real-versions (one per line, `#` comments). */
export function realVersions(name: string): string[] {
  return readFileSync(join(import.meta.dirname, 'real-versions', name), 'utf8')
    .split('\n')
    .filter((line) => line !== '' && !line.startsWith('#'));
}

/** Fails the test (never skips it) when the tool is missing: CI installs it with scripts/setup.sh. */
export function requireOracle(oracle: Oracle): void {
  const missing = oracleMissing(oracle);
  if (missing) throw new Error(missing);
}

/**
 * Antisymmetry and transitivity on generated triples (the chain check above relies on our order being total).
 * Comparisons are -1/0/1; `0 - x || 0` keeps -0 out of the equality.
 */
export function assertTotalOrder(scheme: VersionScheme, version: fc.Arbitrary<string>, seed: number): void {
  fc.assert(
    fc.property(version, version, version, (a, b, c) => {
      const ab = scheme.compare(a, b);
      if (ab !== (0 - scheme.compare(b, a) || 0)) throw new Error(`${scheme.name}: ${a} vs ${b} is not antisymmetric`);
      if (ab <= 0 && scheme.compare(b, c) <= 0 && scheme.compare(a, c) > 0) {
        throw new Error(`${scheme.name}: ${a} <= ${b} <= ${c} but ${a} > ${c}`);
      }
    }),
    { numRuns: 3000, seed },
  );
}
