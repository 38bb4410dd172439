import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { z } from 'zod';
import { DockerArchiveManifest } from '../source/schema.ts';
import { Descriptor, ImageConfig, ImageIndex, ImageManifest, mediaTypes, Platform } from './schema.ts';
import type { Shape } from './shape.ts';
import { assertAgreement, document, near } from './shape-testing.ts';

/**
 * The zod schemas these validators replaced (issue 17), kept here as the oracle: on every generated document both
 * accept or both refuse, and what they accept comes out the same, key order included (a parsed index is written
 * back by the attestation code).
 */
const zodDigest = z.string().regex(/^[a-z0-9]+(?:[+._-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$/, 'not a digest');
const zodPlatform = z.object({
  architecture: z.string(),
  os: z.string(),
  'os.version': z.string().optional(),
  'os.features': z.array(z.string()).optional(),
  variant: z.string().optional(),
});
const zodDescriptor = z.object({
  mediaType: z.string(),
  digest: zodDigest,
  size: z.number().int().nonnegative(),
  urls: z.array(z.string()).optional(),
  annotations: z.record(z.string(), z.string()).optional(),
  platform: zodPlatform.optional(),
  artifactType: z.string().optional(),
});
const zodManifest = z.object({
  schemaVersion: z.literal(2),
  mediaType: z.string().optional(),
  artifactType: z.string().optional(),
  config: zodDescriptor,
  layers: z.array(zodDescriptor),
  subject: zodDescriptor.optional(),
  annotations: z.record(z.string(), z.string()).optional(),
});
const zodIndex = z.object({
  schemaVersion: z.literal(2),
  mediaType: z.string().optional(),
  artifactType: z.string().optional(),
  manifests: z.array(zodDescriptor),
  subject: zodDescriptor.optional(),
  annotations: z.record(z.string(), z.string()).optional(),
});
const zodHealthcheck = z.object({
  Test: z.array(z.string()).nullish(),
  Interval: z.number().optional(),
  Timeout: z.number().optional(),
  StartPeriod: z.number().optional(),
  StartInterval: z.number().optional(),
  Retries: z.number().optional(),
});
const zodContainerConfig = z
  .object({
    User: z.string().optional(),
    ExposedPorts: z.record(z.string(), z.unknown()).nullish(),
    Env: z.array(z.string()).nullish(),
    Entrypoint: z.array(z.string()).nullish(),
    Cmd: z.array(z.string()).nullish(),
    Volumes: z.record(z.string(), z.unknown()).nullish(),
    WorkingDir: z.string().optional(),
    Labels: z.record(z.string(), z.string()).nullish(),
    StopSignal: z.string().optional(),
    Healthcheck: zodHealthcheck.nullish(),
    Shell: z.array(z.string()).nullish(),
    OnBuild: z.array(z.string()).nullish(),
  })
  .loose();
const zodHistoryEntry = z.object({
  created: z.string().optional(),
  created_by: z.string().optional(),
  author: z.string().optional(),
  comment: z.string().optional(),
  empty_layer: z.boolean().optional(),
});
const zodConfig = z
  .object({
    created: z.string().optional(),
    author: z.string().optional(),
    architecture: z.string().optional(),
    os: z.string().optional(),
    variant: z.string().optional(),
    config: zodContainerConfig.nullish(),
    rootfs: z.object({ type: z.string(), diff_ids: z.array(zodDigest) }),
    history: z.array(zodHistoryEntry).nullish(),
  })
  .loose();
const zodDockerArchive = z.array(
  z.object({ Config: z.string(), RepoTags: z.array(z.string()).nullish(), Layers: z.array(z.string()) }),
);

const strings = fc.array(fc.string({ maxLength: 4 }), { maxLength: 3 });
const stringMap = fc.dictionary(fc.string({ maxLength: 4 }), near(fc.string({ maxLength: 4 })), { maxKeys: 3 });
const digest = fc.oneof(
  fc.stringMatching(/^sha256:[a-f0-9]{4,8}$/),
  fc.stringMatching(/^[a-z0-9+._-]{1,8}:[a-zA-Z0-9=_-]{1,6}$/),
);
const platform = document(
  {
    architecture: fc.constantFrom('amd64', 'arm64'),
    os: fc.constant('linux'),
    'os.version': fc.string({ maxLength: 4 }),
    'os.features': strings,
    variant: fc.constantFrom('v7', 'v8'),
  },
  ['architecture', 'os'],
);
const descriptor = document(
  {
    mediaType: fc.constantFrom(...Object.values(mediaTypes)),
    digest,
    size: fc.nat(),
    urls: strings,
    annotations: stringMap,
    platform,
    artifactType: fc.string({ maxLength: 4 }),
  },
  ['mediaType', 'digest', 'size'],
);
const documentFields = {
  schemaVersion: fc.constant(2),
  mediaType: fc.constantFrom(mediaTypes.ociManifest, mediaTypes.ociIndex),
  artifactType: fc.string({ maxLength: 4 }),
  subject: descriptor,
  annotations: stringMap,
};
const manifest = document({ ...documentFields, config: descriptor, layers: fc.array(descriptor, { maxLength: 3 }) }, [
  'schemaVersion',
  'config',
  'layers',
]);
const index = document({ ...documentFields, manifests: fc.array(descriptor, { maxLength: 3 }) }, [
  'schemaVersion',
  'manifests',
]);
const healthcheck = document({
  Test: strings,
  Interval: fc.double(),
  Timeout: fc.integer(),
  StartPeriod: fc.integer(),
  StartInterval: fc.integer(),
  Retries: fc.integer(),
});
const objectMap = fc.dictionary(fc.string({ maxLength: 4 }), fc.jsonValue({ maxDepth: 1 }), { maxKeys: 2 });
const containerConfig = document({
  User: fc.string({ maxLength: 4 }),
  ExposedPorts: objectMap,
  Env: strings,
  Entrypoint: strings,
  Cmd: strings,
  Volumes: objectMap,
  WorkingDir: fc.string({ maxLength: 4 }),
  Labels: stringMap,
  StopSignal: fc.string({ maxLength: 4 }),
  Healthcheck: healthcheck,
  Shell: strings,
  OnBuild: strings,
});
const historyEntry = document({
  created: fc.string({ maxLength: 4 }),
  created_by: fc.string({ maxLength: 4 }),
  author: fc.string({ maxLength: 4 }),
  comment: fc.string({ maxLength: 4 }),
  empty_layer: fc.boolean(),
});
const config = document(
  {
    created: fc.string({ maxLength: 4 }),
    author: fc.string({ maxLength: 4 }),
    architecture: fc.string({ maxLength: 4 }),
    os: fc.string({ maxLength: 4 }),
    variant: fc.string({ maxLength: 4 }),
    config: containerConfig,
    rootfs: document({ type: fc.constant('layers'), diff_ids: fc.array(digest, { maxLength: 3 }) }, [
      'type',
      'diff_ids',
    ]),
    history: fc.array(historyEntry, { maxLength: 3 }),
  },
  ['rootfs'],
);
const dockerArchive = fc.array(
  document({ Config: fc.string({ maxLength: 4 }), RepoTags: strings, Layers: strings }, ['Config', 'Layers']),
  { maxLength: 2 },
);

describe('image document validators agree with the zod schemas they replaced', () => {
  const cases: [string, Shape<unknown>, z.ZodType, fc.Arbitrary<unknown>][] = [
    ['platform', Platform, zodPlatform, platform],
    ['descriptor', Descriptor, zodDescriptor, descriptor],
    ['image manifest', ImageManifest, zodManifest, manifest],
    ['image index', ImageIndex, zodIndex, index],
    ['image config', ImageConfig, zodConfig, config],
    ['docker-archive manifest.json', DockerArchiveManifest, zodDockerArchive, dockerArchive],
  ];
  for (const [name, shape, oracle, arbitrary] of cases)
    test(name, () => assertAgreement(name, shape, oracle, arbitrary));
});

describe('a document that does not fit names the first place it is wrong', () => {
  const good = { mediaType: mediaTypes.ociConfig, digest: `sha256:${'a'.repeat(64)}`, size: 2 };
  for (const [name, value, path, message] of [
    ['not an object', [], '', /expected object, received array/],
    ['schemaVersion 1', { schemaVersion: 1, config: good, layers: [] }, 'schemaVersion', /expected 2/],
    ['config missing', { schemaVersion: 2, layers: [] }, 'config', /expected object, received undefined/],
    [
      'a layer digest',
      { schemaVersion: 2, config: good, layers: [good, { ...good, digest: 'x' }] },
      'layers.1.digest',
      /not a digest/,
    ],
    [
      'a negative size',
      { schemaVersion: 2, config: { ...good, size: -1 }, layers: [] },
      'config.size',
      /non-negative integer/,
    ],
    [
      'an annotation value',
      { schemaVersion: 2, config: good, layers: [], annotations: { a: 1 } },
      'annotations.a',
      /expected string, received number/,
    ],
  ] as const) {
    test(name, () => {
      const result = ImageManifest.safeParse(value);
      assert.equal(result.success, false);
      if (result.success) return;
      assert.equal(result.error.issues[0]?.path.join('.'), path);
      assert.match(result.error.issues[0]?.message ?? '', message);
      assert.throws(
        () => ImageManifest.parse(value),
        (error: Error) => error.message.startsWith(`${path || '(root)'}: `),
      );
    });
  }

  test('a __proto__ key of a loose config stays an own key and never a prototype', () => {
    const value = JSON.parse('{"rootfs":{"type":"layers","diff_ids":[]},"__proto__":{"polluted":true}}');
    const parsed = ImageConfig.parse(value);
    assert.equal(Object.getPrototypeOf(parsed), Object.prototype);
    assert.deepEqual(Object.keys(parsed), ['rootfs', '__proto__']);
    assert.equal((parsed as { polluted?: boolean }).polluted, undefined);
  });
});
