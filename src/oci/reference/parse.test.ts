import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { isSgciError } from '../../core/index.ts';
import {
  formatImageReference,
  formatRegistryReference,
  type ImageReference,
  parseImageReference,
  parseRegistryReference,
  type RegistryReference,
} from './index.ts';

const d64 = `sha256:${'a1'.repeat(32)}`;

describe('parseRegistryReference', () => {
  const valid: [string, RegistryReference][] = [
    ['alpine', { registry: 'docker.io', repository: 'library/alpine', tag: 'latest' }],
    ['alpine:3.20', { registry: 'docker.io', repository: 'library/alpine', tag: '3.20' }],
    ['user/x', { registry: 'docker.io', repository: 'user/x', tag: 'latest' }],
    ['docker.io/alpine', { registry: 'docker.io', repository: 'library/alpine', tag: 'latest' }],
    ['index.docker.io/user/x:1', { registry: 'docker.io', repository: 'user/x', tag: '1' }],
    [`alpine@${d64}`, { registry: 'docker.io', repository: 'library/alpine', digest: d64 as never }],
    [`alpine:3@${d64}`, { registry: 'docker.io', repository: 'library/alpine', tag: '3', digest: d64 as never }],
    ['localhost/x', { registry: 'localhost', repository: 'x', tag: 'latest' }],
    ['localhost:5000/a/b/c:v1', { registry: 'localhost:5000', repository: 'a/b/c', tag: 'v1' }],
    ['127.0.0.1:5000/fixtures/x:latest', { registry: '127.0.0.1:5000', repository: 'fixtures/x', tag: 'latest' }],
    ['[::1]:5000/foo:bar', { registry: '[::1]:5000', repository: 'foo', tag: 'bar' }],
    ['[fe80::1]/foo', { registry: '[fe80::1]', repository: 'foo', tag: 'latest' }],
    ['ghcr.io/a__b/c-d--e.f_g:T_1.x-', { registry: 'ghcr.io', repository: 'a__b/c-d--e.f_g', tag: 'T_1.x-' }],
    ['Registry.Example.COM/x', { registry: 'Registry.Example.COM', repository: 'x', tag: 'latest' }],
    [`x:${'t'.repeat(128)}`, { registry: 'docker.io', repository: 'library/x', tag: 't'.repeat(128) }],
    // `localhost:5000` alone is repository `localhost` with tag `5000`, as in Docker.
    ['localhost:5000', { registry: 'docker.io', repository: 'library/localhost', tag: '5000' }],
  ];
  for (const [input, expected] of valid) {
    test(`parses ${input}`, () => {
      assert.deepEqual(parseRegistryReference(input), expected);
    });
  }

  const invalid: [string, RegExp][] = [
    ['', /empty reference/],
    ['Alpine', /"Alpine" must be lowercase/],
    ['docker.io/User/x', /"User" must be lowercase/],
    ['alpine:', /tag "" must match/],
    ['alpine:-x', /tag "-x" must match/],
    [`x:${'t'.repeat(129)}`, /tag is 129 characters, at most 128/],
    ['alpine@sha256:abc', /not sha256 \(64 hex\)/],
    [`alpine@md5:${'a'.repeat(32)}`, /not sha256/],
    ['alpine@', /digest "" is not algorithm:hex/],
    ['a//b', /empty path component/],
    ['a/b/', /empty path component/],
    ['a__-b', /single separators/],
    ['a..b', /single separators/],
    ['-a', /single separators/],
    ['host:99999/x', /port "99999"/],
    ['host:p/x', /port "p"/],
    ['[::1/x', /not a bracketed IPv6/],
    ['[::1]x/y', /not \[IPv6\]:port/],
    ['-bad.host/x', /invalid component "-bad"/],
    ['example.com/', /missing repository name after the registry host/],
    [':tag', /missing repository name/],
    ['al pine', /whitespace/],
    [`example.com/${'a'.repeat(250)}`, /longer than 255/],
  ];
  for (const [input, message] of invalid) {
    test(`rejects ${JSON.stringify(input)} with REFERENCE_INVALID naming the input`, () => {
      assert.throws(
        () => parseRegistryReference(input),
        (error: unknown) =>
          isSgciError(error, 'REFERENCE_INVALID') && error.input === input && message.test(error.message),
      );
    });
  }
});

