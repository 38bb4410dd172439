import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { describe, SgciError } from '../../core/index.ts';
import { type BuildConfig, type BuildPlatform, buildEpoch, extraFilePlatforms } from '../config.ts';
import type { ExtraSource } from '../extra/extra-sources.ts';
import type { InstalledPackage } from './install.ts';
import { rehashLinks } from './subject-hash.ts';
import { buildOwner, type ImageTree, type TreeNode } from './tree.ts';
import { archiveMember, archiveNodes } from './unpack-archive.ts';

/** One file the build wrote instead of a maintainer script or a package, for the build report. */
export interface Synthesized {
  readonly path: string;
  readonly why: string;
  /** The packages whose file this one replaced. */
  readonly replaced?: readonly string[];
}

function file(path: string, text: string | Buffer, epoch: number, mode = 0o644, uid = 0, gid = 0): TreeNode {
  return {
    path,
    type: 'file',
    mode,
    uid,
    gid,
    mtime: epoch,
    content: typeof text === 'string' ? Buffer.from(text) : text,
    owners: [buildOwner],
  };
}

function dir(path: string, epoch: number, mode = 0o755, uid = 0, gid = 0): TreeNode {
  return { path, type: 'dir', mode, uid, gid, mtime: epoch, owners: [buildOwner] };
}

function symlink(path: string, target: string, epoch: number, uid = 0, gid = 0): TreeNode {
  return { path, type: 'symlink', mode: 0o777, uid, gid, mtime: epoch, linkTarget: target, owners: [buildOwner] };
}

/** Writes `node` and records why; a package's file it replaces is named in the record. */
function write(tree: ImageTree, node: TreeNode, why: string, out: Synthesized[]): void {
  const replaced = tree.put(node);
  out.push({ path: node.path, why, ...(replaced && replaced.type !== 'dir' ? { replaced: replaced.owners } : {}) });
}

/**
 * /etc/passwd, /etc/group and home directories from `accounts`: what base-passwd's and adduser's maintainer scripts
 * would have made, with root and nobody as every Debian system has them (root without a login shell).
 */
export function writeAccounts(tree: ImageTree, config: BuildConfig, epoch: number, out: Synthesized[]): void {
  const users = [
    { name: 'root', uid: 0, gid: 0, home: '/root', shell: '/sbin/nologin' },
    ...config.accounts.users.map((u) => ({ ...u, home: u.home ?? `/home/${u.name}` })),
    { name: 'nobody', uid: 65534, gid: 65534, home: '/nonexistent', shell: '/sbin/nologin' },
  ].sort((a, b) => a.uid - b.uid);
  const groups = [
    { name: 'root', gid: 0, members: [] as string[] },
    ...config.accounts.groups,
    { name: 'nobody', gid: 65534, members: [] as string[] },
  ].sort((a, b) => a.gid - b.gid);
  const passwd = users.map((u) => `${u.name}:x:${u.uid}:${u.gid}:${u.name}:${u.home}:${u.shell}\n`).join('');
  const group = groups.map((g) => `${g.name}:x:${g.gid}:${g.members.join(',')}\n`).join('');
  write(tree, file('/etc/passwd', passwd, epoch), 'accounts (base-passwd, adduser)', out);
  write(tree, file('/etc/group', group, epoch), 'accounts (base-passwd, adduser)', out);
  for (const user of users) {
    if (user.home === '/nonexistent') continue;
    // group 0 with the owner's rights: a runtime that assigns an arbitrary UID in group 0 (OpenShift) can still write
    const home = user.uid === 0 ? dir(user.home, epoch, 0o700) : dir(user.home, epoch, 0o770, user.uid, 0);
    write(tree, home, `home of ${user.name}`, out);
  }
  write(tree, dir('/tmp', epoch, 0o1777), 'world-writable /tmp with the sticky bit', out);
  write(
    tree,
    file(
      '/etc/nsswitch.conf',
      'passwd: files\ngroup: files\nshadow: files\ngshadow: files\nhosts: files dns\nnetworks: files\nprotocols: files\nservices: files\nethers: files\nrpc: files\n',
      epoch,
    ),
    'name service switch: files, and DNS for hosts (libc-bin ships none)',
    out,
  );
}

