/**
 * The five fixture images through every transport (oci-dir, oci-archive, docker-archive, and the real
 * registry with and without Basic auth), checked against skopeo, the reference tool: manifest digests
 * equal `sha256(skopeo inspect --raw)` and `skopeo inspect`'s Digest. A docker-archive has no registry
 * manifest (sgci and skopeo each synthesise one, with different layer media types), so there the config
 * digest, the layer digests (sha256 of each layer file as stored) and the diffIDs are compared instead.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import { isSgciError } from '../../src/core/index.ts';
import { ImageConfig, ImageManifest } from '../../src/oci/image/index.ts';
import { openImage } from '../../src/oci/source/index.ts';
import type { Image } from '../../src/oci/types.ts';
import { fixture, fixtureNames, fixturesMissing } from '../helpers/fixtures.ts';
import { startRegistry, type TestRegistry } from '../helpers/registry.ts';

const run = promisify(execFile);
const skip = fixturesMissing();
const sha256 = (bytes: Uint8Array) => `sha256:${createHash('sha256').update(bytes).digest('hex')}`;

async function skopeo(args: string[]): Promise<Buffer> {
  const { stdout } = await run('skopeo', args, { encoding: 'buffer', maxBuffer: 16 * 1024 * 1024 });
  return stdout;
}

/** What skopeo says about one transport reference: raw manifest, config, and `skopeo inspect`. */
async function skopeoView(reference: string, extra: string[] = []) {
  const raw = await skopeo(['inspect', '--raw', ...extra, reference]);
  const config = ImageConfig.parse(
    JSON.parse((await skopeo(['inspect', '--config', '--raw', ...extra, reference])).toString()),
  );
  const inspect = JSON.parse((await skopeo(['inspect', ...extra, reference])).toString()) as {
    Digest: string;
    Layers: string[];
    Architecture: string;
    Os: string;
  };
  return { raw, manifest: ImageManifest.parse(JSON.parse(raw.toString())), config, inspect };
}

async function withImage<T>(input: string, use: (image: Image) => Promise<T> | T, options = {}): Promise<T> {
  const image = await openImage(input, options);
  try {
    return await use(image);
  } finally {
    await image[Symbol.asyncDispose]();
  }
}

/** Everything an Image says about its identity that must not depend on the transport. */
function assertSameImageAs(image: Image, view: Awaited<ReturnType<typeof skopeoView>>) {
  assert.equal(image.configDescriptor?.digest, view.manifest.config.digest, 'config digest');
  assert.deepEqual(
    image.layers.map((l) => l.diffId),
    view.config.rootfs.diff_ids,
    'diffIDs',
  );
  assert.deepEqual(
    image.layers.map((l) => l.digest),
    view.inspect.Layers,
    'layer digests',
  );
  assert.deepEqual(
    image.layers.map((l) => l.createdBy),
    (view.config.history ?? []).filter((h) => !h.empty_layer).map((h) => h.created_by),
    'history lines joined to layers',
  );
  assert.equal(image.platform.os, view.inspect.Os);
  assert.equal(image.platform.architecture, view.inspect.Architecture);
}

describe('local transports agree with skopeo', { skip }, () => {
  for (const name of fixtureNames) {
    const paths = fixture(name);

    test(`${name}: oci-dir manifest digest equals skopeo's`, async () => {
      const view = await skopeoView(`oci:${paths.ociDir}`);
      await withImage(`oci-dir:${paths.ociDir}`, (image) => {
        assert.equal(image.digest, sha256(view.raw));
        assert.equal(image.digest, view.inspect.Digest);
        assert.equal(image.mediaType, view.manifest.mediaType);
        assert.deepEqual(Buffer.from(image.manifestBytes ?? []), view.raw);
        assertSameImageAs(image, view);
      });
    });

    test(`${name}: oci-archive manifest digest equals skopeo's and the oci-dir one`, async () => {
      const view = await skopeoView(`oci-archive:${paths.ociArchive}`);
      const fromDir = await withImage(`oci-dir:${paths.ociDir}`, (image) => image.digest);
      await withImage(`oci-archive:${paths.ociArchive}`, (image) => {
        assert.equal(image.digest, sha256(view.raw));
        assert.equal(image.digest, view.inspect.Digest);
        assert.equal(image.digest, fromDir);
        assertSameImageAs(image, view);
      });
    });

    test(`${name}: docker-archive config digest, layer digests and diffIDs equal skopeo's`, async () => {
      const view = await skopeoView(`docker-archive:${paths.dockerArchive}`);
      await withImage(`docker-archive:${paths.dockerArchive}`, (image) => {
        assertSameImageAs(image, view);
        // The synthesised manifest's digest is its own bytes' (and says what the layers really are).
        assert.equal(image.digest, sha256(image.manifestBytes ?? new Uint8Array()));
        for (const layer of image.layers) assert.equal(layer.mediaType, 'application/vnd.docker.image.rootfs.diff.tar');
      });
    });
  }

  test('a gzipped docker-archive (docker save | gzip) gives the same image and filesystem, streamed', async () => {
    const work = await mkdtemp(join(tmpdir(), 'sgci-gz-'));
    try {
      const plain = fixture('distroless-static').dockerArchive;
      const gz = join(work, 'image.tar.gz');
      await writeFile(gz, gzipSync(await readFile(plain)));
      const entries = async (input: string) =>
        withImage(input, async (image) => ({
          digest: image.digest,
          layers: image.layers.map((l) => [l.digest, l.diffId, l.mediaType]),
          files: [...(await image.filesystem({})).squashed.entries()],
        }));
      const fromGzip = await entries(`docker-archive:${gz}`);
      assert.deepEqual(fromGzip, await entries(`docker-archive:${plain}`));
      assert.ok(fromGzip.files.length > 100);
    } finally {
      await rm(work, { recursive: true, force: true });
    }
  });

  test('the tag of an oci-dir selects by org.opencontainers.image.ref.name; a wrong tag lists the tags', async () => {
    const dir = fixture('distroless-static').ociDir;
    const tagged = await withImage(`oci-dir:${dir}:latest`, (image) => image.digest);
    const untagged = await withImage(`oci-dir:${dir}`, (image) => image.digest);
    assert.equal(tagged, untagged);
    await assert.rejects(
      openImage(`oci-dir:${dir}:v9`),
      (error: unknown) =>
        isSgciError(error, 'SOURCE_NOT_FOUND') && /no image tagged "v9"; tags: latest/.test(error.message),
    );
  });

  test('a docker-archive tag selects by RepoTags; a wrong tag lists them', async () => {
    const file = fixture('distroless-static').dockerArchive;
    assert.ok(await withImage(`docker-archive:${file}:latest`, (image) => image.digest));
    await assert.rejects(
      openImage(`docker-archive:${file}:nope`),
      (error: unknown) =>
        isSgciError(error, 'SOURCE_NOT_FOUND') &&
        /tags: docker.io\/fixtures\/distroless-static:latest/.test(error.message),
    );
  });
});

