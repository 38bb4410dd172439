/**
 * Test support: real .deb files made with the system's `dpkg-deb --build`, so the reader is checked against the
 * format as dpkg writes it, and test images are assembled from packages dpkg itself accepts.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  chmodSync,
  existsSync,
  linkSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { type SyntheticEntry, tarOf } from '../../test/helpers/synthetic-image.ts';
import { selfSignedCertificate } from '../../test/helpers/tls.ts';
import type { ExtraSource } from './extra/extra-sources.ts';
import type { DebPackage, PlatformPackages } from './image/assemble.ts';
import type { SecondRun } from './reproduce.ts';

export type TestDebFile =
  | { readonly path: string; readonly content: string | Buffer; readonly mode?: number }
  | { readonly path: string; readonly symlink: string }
  | { readonly path: string; readonly hardlink: string }
  | { readonly path: string; readonly dir: true; readonly mode?: number };

export interface TestDeb {
  readonly name: string;
  readonly version?: string;
  readonly arch?: string;
  readonly source?: string;
  readonly files: readonly TestDebFile[];
  readonly scripts?: Readonly<Record<string, string>>;
  readonly compression?: 'gzip' | 'xz' | 'zstd' | 'none';
}

export const dpkgDebAvailable = existsSync('/usr/bin/dpkg-deb');

/** Builds `deb` with dpkg-deb into `outDir`; returns it as the resolver would hand it over. */
export function makeDeb(outDir: string, deb: TestDeb): DebPackage {
  const root = mkdtempSync(join(tmpdir(), `sgci-deb-${deb.name}-`));
  const version = deb.version ?? '1.0-1';
  const arch = deb.arch ?? 'amd64';
  mkdirSync(join(root, 'DEBIAN'));
  writeFileSync(
    join(root, 'DEBIAN', 'control'),
    [
      `Package: ${deb.name}`,
      ...(deb.source ? [`Source: ${deb.source}`] : []),
      `Version: ${version}`,
      `Architecture: ${arch}`,
      'Maintainer: sgci tests <tests@sgci.example>',
      'Installed-Size: 1',
      `Description: ${deb.name} for sgci build tests`,
      '',
    ].join('\n'),
  );
  for (const [name, text] of Object.entries(deb.scripts ?? {})) {
    writeFileSync(join(root, 'DEBIAN', name), text);
    chmodSync(join(root, 'DEBIAN', name), 0o755);
  }
  for (const file of deb.files) {
    const path = join(root, file.path);
    mkdirSync(dirname(path), { recursive: true });
    if ('dir' in file) {
      mkdirSync(path, { recursive: true });
      chmodSync(path, file.mode ?? 0o755);
    } else if ('symlink' in file) symlinkSync(file.symlink, path);
    else if ('hardlink' in file) linkSync(join(root, file.hardlink), path);
    else {
      writeFileSync(path, file.content);
      chmodSync(path, file.mode ?? 0o644);
    }
  }
  // as dh_md5sums writes it: every regular file, hardlinks included
  const sums = deb.files
    .filter((f) => 'content' in f || 'hardlink' in f)
    .map(
      (f) =>
        `${createHash('md5')
          .update(readFileSync(join(root, f.path)))
          .digest('hex')}  ${f.path}\n`,
    )
    .sort();
  if (sums.length > 0) writeFileSync(join(root, 'DEBIAN', 'md5sums'), sums.join(''));
  const debPath = join(outDir, `${deb.name}_${version}_${arch}.deb`);
  execFileSync('dpkg-deb', ['--root-owner-group', `-Z${deb.compression ?? 'xz'}`, '--build', root, debPath], {
    stdio: 'pipe',
    env: { ...process.env, SOURCE_DATE_EPOCH: '1700000000' },
  });
  const sha256 = createHash('sha256').update(readFileSync(debPath)).digest('hex');
  return { name: deb.name, version, arch, source: deb.source ?? deb.name, debPath, sha256 };
}

/** A copyright file as Debian packages ship it, machine-readable. */
export function copyrightOf(name: string, license = 'MIT'): TestDebFile {
  return {
    path: `usr/share/doc/${name}/copyright`,
    content: `Upstream-Name: ${name}\n\nFiles: *\nCopyright: 2026 sgci tests\nLicense: ${license}\n`,
  };
}

/** A self-signed certificate in PEM, made with the openssl command line (present wherever ca-certificates is). */
async function testCertificate(commonName: string): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'sgci-cert-'));
  await selfSignedCertificate(`/CN=${commonName}`, 3650, join(dir, 'key.pem'), join(dir, 'cert.pem'));
  return readFileSync(join(dir, 'cert.pem'), 'utf8');
}