/** `paths` from the build file: directories, empty files and symlinks with their mode and owner. */
export function writePaths(tree: ImageTree, config: BuildConfig, epoch: number, out: Synthesized[]): void {
  for (const entry of config.paths) {
    const node =
      entry.type === 'directory'
        ? dir(entry.path, epoch, entry.mode ?? 0o755, entry.uid, entry.gid)
        : entry.type === 'file'
          ? file(entry.path, '', epoch, entry.mode ?? 0o644, entry.uid, entry.gid)
          : symlink(entry.path, entry.target ?? '', epoch, entry.uid, entry.gid);
    write(tree, node, 'paths in the build file', out);
  }
}

/**
 * `files` from the build file that go to `platform`, each read from where `sources` says and checked against its
 * sha256 before it goes in: a file, the files of an archive (`unpack`) or one member of it (`member`).
 */
export async function writeExtraFiles(
  tree: ImageTree,
  config: BuildConfig,
  sources: readonly ExtraSource[],
  platform: BuildPlatform,
  out: Synthesized[],
): Promise<void> {
  const epoch = buildEpoch(config);
  for (const { index, file: source, sha256 } of sources) {
    const extra = config.files[index];
    if (!extra || !extraFilePlatforms(config, extra).includes(platform)) continue;
    let bytes: Buffer;
    try {
      bytes = await readFile(source);
    } catch (error) {
      throw new SgciError('IO_ERROR', source, `cannot read extra file: ${describe(error)}`, { cause: error });
    }
    const sum = createHash('sha256').update(bytes).digest('hex');
    if (sum !== sha256)
      throw new SgciError('DIGEST_MISMATCH', source, `sha256 ${sum} differs from the build file's ${sha256}`);
    const what = `extra file ${extra.source ?? extra.url ?? extra.directory}`;
    if (extra.member !== undefined) {
      const content = await archiveMember(bytes, source, extra.member);
      write(tree, file(extra.path, content, epoch, extra.mode, extra.uid, extra.gid), what, out);
    } else if (extra.unpack || extra.directory !== undefined) {
      for (const node of await archiveNodes(bytes, source, extra.path, extra, epoch)) write(tree, node, what, out);
    } else write(tree, file(extra.path, bytes, epoch, extra.mode, extra.uid, extra.gid), what, out);
  }
}

function quoteOsRelease(value: string): string {
  return /^[A-Za-z0-9_.-]*$/.test(value) ? value : `"${value.replace(/(["\\`$])/g, '\\$1')}"`;
}

/** os-release with the build file's overrides applied over what base-files ships (or alone, without it). */
export function writeOsRelease(tree: ImageTree, config: BuildConfig, epoch: number, out: Synthesized[]): void {
  const keys = Object.keys(config.osRelease);
  if (keys.length === 0) return;
  const path = '/usr/lib/os-release';
  const shipped = tree.get(path)?.content?.toString('utf8') ?? '';
  const lines = shipped.split('\n').filter((line) => line !== '');
  const seen = new Set<string>();
  const updated = lines.map((line) => {
    const key = line.split('=')[0] ?? '';
    const value = config.osRelease[key];
    if (value === undefined) return line;
    seen.add(key);
    return `${key}=${quoteOsRelease(value)}`;
  });
  for (const key of keys.sort())
    if (!seen.has(key)) updated.push(`${key}=${quoteOsRelease(config.osRelease[key] ?? '')}`);
  write(tree, file(path, `${updated.join('\n')}\n`, epoch), 'os-release overrides from the build file', out);
  if (!tree.has('/etc/os-release'))
    write(
      tree,
      symlink('/etc/os-release', '../usr/lib/os-release', epoch),
      'os-release link as base-files has it',
      out,
    );
}

