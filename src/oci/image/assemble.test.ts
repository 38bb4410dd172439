import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { digestOf, isSgciError } from '../../core/index.ts';
import { parseManifestDocument } from './assemble.ts';
import { mediaTypes } from './schema.ts';

function document(json: unknown, mediaType?: string) {
  const bytes = Buffer.from(typeof json === 'string' ? json : JSON.stringify(json));
  return { digest: digestOf(bytes), mediaType, bytes };
}

describe('parseManifestDocument', () => {
  const descriptor = { mediaType: mediaTypes.ociConfig, digest: `sha256:${'a'.repeat(64)}`, size: 2 };

  test('decides manifest or index by mediaType field, then served type, then shape', () => {
    assert.equal(
      parseManifestDocument(document({ schemaVersion: 2, mediaType: mediaTypes.ociIndex, manifests: [] }), 'x').kind,
      'index',
    );
    assert.equal(
      parseManifestDocument(document({ schemaVersion: 2, manifests: [] }, mediaTypes.dockerManifestList), 'x').kind,
      'index',
    );
    assert.equal(parseManifestDocument(document({ schemaVersion: 2, manifests: [] }), 'x').kind, 'index');
    const manifest = parseManifestDocument(document({ schemaVersion: 2, config: descriptor, layers: [] }), 'x');
    assert.equal(manifest.kind, 'manifest');
    assert.equal(manifest.mediaType, mediaTypes.ociManifest);
  });

  for (const [name, json, code, pattern] of [
    ['schema 1', { schemaVersion: 1, fsLayers: [] }, 'MANIFEST_UNSUPPORTED', /schema 1/],
    ['an unknown media type', { schemaVersion: 2, mediaType: 'text/html' }, 'MANIFEST_UNSUPPORTED', /"text\/html"/],
    ['not JSON', '<html>', 'MANIFEST_INVALID', /not valid JSON/],
    ['a JSON array', [1, 2], 'MANIFEST_INVALID', /not a JSON object/],
    [
      'layers not an array',
      { schemaVersion: 2, mediaType: mediaTypes.ociManifest, config: descriptor, layers: {} },
      'MANIFEST_INVALID',
      /layers: /,
    ],
  ] as const) {
    test(`refuses ${name}`, () => {
      assert.throws(
        () => parseManifestDocument(document(json), 'img'),
        (error: unknown) =>
          isSgciError(error, code) && error.message.startsWith('img: ') && pattern.test(error.message),
      );
    });
  }

  test('arbitrary JSON and bytes end in an SgciError or a parsed document, never anything else', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.jsonValue().map((v) => JSON.stringify(v)),
          fc.string(),
        ),
        (text) => {
          try {
            parseManifestDocument(document(text), 'img');
          } catch (error) {
            assert.ok(isSgciError(error), String(error));
          }
        },
      ),
      { numRuns: 1000 },
    );
  });
});