/**
 * A tiny stand-in for Debian's `static` set, made with dpkg-deb: base-files (os-release, /tmp, merged-/usr paths),
 * netbase, tzdata (with a hardlinked zone), ca-certificates (two real certificates, one without a final newline, one
 * with spaces and parentheses in its name) and a library shipping /lib64, each with a copyright file and maintainer
 * scripts that must not run.
 */
export async function staticLikeDebs(outDir: string): Promise<DebPackage[]> {
  const rootCa = await testCertificate('sgci Test Root');
  const otherCa = (await testCertificate('sgci Other Root')).trimEnd();
  return [
    makeDeb(outDir, {
      name: 'base-files',
      version: '12.4+deb12u11',
      scripts: { postinst: '#!/bin/sh\necho would copy dot files\n' },
      files: [
        { path: 'etc/os-release', symlink: '../usr/lib/os-release' },
        {
          path: 'usr/lib/os-release',
          content:
            'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nNAME="Debian GNU/Linux"\nVERSION_ID="12"\nID=debian\n',
        },
        { path: 'etc/debian_version', content: '12.11\n' },
        { path: 'tmp', dir: true, mode: 0o1777 },
        { path: 'var/mail', dir: true, mode: 0o2775 },
        copyrightOf('base-files', 'GPL-2.0-or-later'),
      ],
    }),
    makeDeb(outDir, {
      name: 'netbase',
      version: '6.4',
      arch: 'all',
      files: [
        { path: 'etc/protocols', content: 'ip\t0\tIP\ntcp\t6\tTCP\n' },
        { path: 'etc/services', content: 'http\t\t80/tcp\n' },
        copyrightOf('netbase', 'GPL-2.0-only'),
      ],
    }),
    makeDeb(outDir, {
      name: 'tzdata',
      version: '2025b-0+deb12u2',
      arch: 'all',
      scripts: { config: '#!/bin/sh\nexit 0\n', postinst: '#!/bin/sh\nexit 0\n' },
      files: [
        { path: 'usr/share/zoneinfo/Europe/Berlin', content: 'TZif2 Berlin' },
        { path: 'usr/share/zoneinfo/Europe/Amsterdam', content: 'TZif2 Amsterdam' },
        { path: 'usr/share/zoneinfo/posix/Europe/Berlin', hardlink: 'usr/share/zoneinfo/Europe/Berlin' },
        { path: 'usr/share/zoneinfo/Etc/UTC', content: 'TZif2 UTC' },
        copyrightOf('tzdata', 'public-domain'),
      ],
    }),
    makeDeb(outDir, {
      name: 'ca-certificates',
      version: '20230311+deb12u1',
      arch: 'all',
      scripts: { postinst: '#!/bin/sh\nupdate-ca-certificates\n' },
      files: [
        { path: 'usr/share/ca-certificates/mozilla/sgci_Test_Root.crt', content: rootCa },
        { path: 'usr/share/ca-certificates/mozilla/sgci Other (Root), 2026.crt', content: otherCa },
        { path: 'etc/ssl/certs', dir: true },
        copyrightOf('ca-certificates', 'MPL-2.0'),
      ],
    }),
    makeDeb(outDir, {
      name: 'libsgci0',
      version: '1.2-3',
      source: 'sgci-lib',
      files: [
        { path: 'lib/x86_64-linux-gnu/libsgci.so.0', content: 'ELF library', mode: 0o644 },
        { path: 'lib64/ld-sgci.so.2', symlink: '/lib/x86_64-linux-gnu/libsgci.so.0' },
        copyrightOf('libsgci0', 'MIT'),
      ],
    }),
  ];
}

/** A build file for the static-like set: what the tests vary is passed as YAML lines appended at the top level. */
export function staticBuildYaml(extra = ''): string {
  return `apiVersion: sgci.build/v1
image:
  name: registry.example/sgci/static
  tags: [latest, '12']
  platforms: [linux/amd64]
  labels:
    org.opencontainers.image.source: https://sgci.example/static
    org.opencontainers.image.documentation: https://sgci.example/static/CHANGELOG.md
    org.opencontainers.image.resource.cpu: 100m
    org.opencontainers.image.resource.memory: 64Mi
    org.opencontainers.image.resource.ephemeral-storage: 16Mi
debian:
  sources:
    - url: https://debian.mirror.example/debian
      suites: [bookworm]
      keys:
        - file: keys/debian-bookworm.asc
          fingerprint: 4D64 FEC1 19C2 0290 67D6  E791 F8D2 585B 8783 D481
packages:
  include: [base-files, netbase, tzdata, ca-certificates, libsgci0]
  paths:
    tzdata:
      include: ['/usr/share/zoneinfo/Europe/**', '/usr/share/zoneinfo/posix/**']
config:
  entrypoint: [/usr/local/bin/app]
  healthcheck:
    test: [CMD, /usr/local/bin/app, health]
    interval: 30s
osRelease:
  PRETTY_NAME: sgci static (Debian 12)
reproducibility:
  epoch: 1735689600
${extra}`;
}

