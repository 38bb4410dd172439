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
  readFileSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { DebPackage } from './image/assemble.ts';

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
    content: `Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/\nUpstream-Name: ${name}\n\nFiles: *\nCopyright: 2026 sgci tests\nLicense: ${license}\n`,
  };
}