const caConfHeader = `# This file lists certificates that you wish to use or to ignore to be
# installed in /etc/ssl/certs.
# update-ca-certificates(8) will update /etc/ssl/certs by reading this file.
#
# This is autogenerated by dpkg-reconfigure ca-certificates.
# Certificates should be installed under /usr/share/ca-certificates
# and files with extension '.crt' is recognized as available certs.
#
# line begins with # is comment.
# line begins with ! is certificate filename to be deselected.
#
`;

/** The .pem link name update-ca-certificates gives a certificate: spaces to `_`, parentheses to `=`, commas to `_`. */
function pemName(relative: string): string {
  const base = relative.slice(relative.lastIndexOf('/') + 1).replace(/\.crt$/, '');
  return `${base.replaceAll(' ', '_').replace(/[()]/g, '=').replaceAll(',', '_')}.pem`;
}

/**
 * What ca-certificates' postinst does on a fresh install: every `.crt` below /usr/share/ca-certificates enabled in
 * /etc/ca-certificates.conf (sorted in the C locale, as the host's own file is), then update-ca-certificates: a
 * `.pem` link per certificate and the bundle /etc/ssl/certs/ca-certificates.crt, each certificate ending in a
 * newline, and the `<subject-hash>.<n>` links `openssl rehash` adds for lookups by hash directory (`-CApath`).
 */
export function writeCaBundle(tree: ImageTree, epoch: number, out: Synthesized[]): boolean {
  const root = '/usr/share/ca-certificates/';
  const certs = [...tree.nodes()]
    .filter((node) => node.type === 'file' && node.path.startsWith(root) && node.path.endsWith('.crt'))
    .map((node) => ({ relative: node.path.slice(root.length), content: node.content ?? Buffer.alloc(0) }))
    .sort((a, b) => (a.relative < b.relative ? -1 : a.relative > b.relative ? 1 : 0));
  if (certs.length === 0) return false;
  const conf = `${caConfHeader}${certs.map((c) => `${c.relative}\n`).join('')}`;
  write(tree, file('/etc/ca-certificates.conf', conf, epoch), 'ca-certificates postinst (fresh install)', out);
  const parts: Buffer[] = [];
  for (const cert of certs) {
    parts.push(cert.content);
    if (cert.content.length > 0 && cert.content[cert.content.length - 1] !== 0x0a) parts.push(Buffer.from('\n'));
    write(
      tree,
      symlink(`/etc/ssl/certs/${pemName(cert.relative)}`, `${root}${cert.relative}`, epoch),
      'update-ca-certificates link',
      out,
    );
  }
  write(
    tree,
    file('/etc/ssl/certs/ca-certificates.crt', Buffer.concat(parts), epoch),
    'update-ca-certificates bundle',
    out,
  );
  const pems = certs.map((c) => ({ name: pemName(c.relative), content: c.content }));
  for (const link of rehashLinks(pems, '/etc/ssl/certs'))
    write(tree, symlink(`/etc/ssl/certs/${link.name}`, link.target, epoch), 'openssl rehash link', out);
  return true;
}

/**
 * The distroless dpkg database: /var/lib/dpkg/status.d/<pkg> holding the package's control stanza and
 * status.d/<pkg>.md5sums its kept files, so that sgci's, Syft's and Trivy's dpkg catalogers find every package
 * without a dpkg binary or a shared status file in the image.
 */
export function writeDpkgDatabase(
  tree: ImageTree,
  packages: readonly { readonly installed: InstalledPackage; readonly control: string }[],
  epoch: number,
  out: Synthesized[],
): void {
  for (const { installed, control } of packages) {
    // a file the build replaced (os-release overrides) is no longer the package's: its checksum would be a lie
    const sums = installed.md5sums.filter((line) => {
      const node = tree.get(`/${line.slice(34)}`);
      return node !== undefined && !node.owners.includes(buildOwner);
    });
    const stanza = `${control.replace(/\n+$/, '')}\n`;
    write(tree, file(`/var/lib/dpkg/status.d/${installed.name}`, stanza, epoch), 'dpkg database entry', out);
    write(
      tree,
      file(`/var/lib/dpkg/status.d/${installed.name}.md5sums`, sums.map((l) => `${l}\n`).join(''), epoch),
      'dpkg database file list',
      out,
    );
  }
}