export const aptArchives = '/var/cache/apt/archives';

/**
 * Real Debian packages from the apt cache, as a resolver would hand them over (fields from `dpkg-deb -f`); for each
 * name the highest version present for `arch` or `all`. Undefined when one is missing (the caller skips, saying so).
 */
export function debsFromAptCache(names: readonly string[], arch = 'amd64'): DebPackage[] | undefined {
  if (!existsSync(aptArchives) || !dpkgDebAvailable) return undefined;
  const files = readdirSync(aptArchives).filter((n) => n.endsWith('.deb'));
  const out: DebPackage[] = [];
  for (const name of names) {
    const candidates = files
      .filter((n) => n.startsWith(`${name}_`) && (n.endsWith(`_${arch}.deb`) || n.endsWith('_all.deb')))
      .map((n) => join(aptArchives, n));
    if (candidates.length === 0) return undefined;
    const fields = candidates.map((debPath) => {
      const text = execFileSync('dpkg-deb', ['-f', debPath, 'Package', 'Version', 'Architecture', 'Source'], {
        encoding: 'utf8',
      });
      const field = (key: string) => new RegExp(`^${key}: (.*)$`, 'm').exec(text)?.[1] ?? '';
      return { debPath, version: field('Version'), arch: field('Architecture'), source: field('Source') || name };
    });
    fields.sort((a, b) => {
      try {
        execFileSync('dpkg', ['--compare-versions', a.version, 'lt', b.version]);
        return -1;
      } catch {
        return 1;
      }
    });
    const best = fields.at(-1);
    if (!best) return undefined;
    const sha256 = createHash('sha256').update(readFileSync(best.debPath)).digest('hex');
    out.push({
      name,
      version: best.version,
      arch: best.arch,
      source: best.source.split(' ')[0] ?? name,
      debPath: best.debPath,
      sha256,
    });
  }
  return out;
}

function layoutBlob(layout: string, digest: string): Buffer {
  return readFileSync(join(layout, 'blobs', 'sha256', digest.replace('sha256:', '')));
}

/** The gzipped layer blobs of a one-platform layout, each written to a file of its own for GNU tar. */
function layerFiles(layout: string): string[] {
  const index = JSON.parse(readFileSync(join(layout, 'index.json'), 'utf8'));
  const manifest = JSON.parse(layoutBlob(layout, index.manifests[0].digest).toString('utf8'));
  const dir = mkdtempSync(join(tmpdir(), 'sgci-layers-'));
  return manifest.layers.map((layer: { digest: string }, i: number) => {
    const file = join(dir, `${i}.tar.gz`);
    writeFileSync(file, layoutBlob(layout, layer.digest));
    return file;
  });
}

/** Every layer of a one-platform layout as GNU tar lists it (`-tv`, numeric owners, UTC): an independent reading. */
export function tarListing(layout: string): string[] {
  const lines: string[] = [];
  for (const file of layerFiles(layout)) {
    const out = execFileSync('tar', ['-tvz', '--numeric-owner', '--quoting-style=literal', '-f', file], {
      encoding: 'utf8',
      env: { ...process.env, TZ: 'UTC', LC_ALL: 'C' },
    });
    for (const line of out.split('\n').filter(Boolean)) lines.push(line.replace(/ +/g, ' '));
  }
  return lines;
}

