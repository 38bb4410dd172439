/**
 * Synthetic OCI layouts, archives and docker-archives built in a temp dir: multi-platform selection,
 * and every way a hostile or broken source must end in one clear SgciError naming the input.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import { type ErrorCode, isSgciError, withLimits } from '../../src/core/index.ts';
import { mediaTypes } from '../../src/oci/image/index.ts';
import { openImage } from '../../src/oci/source/index.ts';
import { startRegistry } from '../helpers/registry.ts';

const run = promisify(execFile);
const sha256 = (bytes: Uint8Array | string) => `sha256:${createHash('sha256').update(bytes).digest('hex')}`;

interface Blob {
  readonly digest: string;
  readonly size: number;
  readonly bytes: Buffer;
}

function blob(content: string | Buffer): Blob {
  const bytes = Buffer.from(content);
  return { digest: sha256(bytes), size: bytes.length, bytes };
}

/** A one-file uncompressed layer tar made by the system tar, and its gzip. */
async function makeLayer(work: string, name: string, text: string): Promise<{ tar: Blob; gzip: Blob }> {
  const root = join(work, `layer-${name}`);
  await mkdir(root, { recursive: true });
  await writeFile(join(root, name), text);
  const file = join(work, `layer-${name}.tar`);
  await run('tar', ['--sort=name', '--mtime=@0', '--owner=0', '--group=0', '-cf', file, '-C', root, name]);
  const tar = await readFile(file);
  return { tar: blob(tar), gzip: blob(gzipSync(tar)) };
}

function imageConfig(os: string, architecture: string, diffIds: string[], variant?: string): Blob {
  return blob(
    JSON.stringify({
      os,
      architecture,
      ...(variant ? { variant } : {}),
      config: { Env: ['PATH=/bin'] },
      rootfs: { type: 'layers', diff_ids: diffIds },
      history: diffIds.map((_, i) => ({ created_by: `step ${i}` })),
    }),
  );
}

function manifestFor(config: Blob, layers: Blob[], configMediaType: string = mediaTypes.ociConfig): Blob {
  return blob(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: mediaTypes.ociManifest,
      config: { mediaType: configMediaType, digest: config.digest, size: config.size },
      layers: layers.map((l) => ({ mediaType: mediaTypes.ociLayerGzip, digest: l.digest, size: l.size })),
    }),
  );
}

/** Writes an OCI layout whose index.json lists `entries` and whose blobs/ holds `blobs`. */
async function writeLayout(dir: string, entries: object[], blobs: Blob[]): Promise<string> {
  await mkdir(join(dir, 'blobs', 'sha256'), { recursive: true });
  await writeFile(join(dir, 'oci-layout'), '{"imageLayoutVersion":"1.0.0"}');
  await writeFile(join(dir, 'index.json'), JSON.stringify({ schemaVersion: 2, manifests: entries }));
  for (const b of blobs) await writeFile(join(dir, 'blobs', 'sha256', b.digest.slice(7)), b.bytes);
  return dir;
}

function entry(manifest: Blob, extra: object = {}): object {
  return { mediaType: mediaTypes.ociManifest, digest: manifest.digest, size: manifest.size, ...extra };
}

async function rejectsWith(input: string, code: ErrorCode, message: RegExp, options = {}): Promise<void> {
  await assert.rejects(
    async () => {
      const image = await openImage(input, options);
      await image[Symbol.asyncDispose]();
    },
    (error: unknown) => {
      assert.ok(isSgciError(error), `expected SgciError, got ${String(error)}`);
      assert.equal(error.code, code, error.message);
      assert.ok(error.message.startsWith(`${input}: `), `names the input: ${error.message}`);
      assert.match(error.message, message);
      assert.ok(!error.message.includes('\n'), 'one line');
      return true;
    },
  );
}

