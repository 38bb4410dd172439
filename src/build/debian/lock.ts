/**
 * The lock (`NAME.lock.json` beside `NAME.yaml`): everything a resolution decided, so a later build can prove it decides the same (or run
 * from the cache without the network): the configuration's digest, per suite the chain of trust (InRelease
 * digest, signer, Date, Valid-Until, each index), per architecture each package with its `.deb` digest and why
 * it is in the closure, and what each exclude cut.
 */
import { z } from 'zod';
import { parseUntrustedJson, SgciError } from '../../core/index.ts';
import type { ExpectedFile } from './files.ts';
import type { Why } from './resolve.ts';
import type { DebFile, Resolution } from './resolve-debian.ts';

const sha256 = z.string().regex(/^[0-9a-f]{64}$/);
const file = z.object({ sha256, size: z.number().int().nonnegative() }).strict();

const lockedSuite = z
  .object({
    url: z.string(),
    suite: z.string(),
    snapshot: z.string().nullable(),
    inRelease: file,
    signer: z.string(),
    signingKey: z.string(),
    date: z.string(),
    validUntil: z.string().nullable(),
    indices: z.array(z.object({ path: z.string(), sha256, size: z.number().int().nonnegative() }).strict()),
  })
  .strict();

const lockedPackage = z
  .object({
    name: z.string(),
    version: z.string(),
    architecture: z.string(),
    source: z.string(),
    sourceVersion: z.string(),
    url: z.string(),
    suite: z.string(),
    component: z.string(),
    filename: z.string(),
    size: z.number().int().nonnegative(),
    sha256,
    why: z.string(),
  })
  .strict();

const cut = z.object({ from: z.string(), field: z.enum(['Pre-Depends', 'Depends']), relation: z.string() }).strict();

const lockSchema = z
  .object({
    lockVersion: z.literal(1),
    configDigest: z.string(),
    suites: z.array(lockedSuite),
    architectures: z.array(
      z
        .object({
          architecture: z.string(),
          packages: z.array(lockedPackage),
          excluded: z.array(z.object({ name: z.string(), cuts: z.array(cut) }).strict()),
        })
        .strict(),
    ),
  })
  .strict();

export type Lock = z.infer<typeof lockSchema>;
export type LockedSuite = z.infer<typeof lockedSuite>;
export type LockedPackage = z.infer<typeof lockedPackage>;

/** One line a person reads in a diff: `requested: tzdata` or `libssl3 Depends: libc6 (>= 2.34)`. */
export function formatWhy(why: Why): string {
  return why.kind === 'requested' ? `requested: ${why.relation}` : `${why.parent} ${why.field}: ${why.relation}`;
}

export function lockOf(resolution: Resolution, configDigest: string): Lock {
  return {
    lockVersion: 1,
    configDigest,
    suites: resolution.suites.map((s) => ({
      url: s.url,
      suite: s.suite,
      snapshot: s.snapshot ?? null,
      inRelease: { sha256: s.inRelease.sha256, size: s.inRelease.size },
      signer: s.signer,
      signingKey: s.signingKey,
      date: s.date,
      validUntil: s.validUntil ?? null,
      indices: s.indices.map((i) => ({ path: i.path, sha256: i.sha256, size: i.size })),
    })),
    architectures: resolution.closures.map((c) => ({
      architecture: c.architecture,
      packages: c.packages.map((p) => ({
        name: p.name,
        version: p.version,
        architecture: p.architecture,
        source: p.source,
        sourceVersion: p.sourceVersion,
        url: p.origin.url,
        suite: p.origin.suite,
        component: p.origin.component,
        filename: p.filename,
        size: p.size,
        sha256: p.sha256,
        why: formatWhy(p.why),
      })),
      excluded: c.excluded.map((e) => ({ name: e.name, cuts: e.cuts.map((x) => ({ ...x })) })),
    })),
  };
}

/** Two-space JSON with a final newline, keys in the order above: stable bytes, readable diffs in review. */
export function serializeLock(lock: Lock): string {
  return `${JSON.stringify(lock, null, 2)}\n`;
}

export function parseLock(text: string, input: string): Lock {
  const parsed = lockSchema.safeParse(parseUntrustedJson(text, input, 'CONFIG_INVALID', 'lock file'));
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.join('.') || '(root)';
    throw new SgciError('CONFIG_INVALID', input, `not an sgci lock: ${where}: ${issue?.message ?? 'invalid'}`);
  }
  return parsed.data;
}

/**
 * The packages a lock names for one architecture, ready for `fetchPackages`: a build from a lock fetches the
 * same `.deb`s by the digests the verified resolution recorded, without reading the indices again.
 */
export function lockedPackages(lock: Lock, architecture: string): (DebFile & { readonly why: string })[] {
  const locked = lock.architectures.find((a) => a.architecture === architecture);
  if (!locked) throw new SgciError('CONFIG_INVALID', 'lock', `the lock has no packages for ${architecture}`);
  return locked.packages.map((p) => ({
    name: p.name,
    version: p.version,
    architecture: p.architecture,
    source: p.source,
    sourceVersion: p.sourceVersion,
    filename: p.filename,
    size: p.size,
    sha256: p.sha256,
    origin: { url: p.url, suite: p.suite, component: p.component },
    why: p.why,
  }));
}

