import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { literalFinder } from './prefilter.ts';
import { textRules } from './rules.ts';
import { scanLatin1, scanText } from './scan-text.ts';
import { base32Alphabet, fakeSecret } from './testing.ts';

/** The scanner's keywords that hold no other keyword: what its prefilter looks for. */
const keywords = [...new Set(textRules.flatMap((rule) => rule.keywords))];
const literals = keywords.filter((keyword) => !keywords.some((other) => other !== keyword && keyword.includes(other)));

/**
 * Latin1 text built from pieces of the literals in any case, their neighbours in ASCII and the latin1 characters
 * whose upper or lower case is not latin1 or not ASCII (`ÿ`, `µ`, `ß`), so literals occur whole, split, overlapping
 * and at both ends.
 */
const pieces = fc.oneof(
  fc.constantFrom(...literals).chain((literal) =>
    fc
      .tuple(fc.nat(literal.length), fc.nat(literal.length), fc.boolean(), fc.boolean())
      .map(([from, to, upper, mixed]) => {
        const piece = literal.slice(Math.min(from, to), Math.max(from, to) + 1);
        if (mixed) return [...piece].map((c, i) => (i % 2 ? c.toUpperCase() : c)).join('');
        return upper ? piece.toUpperCase() : piece;
      }),
  ),
  fc.constantFrom('\n', ' ', '=', ':', '"', '/', '@', '_', '-', 'ÿ', 'µ', 'ß', 'Å', '\u0080', '\u00ff', 'k', 'S', 'K'),
  fc.string({ unit: fc.integer({ min: 0, max: 255 }).map((code) => String.fromCharCode(code)), maxLength: 8 }),
);
const latin1Text = fc.array(pieces, { maxLength: 40 }).map((parts) => parts.join(''));

describe('the prefilter on bytes finds what it finds on the string', () => {
  const finder = literalFinder(literals);
  const sorted = (found: ReadonlySet<string>) => [...found].sort();

  test('on latin1 text made of pieces of the literals', () => {
    fc.assert(
      fc.property(latin1Text, (text) => {
        assert.deepEqual(sorted(finder.inBytes(Buffer.from(text, 'latin1'))), sorted(finder.inText(text)));
      }),
      { numRuns: 2000 },
    );
  });

  test('on a view into a larger buffer: bytes around it are not read', () => {
    const bytes = Buffer.from('tokenPASSWORD://secre', 'latin1');
    assert.deepEqual(sorted(finder.inBytes(bytes.subarray(2, 15))), ['password']);
    assert.deepEqual(sorted(finder.inBytes(bytes.subarray(0, 5))), ['token']);
    assert.deepEqual(sorted(finder.inBytes(bytes.subarray(13))), ['://']);
    assert.deepEqual(sorted(finder.inBytes(new Uint8Array(0))), []);
  });

  test('refuses a literal it cannot look for byte by byte', () => {
    for (const literal of ['x', 'Token', 'pässword'])
      assert.throws(() => literalFinder([literal]), /prefilter literal/);
  });

  test('refuses a literal inside another: both would start at one position, and one would go unseen', () => {
    assert.throws(() => literalFinder(['secret', 'secret_key']), /"secret_key" contains "secret"/);
  });
});

test('a file scanned as bytes gives the matches of its text', () => {
  // secrets that the rules report, generated (no secret-shaped literal in the repository)
  const secretish = fc.constantFrom(
    `password = "${fakeSecret('prefilter-password', 20)}"\n`,
    `postgres://app:${fakeSecret('prefilter-url', 20)}@db/app\n`,
    `AKIA${fakeSecret('prefilter-aws', 16, base32Alphabet)}\n`,
    `ghp_${fakeSecret('prefilter-github', 36)}\n`,
  );
  fc.assert(
    fc.property(
      fc.array(fc.oneof(pieces, secretish), { maxLength: 20 }).map((parts) => parts.join('')),
      fc.constantFrom('/app/config.txt', '/app/.env', '/root/.npmrc', '/home/u/.netrc'),
      (text, path) => {
        assert.deepEqual(scanLatin1(Buffer.from(text, 'latin1'), path), scanText(text, path));
      },
    ),
    { numRuns: 500 },
  );
});