describe('registry transport agrees with skopeo', { skip }, () => {
  let registry: TestRegistry;
  let basic: TestRegistry;

  before(async () => {
    [registry, basic] = await Promise.all([startRegistry({ auth: 'none' }), startRegistry({ auth: 'basic' })]);
    for (const name of fixtureNames) await registry.push(fixture(name).ociDir, `fixtures/${name}:v1`);
    await basic.push(fixture('distroless-static').ociDir, 'private/distroless-static:v1');
  });
  after(async () => {
    await Promise.all([registry?.stop(), basic?.stop()]);
  });

  for (const name of fixtureNames) {
    test(`${name}: registry manifest digest equals skopeo's`, async () => {
      const reference = `${registry.host}/fixtures/${name}:v1`;
      const view = await skopeoView(`docker://${reference}`, ['--tls-verify=false']);
      await withImage(reference, (image) => {
        assert.equal(image.source.kind, 'registry');
        assert.equal(image.digest, sha256(view.raw));
        assert.equal(image.digest, view.inspect.Digest);
        assertSameImageAs(image, view);
      });
      // The same image by digest, through the explicit scheme.
      await withImage(`registry:${registry.host}/fixtures/${name}@${view.inspect.Digest}`, (image) => {
        assert.equal(image.digest, view.inspect.Digest);
      });
    });
  }

  test('Basic auth: the right password opens the image, a wrong one is REGISTRY_UNAUTHORIZED', async () => {
    const reference = `${basic.host}/private/distroless-static:v1`;
    const credentials = basic.credentials!;
    const view = await skopeoView(`docker://${reference}`, [
      '--tls-verify=false',
      '--creds',
      `${credentials.username}:${credentials.password}`,
    ]);
    await withImage(reference, (image) => assert.equal(image.digest, view.inspect.Digest), credentials);
    await assert.rejects(
      openImage(reference, { username: credentials.username, password: 'wrong' }),
      (error: unknown) => isSgciError(error, 'REGISTRY_UNAUTHORIZED') && error.message.includes(basic.host),
    );
  });

  test('Bearer tokens: the registry configured for token auth, credentials exchanged at the issuer', async () => {
    const tokenRegistry = await startRegistry({ auth: 'token' });
    try {
      await tokenRegistry.push(fixture('distroless-static').ociDir, 'private/app:v1');
      const fromDir = await withImage(`oci-dir:${fixture('distroless-static').ociDir}`, (image) => image.digest);
      await withImage(
        `${tokenRegistry.host}/private/app:v1`,
        (image) => assert.equal(image.digest, fromDir),
        tokenRegistry.credentials,
      );
      assert.ok(
        tokenRegistry.tokenIssuer?.requests.some((r) => r.granted && r.scopes.some((s) => s.includes('private/app'))),
        'a token for the repository was issued',
      );
      await assert.rejects(openImage(`${tokenRegistry.host}/private/app:v1`), (error: unknown) =>
        isSgciError(error, 'REGISTRY_UNAUTHORIZED'),
      );
    } finally {
      await tokenRegistry.stop();
    }
  });

  test('a layer streamed from the registry verifies against its digest', async () => {
    await withImage(`${registry.host}/fixtures/distroless-static:v1`, async (image) => {
      const layer = image.layers[1]!;
      const hash = createHash('sha256');
      for await (const chunk of (await layer.open()) as AsyncIterable<Buffer>) hash.update(chunk);
      assert.equal(`sha256:${hash.digest('hex')}`, layer.digest);
    });
  });
});
