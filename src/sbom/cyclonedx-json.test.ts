import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { test } from 'node:test';
import type * as CycloneDx from '@cyclonedx/cyclonedx-library';
import fc from 'fast-check';
import type { Package, Relationship, Sbom } from '../catalog/index.ts';
import type { Digest } from '../core/index.ts';
import { toCycloneDxBom } from './cyclonedx.ts';
import { encodeCycloneDxJson } from './cyclonedx-json.ts';
import { cycloneDxJsonErrors } from './testdata/validate.ts';

/** The CycloneDX library's own JSON serializer, as `sgci sbom` used it before it wrote the JSON itself. */
function libraryJson(sbom: Sbom): string {
  const { Serialize, Spec } = createRequire(import.meta.url)('@cyclonedx/cyclonedx-library') as typeof CycloneDx;
  const serializer = new Serialize.JsonSerializer(new Serialize.JSON.Normalize.Factory(Spec.Spec1dot6));
  return `${serializer.serialize(toCycloneDxBom(sbom), { sortLists: true, space: 2 })}\n`;
}

/** Text that collation orders differently from code units: case, accents, punctuation, digits, spaces. */
const text = fc.string({
  unit: fc.constantFrom('a', 'B', 'b', 'Z', 'é', 'E', '-', '_', '.', ':', '1', '10', ' ', 'ä'),
  maxLength: 5,
});
const license = fc.constantFrom(
  'MIT',
  'mit',
  'Apache-2.0',
  'GPL-2.0-only',
  'GPL-2.0+',
  'MIT OR Apache-2.0',
  '(MIT AND BSD-3-Clause)',
  'LicenseRef-acme',
  'Custom License',
  'BSD',
);
const metadata = fc.oneof(
  fc.record(
    {
      kind: fc.constantFrom('deb', 'apk', 'rpm') as fc.Arbitrary<'deb' | 'apk' | 'rpm'>,
      architecture: text,
      sourceName: text,
      installedSize: fc.nat(),
      epoch: fc.nat(3),
      archiveSha256: fc.oneof(fc.stringMatching(/^[a-f0-9]{64}$/), fc.constantFrom('not-a-hash', 'ABCDEF')),
      files: fc.array(fc.record({ path: text }), { maxLength: 2 }),
    },
    { requiredKeys: ['kind'] },
  ),
  fc.record(
    { kind: fc.constant('language' as const), attributes: fc.dictionary(text, text, { maxKeys: 2 }) },
    { requiredKeys: ['kind'] },
  ),
  fc.record({ kind: fc.constant('binary' as const), classifier: text }),
);

function packageOf(id: string): fc.Arbitrary<Package> {
  return fc.record({
    id: fc.constant(id),
    name: text,
    version: text,
    ecosystem: fc.constantFrom('deb', 'npm', 'pypi', 'binary'),
    type: fc.constantFrom('library', 'application', 'operating-system', 'framework', 'file'),
    purl: fc.oneof(
      text.map((t) => `pkg:npm/${t}`),
      fc.constant(''),
    ),
    locations: fc.array(
      fc.record({ path: text, layer: fc.nat(3), evidence: fc.constantFrom('primary', 'supporting') }),
      {
        maxLength: 2,
      },
    ),
    licenses: fc.array(license, { maxLength: 3 }),
    foundBy: text,
    layer: fc.nat(3),
    metadata,
  }) as fc.Arbitrary<Package>;
}

/** Package ids are unique in an SBOM (the library would rename clashing bom-refs at random). */
const sbom: fc.Arbitrary<Sbom> = fc
  .uniqueArray(fc.stringMatching(/^[0-9a-f]{4}$/), { maxLength: 6 })
  .chain((ids) =>
    fc.record({
      subject: fc.record(
        {
          name: text,
          digest: fc.constant(`sha256:${'ab'.repeat(32)}` as Digest),
          platform: text,
          layers: fc.array(fc.record({ digest: text, diffId: text }, { requiredKeys: ['digest'] }), { maxLength: 2 }),
          created: text,
        },
        { requiredKeys: ['name'] },
      ),
      distro: fc.option(
        fc.record(
          {
            id: text,
            versionId: text,
            versionCodename: text,
            prettyName: text,
            idLike: fc.array(text, { maxLength: 2 }),
          },
          { requiredKeys: ['id'] },
        ),
        { nil: undefined },
      ),
      packages: fc.tuple(...ids.map(packageOf)),
      relationships: fc.array(
        fc.record({
          from: fc.constantFrom(...ids, 'gone'),
          to: fc.constantFrom(...ids, 'gone'),
          type: fc.constantFrom('depends-on', 'owns'),
        }) as fc.Arbitrary<Relationship>,
        { maxLength: 8 },
      ),
      unidentifiedExecutables: fc.uniqueArray(fc.record({ path: text.map((t) => `/bin/${t}`), layer: fc.nat(3) }), {
        selector: (e) => e.path,
        maxLength: 2,
      }),
      unknowns: fc.array(
        fc.record({ path: text, layer: fc.nat(3), reason: text }, { requiredKeys: ['path', 'reason'] }),
        {
          maxLength: 2,
        },
      ),
      tool: fc.record({ name: fc.constant('sgci' as const), version: fc.constantFrom('0.1.0', '') }),
    }),
  )
  .map((s) => ({ ...s, ...(s.distro === undefined ? { distro: undefined } : {}) }) as Sbom);

test('the direct CycloneDX JSON is byte for byte what the CycloneDX library writes', () => {
  fc.assert(
    fc.property(sbom, (s) => {
      assert.equal(encodeCycloneDxJson(s), libraryJson(s));
    }),
    { numRuns: 300 },
  );
});

test('the direct CycloneDX JSON of generated SBOMs is valid CycloneDX 1.6', () => {
  fc.assert(
    fc.property(sbom, (s) => {
      assert.deepEqual(cycloneDxJsonErrors(encodeCycloneDxJson(s)), []);
    }),
    { numRuns: 20 },
  );
});
