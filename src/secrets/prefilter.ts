/**
 * Finds which of a set of literals (lower-case ASCII, none inside another) occur in a text, ignoring ASCII case:
 * the secret scanner runs a rule only on text holding one of its keywords. Two ways, with one answer: on a
 * string (one regex pass), and on bytes read as latin1. The byte way lets a file's content be judged before any
 * string is made of it: most files hold no keyword, and a megabyte string per file was the layer pass's largest
 * allocation (issue 17).
 */
export interface LiteralFinder {
  /** The literals in `text`. */
  inText(text: string): ReadonlySet<string>;
  /** The literals in `bytes`, each byte a latin1 character: the same answer as `inText` of that decoding. */
  inBytes(bytes: Uint8Array): ReadonlySet<string>;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * ASCII upper case to lower, every other byte as it is. A case-insensitive RegExp without the `u` flag folds no
 * character above U+007F to an ASCII one, so for latin1 text this is all of its folding that meets an ASCII literal.
 */
const foldedByte = Uint8Array.from({ length: 256 }, (_, byte) => (byte >= 0x41 && byte <= 0x5a ? byte + 0x20 : byte));

const noLiterals: ReadonlySet<string> = new Set();

/** A byte and, for an ASCII lower-case letter, its upper case. */
function cases(byte: number): number[] {
  return byte >= 0x61 && byte <= 0x7a ? [byte, byte - 0x20] : [byte];
}

export function literalFinder(literals: readonly string[]): LiteralFinder {
  for (const literal of literals) {
    if (literal.length < 2 || !/^[\x20-\x7e]+$/.test(literal) || literal !== literal.toLowerCase()) {
      throw new Error(`prefilter literal ${JSON.stringify(literal)} is not two or more lower-case ASCII characters`);
    }
    const inner = literals.find((other) => other !== literal && literal.includes(other));
    if (inner !== undefined)
      throw new Error(`prefilter literal ${JSON.stringify(literal)} contains ${JSON.stringify(inner)}`);
  }
  // With no literal inside another, two never start at the same position: a pass that moves one character on
  // after each hit sees every literal that occurs.
  const pattern = new RegExp(literals.map(escapeRegExp).join('|'), 'gi');
  const encoded = literals.map((literal) => Buffer.from(literal, 'latin1'));
  // The literals by their first two bytes, in either case: at each position one table look-up on the bytes as they
  // are, and most pairs start no literal.
  const groups: number[][] = [];
  const groupOf = new Uint8Array(65536);
  for (const [index, bytes] of encoded.entries()) {
    const first = bytes[0] as number;
    const second = bytes[1] as number;
    const bigram = (first << 8) | second;
    if (groupOf[bigram] === 0) {
      groups.push([]);
      if (groups.length > 255) throw new Error('more than 255 leading pairs of prefilter literals');
      for (const a of cases(first)) for (const b of cases(second)) groupOf[(a << 8) | b] = groups.length;
    }
    groups[(groupOf[bigram] as number) - 1]?.push(index);
  }
  // And by their third byte within a group, so that a common pair (`se` of `secret` and `service_account`) is
  // passed over without a look at the literals; a two-byte literal (`q~`) lets every third byte through.
  const thirdOf = new Uint8Array((groups.length + 1) * 256);
  for (const [g, members] of groups.entries()) {
    for (const index of members) {
      const bytes = encoded[index] as Buffer;
      const thirds = bytes.length > 2 ? cases(bytes[2] as number) : Array.from({ length: 256 }, (_, byte) => byte);
      for (const byte of thirds) thirdOf[((g + 1) << 8) | byte] = 1;
    }
  }
  /** The literal of `group` that starts at `start` in `bytes` (at most one does), or undefined. */
  const literalAt = (bytes: Uint8Array, start: number, group: number) => {
    const candidates = groups[group - 1] as number[];
    for (let c = 0; c < candidates.length; c++) {
      const index = candidates[c] as number;
      const literal = encoded[index] as Buffer;
      if (start + literal.length > bytes.length) continue;
      let at = 2;
      while (at < literal.length && foldedByte[bytes[start + at] as number] === literal[at]) at++;
      if (at === literal.length) return literals[index];
    }
    return undefined;
  };
  return {
    inText(text) {
      const found = new Set<string>();
      pattern.lastIndex = 0;
      for (let match = pattern.exec(text); match !== null; match = pattern.exec(text)) {
        found.add(match[0].toLowerCase());
        pattern.lastIndex = match.index + 1;
      }
      return found;
    },
    inBytes(bytes) {
      // made at the first literal: most files hold none
      let found: Set<string> | undefined;
      for (let start = pairStart(bytes, 0, groupOf, thirdOf); start >= 0; ) {
        const group = groupOf[((bytes[start] as number) << 8) | (bytes[start + 1] as number)] as number;
        const literal = literalAt(bytes, start, group);
        if (literal !== undefined) {
          found ??= new Set();
          found.add(literal);
        }
        start = pairStart(bytes, start + 1, groupOf, thirdOf);
      }
      return found ?? noLiterals;
    },
  };
}

/**
 * The first position from `from` where a literal may start: its first two bytes start one (`groupOf`) and its third
 * may follow them (`thirdOf`); -1 when none. Apart from the rest, without a call in its loop, so that V8 keeps the
 * loop tight: this reads every byte of most files the scanner reads.
 */
function pairStart(bytes: Uint8Array, from: number, groupOf: Uint8Array, thirdOf: Uint8Array): number {
  const length = bytes.length;
  let previous = from < length ? (bytes[from] as number) << 8 : 0;
  for (let i = from + 1; i < length; i++) {
    const current = bytes[i] as number;
    const group = groupOf[previous | current] as number;
    previous = current << 8;
    if (group !== 0 && (i + 1 === length || thirdOf[(group << 8) | (bytes[i + 1] as number)] !== 0)) return i - 1;
  }
  return -1;
}
