import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { z } from 'zod';
import type { Shape } from './shape.ts';

/*
 * Generators of near-miss JSON documents for the tests that hold a hand-written validator (`shape.ts`) to the zod
 * schema it replaced: the image documents (`schema.test.ts`) and the registry's answers (`registry/schema.test.ts`).
 */

/** Mostly the right value, sometimes any JSON value, null or nothing: near misses find the differences. */
export function near<T>(valid: fc.Arbitrary<T>): fc.Arbitrary<unknown> {
  return fc.oneof(
    { weight: 60, arbitrary: valid },
    { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 2 }) },
    { weight: 1, arbitrary: fc.constantFrom(null, undefined, -1, 1.5, 2 ** 60, '', 'sha256:', 'SHA256:AB', true) },
  );
}

/** An object of these fields, the optional ones maybe absent, plus maybe keys nobody declared. */
export function document(
  fields: Record<string, fc.Arbitrary<unknown>>,
  required: string[] = [],
): fc.Arbitrary<unknown> {
  const near_ = Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, near(v)]));
  return fc
    .tuple(
      fc.record(near_, { requiredKeys: required }),
      fc.dictionary(fc.constantFrom('extra', 'Zz', 'a.b', 'Config', 'os'), fc.jsonValue({ maxDepth: 1 }), {
        maxKeys: 2,
      }),
      fc.boolean(),
    )
    .map(([declared, extra, extraFirst]) => (extraFirst ? { ...extra, ...declared } : { ...declared, ...extra }));
}

/**
 * On every generated document the validator and the zod schema both accept or both refuse; what they accept comes
 * out the same, key order included, as a fresh value; where both refuse, ours names one of the places zod names.
 */
export function assertAgreement(
  name: string,
  shape: Shape<unknown>,
  oracle: z.ZodType,
  arbitrary: fc.Arbitrary<unknown>,
) {
  let accepted = 0;
  fc.assert(
    fc.property(arbitrary, (value) => {
      const ours = shape.safeParse(value);
      const theirs = oracle.safeParse(value);
      assert.equal(ours.success, theirs.success, JSON.stringify(value));
      if (ours.success && theirs.success) {
        accepted++;
        assert.equal(JSON.stringify(ours.data), JSON.stringify(theirs.data));
        assert.deepEqual(ours.data, theirs.data);
        assert.notEqual(ours.data, value, 'a fresh value, not the input');
      } else if (!ours.success && !theirs.success) {
        const paths = theirs.error.issues.map((i) => i.path.join('.'));
        assert.ok(paths.includes(ours.error.issues[0]?.path.join('.') ?? ''), JSON.stringify({ value, paths }));
      }
    }),
    { numRuns: 600 },
  );
  // the generators must reach both sides, or the agreement says little
  assert.ok(accepted >= 10, `${name}: only ${accepted} generated documents were valid`);
}