/** A file's text from the topmost layer holding it, as GNU tar extracts it. */
export function layoutFile(layout: string, path: string): string {
  for (const file of layerFiles(layout).toReversed()) {
    try {
      return execFileSync('tar', ['-xzOf', file, path], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    } catch {}
  }
  throw new Error(`${path} is in no layer of ${layout}`);
}

const updateCaTool = '/usr/sbin/update-ca-certificates';
export const caToolMissing = existsSync(updateCaTool) ? false : 'update-ca-certificates is not installed';

/**
 * What the real update-ca-certificates writes for the certificates of a ca-certificates .deb and a given
 * ca-certificates.conf, in a directory of its own: the bundle's text, the `.pem` links and the hash links
 * (`openssl rehash`, run by it) it made.
 */
export function updateCaCertificates(
  debPath: string,
  conf: string,
): { bundle: string; links: string[]; hashLinks: string[] } {
  const root = mkdtempSync(join(tmpdir(), 'sgci-ca-'));
  execFileSync('dpkg-deb', ['-x', debPath, root]);
  writeFileSync(join(root, 'ca-certificates.conf'), conf);
  const certs = join(root, 'etc-ssl-certs');
  mkdirSync(certs);
  execFileSync(
    updateCaTool,
    [
      '--fresh',
      '--certsconf',
      join(root, 'ca-certificates.conf'),
      '--certsdir',
      join(root, 'usr/share/ca-certificates'),
      '--localcertsdir',
      join(root, 'none'),
      '--etccertsdir',
      certs,
      '--hooksdir',
      '',
    ],
    { stdio: 'pipe' },
  );
  const links = readdirSync(certs)
    .filter((n) => n.endsWith('.pem'))
    .sort();
  const hashLinks = readdirSync(certs)
    .filter((n) => /^[0-9a-f]{8}\.\d+$/.test(n))
    .sort()
    .map((n) => `${n} -> ${readlinkSync(join(certs, n))}`);
  return { bundle: readFileSync(join(certs, 'ca-certificates.crt'), 'utf8'), links, hashLinks };
}

/** An ar archive as dpkg-deb writes one: `!<arch>`, 60-byte headers, data padded to even offsets. */
function arArchive(members: readonly { readonly name: string; readonly data: Buffer }[]): Buffer {
  const parts: Buffer[] = [Buffer.from('!<arch>\n')];
  for (const { name, data } of members) {
    const header = `${name.padEnd(16)}${'0'.padEnd(12)}${'0'.padEnd(6)}${'0'.padEnd(6)}${'100644'.padEnd(8)}${String(data.length).padEnd(10)}\`\n`;
    parts.push(Buffer.from(header, 'latin1'), data);
    if (data.length % 2 === 1) parts.push(Buffer.from('\n'));
  }
  return Buffer.concat(parts);
}

/**
 * A .deb dpkg-deb would never build: its data.tar holds exactly `entries` (`..` paths, absolute names, device
 * nodes), to show the reader refuses or skips what a hostile package could carry.
 */
export async function handMadeDeb(
  outDir: string,
  name: string,
  entries: readonly SyntheticEntry[],
): Promise<DebPackage> {
  const control = await tarOf([
    { path: './', type: 'dir' },
    { path: './control', content: `Package: ${name}\nVersion: 1\nArchitecture: amd64\nDescription: hand-made\n` },
  ]);
  const deb = arArchive([
    { name: 'debian-binary', data: Buffer.from('2.0\n') },
    { name: 'control.tar.gz', data: gzipSync(control) },
    { name: 'data.tar', data: await tarOf(entries) },
  ]);
  const debPath = join(outDir, `${name}_1_amd64.deb`);
  writeFileSync(debPath, deb);
  const sha256 = createHash('sha256').update(deb).digest('hex');
  return { name, version: '1', arch: 'amd64', source: name, debPath, sha256 };
}

/**
 * Hands a second run all of a build at once, as `sgci build` does over time: the start, every .deb as arrived (each
 * file's size counted for the worker decision), the extra files, the end. Every package is one the first run took
 * from its expanded cache (`expandedCache`, default none): the second opens each .deb itself.
 */
export function handOverAll(
  second: SecondRun,
  file: string,
  yaml: string,
  built: {
    readonly inputs: readonly PlatformPackages[];
    readonly epoch: number;
    readonly extraSources: ExtraSource[];
    readonly expandedCache?: string;
  },
): void {
  const debs = new Map(built.inputs.flatMap((i) => i.packages.map((p) => [p.sha256, p.debPath] as const)));
  const debBytes = [...debs.values()].reduce((sum, path) => sum + statSync(path).size, 0);
  second.start(file, yaml, {
    inputs: built.inputs,
    epoch: built.epoch,
    debBytes,
    expandedCache: built.expandedCache ?? join(tmpdir(), 'sgci-no-expanded-cache'),
    fromFirst: [],
  });
  for (const sha256 of debs.keys()) second.arrived(sha256);
  second.extras(built.extraSources);
  second.end();
}