/** What a lock pins for a source URL and suite, its InRelease and index forms: for `ResolveOptions.pinned`. */
export function lockPins(lock: Lock): (url: string, suite: string) => SuitePin | undefined {
  const bySuite = new Map(
    lock.suites.map((s) => {
      const prefix = `dists/${s.suite}/`;
      const indices = new Map(
        s.indices
          .filter((i) => i.path.startsWith(prefix))
          .map((i) => [i.path.slice(prefix.length), { sha256: i.sha256, size: i.size }] as const),
      );
      return [`${s.url} ${s.suite}`, { inRelease: s.inRelease, indices }];
    }),
  );
  return (url, suite) => bySuite.get(`${url} ${suite}`);
}

/**
 * What a lock pins of one suite: its InRelease, and the index forms it read (paths below `dists/<suite>/`) with their
 * size and sha256.
 */
export interface SuitePin {
  readonly inRelease: ExpectedFile;
  readonly indices: ReadonlyMap<string, ExpectedFile>;
}

/**
 * What a fresh resolution changes against the lock, one readable line each (`+` new, `-` gone, `~` changed),
 * grouped by configuration, suites and architectures; empty when the two agree.
 */
export function diffLock(locked: Lock, fresh: Lock): string[] {
  const lines: string[] = [];
  if (locked.configDigest !== fresh.configDigest) {
    lines.push(`~ configuration ${locked.configDigest} → ${fresh.configDigest}`);
  }
  diffKeyed(
    lines,
    locked.suites,
    fresh.suites,
    (s) => `${s.url} ${s.suite}`,
    (s) => `suite ${s.url} ${s.suite}`,
    (a, b) => [
      ...changed('InRelease', `sha256:${a.inRelease.sha256}`, `sha256:${b.inRelease.sha256}`),
      ...changed('signer', a.signer, b.signer),
      ...changed('Date', a.date, b.date),
      ...changed('Valid-Until', a.validUntil ?? '(none)', b.validUntil ?? '(none)'),
      ...changed('snapshot', a.snapshot ?? '(build time)', b.snapshot ?? '(build time)'),
      ...diffIndices(a.indices, b.indices),
    ],
  );
  diffKeyed(
    lines,
    locked.architectures,
    fresh.architectures,
    (a) => a.architecture,
    (a) => `architecture ${a.architecture}`,
    (a, b) => {
      const out: string[] = [];
      diffKeyed(
        out,
        a.packages,
        b.packages,
        (p) => p.name,
        (p) => `${p.name} ${p.version}`,
        (x, y) => [
          ...changed('version', x.version, y.version),
          ...changed('sha256', x.sha256, y.sha256),
          ...changed('size', String(x.size), String(y.size)),
          ...changed('from', `${x.url} ${x.suite}/${x.component}`, `${y.url} ${y.suite}/${y.component}`),
          ...changed('why', x.why, y.why),
        ],
      );
      diffKeyed(
        out,
        a.excluded,
        b.excluded,
        (e) => e.name,
        (e) => `exclude ${e.name}`,
        (x, y) => changed('cuts', x.cuts.map(formatCut).join('; '), y.cuts.map(formatCut).join('; ')),
      );
      return out.map((line) => `  ${line}`);
    },
  );
  return lines;
}

function formatCut(c: { from: string; field: string; relation: string }): string {
  return `${c.from} ${c.field}: ${c.relation}`;
}

function changed(what: string, a: string, b: string): string[] {
  return a === b ? [] : [`${what} ${a} → ${b}`];
}

function diffIndices(a: Lock['suites'][number]['indices'], b: Lock['suites'][number]['indices']): string[] {
  const out: string[] = [];
  diffKeyed(
    out,
    a,
    b,
    (i) => i.path,
    (i) => `index ${i.path}`,
    (x, y) => changed('sha256', x.sha256, y.sha256),
  );
  return out;
}

/** Appends `+ label`, `- label` and `~ label: change` lines; a changed entry's own lines come indented below it. */
function diffKeyed<T>(
  lines: string[],
  before: readonly T[],
  after: readonly T[],
  key: (x: T) => string,
  label: (x: T) => string,
  compare: (a: T, b: T) => string[],
): void {
  const old = new Map(before.map((x) => [key(x), x]));
  const now = new Map(after.map((x) => [key(x), x]));
  const keys = [...new Set([...old.keys(), ...now.keys()])].sort();
  for (const k of keys) {
    const a = old.get(k);
    const b = now.get(k);
    if (a && !b) lines.push(`- ${label(a)}`);
    else if (!a && b) lines.push(`+ ${label(b)}`);
    else if (a && b) {
      const changes = compare(a, b);
      if (changes.length === 1 && !changes[0]?.startsWith(' ')) lines.push(`~ ${label(a)}: ${changes[0]}`);
      else if (changes.length > 0) {
        lines.push(`~ ${label(a)}`);
        for (const c of changes) lines.push(`  ${c}`);
      }
    }
  }
}