describe('parseImageReference', () => {
  const cases: [string, ImageReference][] = [
    ['alpine', { kind: 'registry', input: 'alpine', ref: parseRegistryReference('alpine') }],
    [
      'registry:ghcr.io/x/y:1',
      { kind: 'registry', input: 'registry:ghcr.io/x/y:1', ref: parseRegistryReference('ghcr.io/x/y:1') },
    ],
    ['oci-dir:/tmp/layout', { kind: 'oci-dir', input: 'oci-dir:/tmp/layout', path: '/tmp/layout' }],
    ['oci-dir:/tmp/layout:v2', { kind: 'oci-dir', input: 'oci-dir:/tmp/layout:v2', path: '/tmp/layout', tag: 'v2' }],
    ['oci-dir:/a:b/layout', { kind: 'oci-dir', input: 'oci-dir:/a:b/layout', path: '/a:b/layout' }],
    ['oci-archive:x.tar', { kind: 'oci-archive', input: 'oci-archive:x.tar', path: 'x.tar' }],
    ['docker-archive:./x.tar', { kind: 'docker-archive', input: 'docker-archive:./x.tar', path: './x.tar' }],
    ['dir:/srv/root:fs', { kind: 'dir', input: 'dir:/srv/root:fs', path: '/srv/root:fs' }],
    // A host:port registry is not mistaken for a scheme.
    [
      'localhost:5000/x',
      { kind: 'registry', input: 'localhost:5000/x', ref: parseRegistryReference('localhost:5000/x') },
    ],
  ];
  for (const [input, expected] of cases) {
    test(`parses ${input}`, () => assert.deepEqual(parseImageReference(input), expected));
  }

  for (const [input, message] of [
    ['oci-dir:', /oci-dir: needs a path/],
    ['dir:', /dir: needs a path/],
    ['oci-dir::v1', /needs a path before the tag/],
    ['https://example.com/x', /URL schemes are not image references/],
    ['registry:Bad', /must be lowercase/],
    ['./image.tar', /looks like a path; name the transport/],
    ['/srv/layout', /looks like a path/],
    ['image.tar.gz', /looks like a path/],
  ] as const) {
    test(`rejects ${input}`, () => {
      assert.throws(
        () => parseImageReference(input),
        (error: unknown) =>
          isSgciError(error, 'REFERENCE_INVALID') &&
          error.message.startsWith(`${input}: `) &&
          message.test(error.message),
      );
    });
  }
});

// Generators for references in normal form (what the parser returns), so parse(format(x)) == x holds.
const alnum = fc.stringMatching(/^[a-z0-9]{1,8}$/);
const separator = fc.constantFrom('.', '_', '__', '-', '--');
const pathComponent = fc
  .tuple(alnum, fc.array(fc.tuple(separator, alnum), { maxLength: 2 }))
  .map(([head, tail]) => head + tail.map(([s, a]) => s + a).join(''));
const domainComponent = fc.stringMatching(/^[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,6}[a-zA-Z0-9])?$/);
const port = fc.integer({ min: 0, max: 65535 }).map((p) => `:${p}`);
const domain = fc.oneof(
  fc
    .tuple(domainComponent, fc.array(domainComponent, { minLength: 1, maxLength: 3 }), fc.option(port, { nil: '' }))
    .map(([h, t, p]) => `${[h, ...t].join('.')}${p}`),
  fc.tuple(domainComponent, port).map(([h, p]) => `${h}${p}`),
  fc.option(port, { nil: '' }).map((p) => `localhost${p}`),
  fc.option(port, { nil: '' }).map((p) => `[::1]${p}`),
  fc.constant('docker.io'),
);
const tag = fc.stringMatching(/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/);
const digest = fc.oneof(
  fc.stringMatching(/^[a-f0-9]{64}$/).map((h) => `sha256:${h}`),
  fc.stringMatching(/^[a-f0-9]{128}$/).map((h) => `sha512:${h}`),
);
const registryReference = fc
  .record({
    registry: domain,
    path: fc.array(pathComponent, { minLength: 1, maxLength: 4 }),
    tag: fc.option(tag, { nil: undefined }),
    digest: fc.option(digest, { nil: undefined }),
  })
  .map(({ registry, path, tag, digest }) => {
    const repository = registry === 'docker.io' && path.length === 1 ? `library/${path[0]}` : path.join('/');
    return {
      registry,
      repository,
      ...(tag !== undefined || digest === undefined ? { tag: tag ?? 'latest' } : {}),
      ...(digest !== undefined ? { digest } : {}),
    } as RegistryReference;
  })
  .filter((ref) => ref.registry.length + 1 + ref.repository.length <= 255);

describe('reference round trips', () => {
  test('parseRegistryReference(formatRegistryReference(x)) equals x', () => {
    fc.assert(
      fc.property(registryReference, (ref) => {
        assert.deepEqual(parseRegistryReference(formatRegistryReference(ref)), ref);
      }),
      { numRuns: 500 },
    );
  });

  test('parseImageReference(formatImageReference(x)) equals x for every scheme', () => {
    const localPath = fc
      .array(fc.stringMatching(/^[a-zA-Z0-9._-]{1,10}$/), { minLength: 1, maxLength: 4 })
      .map((parts) => `/${parts.join('/')}`);
    const imageReference = fc.oneof(
      registryReference.map((ref): ImageReference => ({ kind: 'registry', input: '', ref })),
      fc
        .record({
          kind: fc.constantFrom('oci-dir', 'oci-archive', 'docker-archive' as const),
          path: localPath,
          tag: fc.option(tag, { nil: undefined }),
        })
        .map(({ kind, path, tag }): ImageReference => ({ kind, input: '', path, ...(tag ? { tag } : {}) })),
      localPath.map((path): ImageReference => ({ kind: 'dir', input: '', path })),
    );
    fc.assert(
      fc.property(imageReference, (ref) => {
        const text = formatImageReference(ref);
        assert.deepEqual(parseImageReference(text), { ...ref, input: text });
      }),
      { numRuns: 500 },
    );
  });

  test('any string either parses or fails with REFERENCE_INVALID, never another error', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), (input) => {
        try {
          parseImageReference(input);
        } catch (error) {
          assert.ok(isSgciError(error, 'REFERENCE_INVALID'), String(error));
        }
      }),
      { numRuns: 2000 },
    );
  });
});
