/**
 * The polyglot bench image: Debian packages from the host's apt cache unpacked into several gzip layers
 * (base libraries, Go binaries, a JRE with its jars, Ruby with its gems, Python with its modules, Debian's node
 * modules), each layer rewriting /var/lib/dpkg/status as an image build would, and a last layer with a whiteout
 * and an opaque directory. Several hundred MB unpacked: the multi-layer image the parallel layer pass is measured
 * on. Built once into the bench cache (outside the repository) and reused while the package list is the same.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

const archives = '/var/cache/apt/archives';

/** Layer name and the apt-cache file name prefixes of its packages. */
const layerGroups: readonly (readonly [string, readonly RegExp[]])[] = [
  ['base', [/^libc6_/, /^perl-base_/, /^libssl3_/, /^libstdc\+\+6_/, /^libgcc-s1_/, /^zlib1g_/, /^tzdata_/]],
  ['go', [/^docker-registry_/, /^skopeo_/]],
  ['java', [/^openjdk-17-jre-headless_/, /^lib.*-java_/]],
  ['ruby', [/^ruby/, /^rubygems-integration_/, /^libruby/]],
  ['python', [/^python3/, /^libpython3\.11/]],
  ['node', [/^node-/, /^libjs-/]],
];

function cacheDir(): string {
  return join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'sgci-bench', 'polyglot');
}

/** One deb per package name (the newest file name when the cache holds several versions). */
function debsOf(patterns: readonly RegExp[], files: readonly string[]): string[] {
  const byName = new Map<string, string>();
  for (const file of files) {
    if (
      !file.endsWith('.deb') ||
      /-(dbg|dev|doc)_|^python3-(scipy|vtk9|sympy|pandas|sklearn)/.test(file) ||
      !patterns.some((p) => p.test(file))
    )
      continue;
    byName.set(file.slice(0, file.indexOf('_')), file);
  }
  return [...byName.values()].sort();
}

/** The OCI layout directory of the polyglot image, built on first use; undefined (with why) without an apt cache. */
export function polyglotImage(): { dir: string } | { missing: string } {
  if (!existsSync(archives) || !existsSync('/usr/bin/dpkg-deb')) return { missing: 'no apt cache or dpkg-deb' };
  const files = readdirSync(archives).sort();
  const groups = layerGroups.map(([name, patterns]) => [name, debsOf(patterns, files)] as const);
  if (groups.some(([, debs]) => debs.length === 0)) return { missing: 'the apt cache lacks some packages' };
  const key = createHash('sha256').update(JSON.stringify(groups)).digest('hex').slice(0, 16);
  const dir = join(cacheDir(), key);
  if (existsSync(join(dir, 'index.json'))) return { dir };
  mkdirSync(cacheDir(), { recursive: true });
  const building = mkdtempSync(join(cacheDir(), 'building-'));
  buildLayout(building, groups);
  rmSync(dir, { recursive: true, force: true });
  renameSync(building, dir);
  return { dir };
}

function writeBlob(layout: string, bytes: Buffer): { digest: string; size: number } {
  const hex = createHash('sha256').update(bytes).digest('hex');
  writeFileSync(join(layout, 'blobs', 'sha256', hex), bytes);
  return { digest: `sha256:${hex}`, size: bytes.length };
}

/** A deterministic tar of `root` (GNU tar, names sorted, owner root). */
function tarOf(root: string): Buffer {
  return execFileSync(
    'tar',
    ['-C', root, '--sort=name', '--owner=0', '--group=0', '--numeric-owner', '--mtime=@1700000000', '-cf', '-', '.'],
    { maxBuffer: 2 * 1024 * 1024 * 1024 },
  );
}

function buildLayout(layout: string, groups: readonly (readonly [string, readonly string[]])[]): void {
  mkdirSync(join(layout, 'blobs', 'sha256'), { recursive: true });
  const work = mkdtempSync(join(tmpdir(), 'sgci-polyglot-'));
  const layers: { digest: string; size: number; diffId: string }[] = [];
  const addLayer = (root: string) => {
    const tar = tarOf(root);
    const blob = writeBlob(layout, gzipSync(tar, { level: 6 }));
    layers.push({ ...blob, diffId: `sha256:${createHash('sha256').update(tar).digest('hex')}` });
  };
  try {
    let status = '';
    for (const [name, debs] of groups) {
      const root = join(work, name);
      mkdirSync(join(root, 'var', 'lib', 'dpkg'), { recursive: true });
      for (const deb of debs) {
        const path = join(archives, deb);
        execFileSync('dpkg-deb', ['-x', path, root]);
        const control = execFileSync('dpkg-deb', ['-f', path], { encoding: 'utf8' }).trimEnd();
        status += `${control.replace(/^(Package: .*)$/m, '$1\nStatus: install ok installed')}\n\n`;
      }
      writeFileSync(join(root, 'var', 'lib', 'dpkg', 'status'), status);
      addLayer(root);
      rmSync(root, { recursive: true, force: true });
    }
    // What later layers of real images do: delete a file, replace a directory's content.
    const last = join(work, 'last');
    mkdirSync(join(last, 'usr', 'share', 'doc'), { recursive: true });
    writeFileSync(join(last, 'usr', 'share', 'doc', '.wh..wh..opq'), '');
    writeFileSync(join(last, 'usr', 'share', 'doc', 'README'), 'docs removed\n');
    mkdirSync(join(last, 'usr', 'lib', 'x86_64-linux-gnu'), { recursive: true });
    writeFileSync(join(last, 'usr', 'lib', 'x86_64-linux-gnu', '.wh.libssl.so.3'), '');
    addLayer(last);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  const config = writeBlob(
    layout,
    Buffer.from(
      JSON.stringify({
        architecture: 'amd64',
        os: 'linux',
        config: { Env: ['PATH=/usr/local/bin:/usr/bin:/bin'], User: '1000' },
        rootfs: { type: 'layers', diff_ids: layers.map((l) => l.diffId) },
        history: layers.map(() => ({ created_by: 'polyglot bench layer' })),
      }),
    ),
  );
  const manifest = writeBlob(
    layout,
    Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: 'application/vnd.oci.image.manifest.v1+json',
        config: { mediaType: 'application/vnd.oci.image.config.v1+json', ...config },
        layers: layers.map(({ digest, size }) => ({
          mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip',
          digest,
          size,
        })),
      }),
    ),
  );
  writeFileSync(join(layout, 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }));
  writeFileSync(
    join(layout, 'index.json'),
    JSON.stringify({
      schemaVersion: 2,
      manifests: [{ mediaType: 'application/vnd.oci.image.manifest.v1+json', ...manifest }],
    }),
  );
}