describe('synthetic sources', () => {
  let work: string;
  let layer: { tar: Blob; gzip: Blob };
  let config: Blob;
  let manifest: Blob;
  let good: string;

  before(async () => {
    work = await mkdtemp(join(tmpdir(), 'sgci-sources-'));
    layer = await makeLayer(work, 'hello.txt', 'hello\n');
    config = imageConfig('linux', 'amd64', [layer.tar.digest]);
    manifest = manifestFor(config, [layer.gzip]);
    good = await writeLayout(
      join(work, 'good'),
      [entry(manifest, { annotations: { 'org.opencontainers.image.ref.name': 'v1' } })],
      [manifest, config, layer.gzip],
    );
  });
  after(async () => {
    await rm(work, { recursive: true, force: true });
  });

  let multiDir: string;
  let multiIndexDigest: string;

  test('a multi-platform index: picks by --platform with containerd variant rules, else lists the platforms', async () => {
    const platforms = [
      ['amd64', undefined],
      ['arm64', 'v8'],
      ['arm', 'v7'],
    ] as const;
    const blobs: Blob[] = [layer.gzip];
    const manifests: object[] = [];
    for (const [architecture, variant] of platforms) {
      const c = imageConfig('linux', architecture, [layer.tar.digest], variant);
      const m = manifestFor(c, [layer.gzip]);
      blobs.push(c, m);
      manifests.push(entry(m, { platform: { os: 'linux', architecture, ...(variant ? { variant } : {}) } }));
    }
    // An attestation manifest as buildx writes it: never a candidate, never listed.
    manifests.push(
      entry(manifest, {
        platform: { os: 'unknown', architecture: 'unknown' },
        annotations: { 'vnd.docker.reference.type': 'attestation-manifest' },
      }),
    );
    const index = blob(JSON.stringify({ schemaVersion: 2, mediaType: mediaTypes.ociIndex, manifests }));
    const dir = await writeLayout(
      join(work, 'multi'),
      [{ mediaType: mediaTypes.ociIndex, digest: index.digest, size: index.size }],
      [...blobs, index, manifest, config],
    );
    multiDir = dir;
    multiIndexDigest = index.digest;
    for (const [wanted, architecture, variant] of [
      [undefined, 'amd64', undefined],
      ['linux/arm64', 'arm64', 'v8'],
      ['linux/arm', 'arm', 'v7'],
    ] as const) {
      const image = await openImage(`oci-dir:${dir}`, wanted ? { platform: wanted } : {});
      assert.equal(image.platform.architecture, architecture);
      assert.equal(image.platform.variant, variant);
      assert.equal(image.index?.digest, index.digest);
      assert.deepEqual(image.index?.platforms.length, 3);
      await image[Symbol.asyncDispose]();
    }
    await rejectsWith(
      `oci-dir:${dir}`,
      'PLATFORM_NOT_FOUND',
      /no image for platform linux\/s390x; available: linux\/amd64, linux\/arm64\/v8, linux\/arm\/v7$/,
      { platform: 'linux/s390x' },
    );
  });

  test('the same multi-platform index through the real registry (skopeo copy --all)', async () => {
    const registry = await startRegistry({ auth: 'none' });
    try {
      await run('skopeo', [
        '--insecure-policy',
        'copy',
        '--all',
        '--quiet',
        '--dest-tls-verify=false',
        `oci:${multiDir}`,
        `docker://${registry.host}/multi/app:v1`,
      ]);
      const image = await openImage(`${registry.host}/multi/app:v1`, { platform: 'linux/arm/v7' });
      assert.equal(image.index?.digest, multiIndexDigest, 'skopeo --all keeps the index byte for byte');
      assert.equal(image.platform.architecture, 'arm');
      await image[Symbol.asyncDispose]();
      await rejectsWith(
        `${registry.host}/multi/app:v1`,
        'PLATFORM_NOT_FOUND',
        /available: linux\/amd64, linux\/arm64\/v8, linux\/arm\/v7$/,
        {
          platform: 'windows/amd64',
        },
      );
    } finally {
      await registry.stop();
    }
  });

  test('a good layout opens, its layer streams and verifies', async () => {
    const image = await openImage(`oci-dir:${good}:v1`);
    assert.equal(image.digest, manifest.digest);
    assert.deepEqual(
      image.layers.map((l) => [l.digest, l.diffId, l.createdBy]),
      [[layer.gzip.digest, layer.tar.digest, 'step 0']],
    );
    const chunks: Buffer[] = [];
    for await (const chunk of (await image.layers[0]!.open()) as AsyncIterable<Buffer>) chunks.push(chunk);
    assert.deepEqual(Buffer.concat(chunks), layer.gzip.bytes);
    await image[Symbol.asyncDispose]();
  });

  test('a config blob changed on disk is DIGEST_MISMATCH naming the digest', async () => {
    const dir = await writeLayout(join(work, 'bad-config'), [entry(manifest)], [manifest, config, layer.gzip]);
    const tampered = Buffer.from(config.bytes.toString().replace('PATH=/bin', 'PATH=/xyz'));
    await writeFile(join(dir, 'blobs', 'sha256', config.digest.slice(7)), tampered);
    await rejectsWith(`oci-dir:${dir}`, 'DIGEST_MISMATCH', new RegExp(`does not match digest ${config.digest}`));
  });

  test('a layer blob changed on disk fails its stream with DIGEST_MISMATCH', async () => {
    const dir = await writeLayout(join(work, 'bad-layer'), [entry(manifest)], [manifest, config, layer.gzip]);
    const flipped = Buffer.from(layer.gzip.bytes);
    flipped[flipped.length - 5]! ^= 0xff;
    await writeFile(join(dir, 'blobs', 'sha256', layer.gzip.digest.slice(7)), flipped);
    const image = await openImage(`oci-dir:${dir}`);
    await assert.rejects(
      async () => {
        for await (const _ of (await image.layers[0]!.open()) as AsyncIterable<Buffer>) {
          // drain
        }
      },
      (error: unknown) => isSgciError(error, 'DIGEST_MISMATCH') && error.message.includes(layer.gzip.digest),
    );
    await image[Symbol.asyncDispose]();
  });

  test('a layer blob tampered so that gzip breaks mid-stream is DIGEST_MISMATCH naming the digest', async () => {
    const dir = await writeLayout(join(work, 'tampered-layer'), [entry(manifest)], [manifest, config, layer.gzip]);
    const tampered = Buffer.from(layer.gzip.bytes);
    // Inside the deflate data, past the 10-byte gzip header: decompression fails before the stream ends.
    for (let i = 12; i < 20; i++) tampered[i]! ^= 0xff;
    await writeFile(join(dir, 'blobs', 'sha256', layer.gzip.digest.slice(7)), tampered);
    const image = await openImage(`oci-dir:${dir}`);
    try {
      await assert.rejects(image.filesystem(), (error: unknown) => {
        assert.ok(isSgciError(error, 'DIGEST_MISMATCH'), String(error));
        assert.match(error.message, new RegExp(`does not match digest ${layer.gzip.digest}`));
        assert.ok(!error.message.includes('\n'), 'one line');
        return true;
      });
    } finally {
      await image[Symbol.asyncDispose]();
    }
  });

  test('broken layouts end in one clear line', async () => {
    const missing = await writeLayout(join(work, 'missing-blob'), [entry(manifest)], [manifest, layer.gzip]);
    await rejectsWith(`oci-dir:${missing}`, 'SOURCE_NOT_FOUND', /blob sha256:[a-f0-9]{64} is missing from the layout/);

    const fifo = await writeLayout(join(work, 'fifo-blob'), [entry(manifest)], [manifest, config]);
    await run('mkfifo', [join(fifo, 'blobs', 'sha256', layer.gzip.digest.slice(7))]);
    const fifoImage = await openImage(`oci-dir:${fifo}`);
    await assert.rejects(
      fifoImage.layers[0]!.open(),
      (error: unknown) => isSgciError(error, 'MANIFEST_INVALID') && /is not a regular file/.test(error.message),
    );

    const notJson = await writeLayout(join(work, 'not-json'), [], []);
    await writeFile(join(notJson, 'index.json'), '{"schemaVersion":2,');
    await rejectsWith(`oci-dir:${notJson}`, 'MANIFEST_INVALID', /index.json is not valid JSON/);

    const empty = await writeLayout(join(work, 'empty'), [], []);
    await rejectsWith(`oci-dir:${empty}`, 'SOURCE_NOT_FOUND', /holds no image manifest/);

    const schema1 = blob(JSON.stringify({ schemaVersion: 1, name: 'x', fsLayers: [] }));
    const old = await writeLayout(join(work, 'schema1'), [entry(schema1)], [schema1]);
    await rejectsWith(`oci-dir:${old}`, 'MANIFEST_UNSUPPORTED', /schema 1/);

    const artifactManifest = manifestFor(config, [], 'application/vnd.dev.cosign.simplesigning.v1+json');
    const artifact = await writeLayout(join(work, 'artifact'), [entry(artifactManifest)], [artifactManifest, config]);
    await rejectsWith(`oci-dir:${artifact}`, 'MANIFEST_UNSUPPORTED', /not a container image/);

    const mismatch = manifestFor(config, []);
    const counts = await writeLayout(join(work, 'counts'), [entry(mismatch)], [mismatch, config]);
    await rejectsWith(`oci-dir:${counts}`, 'MANIFEST_INVALID', /lists 0 layers but the config has 1 diff_ids/);

    const wrongShape = blob(
      JSON.stringify({ schemaVersion: 2, mediaType: mediaTypes.ociManifest, config: {}, layers: 3 }),
    );
    const shape = await writeLayout(join(work, 'shape'), [entry(wrongShape)], [wrongShape]);
    await rejectsWith(`oci-dir:${shape}`, 'MANIFEST_INVALID', /manifest sha256:[a-f0-9]{64} is invalid: /);

    await rejectsWith(
      `oci-dir:${good}`,
      'LIMIT_EXCEEDED',
      /index.json \(\d+ bytes\) is larger than the limit of 100 bytes/,
      {
        limits: withLimits({ maxManifestBytes: 100 }),
      },
    );
    await rejectsWith(`oci-dir:${good}`, 'LIMIT_EXCEEDED', /layer 0 sha256:[a-f0-9]{64} declares \d+ bytes/, {
      limits: withLimits({ maxBlobBytes: 10 }),
    });
  });

  test('oci-archive: read in place from the tar, streamed from gzip; truncated archives are clear errors', async () => {
    const archive = join(work, 'good.tar');
    await run('tar', ['-cf', archive, '-C', good, '.']); // members named ./index.json …
    const image = await openImage(`oci-archive:${archive}`);
    assert.equal(image.digest, manifest.digest);
    await image[Symbol.asyncDispose]();

    // gzip-compressed: streamed, not refused; a truncated gzip is a clear error.
    const gz = join(work, 'good.tar.gz');
    const gzipped = gzipSync(await readFile(archive));
    await writeFile(gz, gzipped);
    const fromGzip = await openImage(`oci-archive:${gz}`);
    assert.equal(fromGzip.digest, manifest.digest);
    const chunks: Buffer[] = [];
    for await (const chunk of (await fromGzip.layers[0]!.open()) as AsyncIterable<Buffer>) chunks.push(chunk);
    assert.deepEqual(Buffer.concat(chunks), layer.gzip.bytes);
    await fromGzip[Symbol.asyncDispose]();
    const cutGz = join(work, 'cut.tar.gz');
    await writeFile(cutGz, gzipped.subarray(0, gzipped.length - 40));
    await rejectsWith(`oci-archive:${cutGz}`, 'LAYER_CORRUPT', /archive/);

    const cut = join(work, 'cut.tar');
    await writeFile(cut, await readFile(archive));
    await truncate(cut, 1000);
    await rejectsWith(`oci-archive:${cut}`, 'LAYER_CORRUPT', /archive is not a valid tar/);

    await rejectsWith(`oci-archive:${join(work, 'absent.tar')}`, 'SOURCE_NOT_FOUND', /cannot open archive/);
  });

  test('docker-archive: a layer whose content does not match the digest in its name fails on read', async () => {
    const dir = join(work, 'docker');
    await mkdir(dir, { recursive: true });
    const dockerConfig = imageConfig('linux', 'amd64', [layer.tar.digest]);
    const layerName = `${layer.tar.digest.slice(7)}.tar`;
    await writeFile(join(dir, `${dockerConfig.digest.slice(7)}.json`), dockerConfig.bytes);
    const wrong = Buffer.from(layer.tar.bytes);
    wrong[600] = (wrong[600] ?? 0) ^ 0xff; // inside the file data, the tar framing stays valid
    await writeFile(join(dir, layerName), wrong);
    await writeFile(
      join(dir, 'manifest.json'),
      JSON.stringify([{ Config: `${dockerConfig.digest.slice(7)}.json`, RepoTags: ['x:1'], Layers: [layerName] }]),
    );
    const archive = join(work, 'docker.tar');
    await run('tar', ['-cf', archive, '-C', dir, '.']);
    const image = await openImage(`docker-archive:${archive}`);
    assert.equal(image.layers[0]?.digest, layer.tar.digest, 'claimed by the name, verified while streaming');
    await assert.rejects(
      async () => {
        for await (const _ of (await image.layers[0]!.open()) as AsyncIterable<Buffer>) {
          // drain
        }
      },
      (error: unknown) => isSgciError(error, 'DIGEST_MISMATCH') && error.message.includes(layer.tar.digest),
    );
  });

  test('docker-archive in the legacy layout (<id>/layer.tar): layer digests are hashed from the files', async () => {
    const dir = join(work, 'legacy');
    await mkdir(join(dir, 'abc123'), { recursive: true });
    const legacyConfig = imageConfig('linux', 'amd64', [layer.tar.digest, layer.tar.digest]);
    await writeFile(join(dir, 'config.json'), legacyConfig.bytes);
    await writeFile(join(dir, 'abc123', 'layer.tar'), layer.tar.bytes);
    await writeFile(
      join(dir, 'manifest.json'),
      JSON.stringify([{ Config: 'config.json', RepoTags: null, Layers: ['abc123/layer.tar', 'abc123/layer.tar'] }]),
    );
    const archive = join(work, 'legacy.tar');
    await run('tar', ['-cf', archive, '-C', dir, '.']);
    const image = await openImage(`docker-archive:${archive}`);
    assert.deepEqual(
      image.layers.map((l) => [l.digest, l.diffId, l.mediaType]),
      [
        [layer.tar.digest, layer.tar.digest, 'application/vnd.docker.image.rootfs.diff.tar'],
        [layer.tar.digest, layer.tar.digest, 'application/vnd.docker.image.rootfs.diff.tar'],
      ],
    );
    assert.equal(image.configDescriptor?.digest, legacyConfig.digest);
    await image[Symbol.asyncDispose]();
  });

  test('dir: walks a root filesystem with lstat and never follows a symlink out of it', async () => {
    const root = join(work, 'rootfs');
    await mkdir(join(root, 'etc'), { recursive: true });
    await writeFile(join(root, 'etc', 'os-release'), 'ID=debian\n');
    await run('ln', ['-s', '/etc', join(root, 'host-etc')]);
    const image = await openImage(`dir:${root}`);
    assert.equal(image.digest, undefined);
    const fs = await image.filesystem({ paths: ['/etc/os-release'] });
    const link = fs.squashed.get('/host-etc');
    assert.equal(link?.type, 'symlink');
    assert.equal(link?.linkTarget, '/etc');
    assert.equal(fs.squashed.get('/host-etc/passwd'), undefined, 'the host /etc is not read through the link');
    const osRelease = fs.squashed.get('/etc/os-release')!;
    assert.equal(Buffer.from(await fs.squashed.read(osRelease)).toString(), 'ID=debian\n');
    await rejectsWith(`dir:${join(work, 'nope')}`, 'SOURCE_NOT_FOUND', /cannot read directory/);
  });
});
