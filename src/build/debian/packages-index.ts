/**
 * A verified Packages index, read by name: one pass over the bytes finds each stanza, its `Package` and its
 * `Provides`; a stanza is parsed when the resolver first asks for its name. A closure touches a few hundred of a
 * suite's 60 000 stanzas, so the rest are never decoded (a 50 MB index took 0.5 s to parse whole, and its 60 000
 * parsed packages lived on the heap through resolution).
 */
import { SgciError } from '../../core/index.ts';
import { isFieldName } from './deb822.ts';
import { type BinaryPackage, type PackageOrigin, parsePackages } from './packages.ts';
import { parseRelations } from './relations.ts';

/** What the universe asks of its indices: every stanza of a name, and who may provide a virtual name. */
export interface PackageListing {
  /** Every stanza named `name`, in index order. */
  listed(name: string): readonly BinaryPackage[];
  /** The names of the packages with a stanza whose `Provides` names `name` (of any version: candidates decide). */
  providing(name: string): readonly string[];
  /** Every stanza, in index order. */
  all(): readonly BinaryPackage[];
}

/** Packages already parsed, listed by name: the stanzas a locked build checks, and tests' universes. */
export class PackageList implements PackageListing {
  readonly #all: readonly BinaryPackage[];
  readonly #byName = new Map<string, BinaryPackage[]>();
  readonly #providing = new Map<string, string[]>();

  constructor(packages: readonly BinaryPackage[]) {
    this.#all = packages;
    for (const p of packages) {
      const list = this.#byName.get(p.name);
      if (list) list.push(p);
      else this.#byName.set(p.name, [p]);
      addProvides(this.#providing, p.name, p.provides, p.name);
    }
  }

  listed(name: string): readonly BinaryPackage[] {
    return this.#byName.get(name) ?? [];
  }

  providing(name: string): readonly string[] {
    return this.#providing.get(name) ?? [];
  }

  all(): readonly BinaryPackage[] {
    return this.#all;
  }
}

/**
 * Notes that `name` provides what its Provides field names, in order of first mention; a name whose stanzas are
 * not next to each other may be noted twice (the universe asks for each name once).
 */
function addProvides(providing: Map<string, string[]>, name: string, provides: string | undefined, input: string) {
  for (const [provided] of parseRelations(provides, `${input} Provides`)) {
    if (!provided) continue;
    const list = providing.get(provided.name);
    if (list === undefined) providing.set(provided.name, [name]);
    else if (list.at(-1) !== name) list.push(name);
  }
}

const LF = 10;
const CR = 13;
const COLON = 58;
const HASH = 35;

/** A verified Packages index's bytes, listed by name (see above); the stanzas asked for are parsed once. */
export class PackagesIndex implements PackageListing {
  readonly #text: Buffer;
  readonly #origin: PackageOrigin;
  readonly #input: string;
  /** Stanza `i` is `#text[#bounds[2i], #bounds[2i + 1])`. */
  readonly #bounds: readonly number[];
  /** A name's stanzas, by number. */
  readonly #byName = new Map<string, number | number[]>();
  readonly #providing = new Map<string, string[]>();
  readonly #parsed = new Map<string, readonly BinaryPackage[]>();

  constructor(text: Buffer, origin: PackageOrigin, input: string) {
    this.#text = text;
    this.#origin = origin;
    this.#input = input;
    const { bounds, names, provides } = scanStanzas(text, input);
    this.#bounds = bounds;
    const byName = this.#byName;
    for (let id = 0; id < names.length; id++) {
      const name = names[id] as string;
      const ids = byName.get(name);
      if (ids === undefined) byName.set(name, id);
      else if (typeof ids === 'number') byName.set(name, [ids, id]);
      else ids.push(id);
    }
    for (const [id, value] of provides) {
      const name = names[id] as string;
      addProvides(this.#providing, name, value, `${input} (${name})`);
    }
  }

  listed(name: string): readonly BinaryPackage[] {
    let out = this.#parsed.get(name);
    if (out === undefined) {
      const ids = this.#byName.get(name);
      out = ids === undefined ? [] : (typeof ids === 'number' ? [ids] : ids).flatMap((id) => this.#stanza(id));
      this.#parsed.set(name, out);
    }
    return out;
  }

  providing(name: string): readonly string[] {
    return this.#providing.get(name) ?? [];
  }

  all(): BinaryPackage[] {
    const out: BinaryPackage[] = [];
    for (let id = 0; id < this.#bounds.length / 2; id++) for (const p of this.#stanza(id)) out.push(p);
    return out;
  }

  #stanza(id: number): BinaryPackage[] {
    const text = this.#text.subarray(this.#bounds[2 * id], this.#bounds[2 * id + 1]);
    return parsePackages(text, this.#origin, this.#input);
  }
}

interface Stanzas {
  /** Stanza `i` is `text[bounds[2i], bounds[2i + 1])`. */
  readonly bounds: number[];
  readonly names: string[];
  /** The stanzas with a Provides field: number and value. */
  readonly provides: [number, string][];
}

/**
 * The stanzas of `text`, read as the deb822 parser reads them (blank lines part stanzas, continuation lines start
 * with a space or tab, `#` lines are comments, field names are case-insensitive), refusing what it refuses.
 */
function scanStanzas(text: Buffer, input: string): Stanzas {
  const bounds: number[] = [];
  const names: string[] = [];
  const provides: [number, string][] = [];
  const n = text.length;
  let stanza = -1; // the open stanza's start
  let name = '';
  let provided: string | undefined;
  /** What continuation lines continue: 2 Provides, 1 another field, 0 nothing yet in this stanza. */
  let field = 0;
  let line = 0;
  // one pass more than there are lines: at `n`, an empty line closes the last stanza, whether or not the text ends
  // with a line feed
  for (let start = 0; start <= n; ) {
    let end = start < n ? text.indexOf(LF, start) : n;
    if (end < 0) end = n;
    const next = end === n && start < n ? n : end + 1;
    if (end > start && text[end - 1] === CR) end--;
    line++;
    const c = start < end ? (text[start] as number) : LF;
    let blank = c === LF;
    if (c === 32 || c === 9) {
      let first = start + 1;
      while (first < end && (text[first] === 32 || text[first] === 9)) first++;
      if (first === end) blank = true;
      else if (field === 0) {
        throw new SgciError('REPOSITORY_INVALID', input, `line ${line}: continuation line without a field`);
      } else if (field === 2) provided = `${provided}\n${text.toString('utf8', first, end).trimEnd()}`;
    } else if (!blank && c !== HASH) {
      let colon = start;
      while (colon < end && text[colon] !== COLON) colon++;
      if (colon === start || colon === end) {
        throw new SgciError('REPOSITORY_INVALID', input, `line ${line}: not a "Field: value" line`);
      }
      if (stanza < 0) stanza = start;
      field = 1;
      // decoded as the deb822 reader decodes a value: the name the parsed stanza will have
      if (isFieldName(text, start, colon, 'package')) name = text.toString('utf8', colon + 1, end).trim();
      else if (isFieldName(text, start, colon, 'provides')) {
        provided = text.toString('utf8', colon + 1, end).trim();
        field = 2;
      }
    }
    if (blank && stanza >= 0) {
      if (name === '') throw new SgciError('REPOSITORY_INVALID', input, `line ${line}: a stanza without Package`);
      if (provided !== undefined) provides.push([names.length, provided]);
      bounds.push(stanza, start);
      names.push(name);
      stanza = -1;
      name = '';
      provided = undefined;
      field = 0;
    } else if (blank) field = 0;
    start = next;
  }
  return { bounds, names, provides };
}
