/**
 * A signed Debian repository made in the test, as an archive is made: tiny `.deb`s built with `dpkg-deb` from
 * real control fields, Packages and Release written by `apt-ftparchive`, InRelease signed with a test OpenPGP
 * key made by openpgp.js, served from a temp directory over loopback HTTP.
 */
import { execFile } from 'node:child_process';
import { createReadStream } from 'node:fs';
import { copyFile, mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve, sep } from 'node:path';
import { Transform } from 'node:stream';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import * as openpgp from 'openpgp';

const run = promisify(execFile);

export interface TestKey {
  /** The armored public key, written to `file`. */
  readonly file: string;
  readonly fingerprint: string;
  readonly privateKey: openpgp.PrivateKey;
}

/** An Ed25519 signing key made for the test; its public half is written to `dir/<name>.asc`. */
export async function makeTestKey(dir: string, name: string): Promise<TestKey> {
  const { privateKey, publicKey } = await openpgp.generateKey({
    type: 'ecc',
    curve: 'curve25519Legacy',
    userIDs: [{ name: `sgci test archive key ${name}` }],
    format: 'object',
  });
  const file = join(dir, `${name}.asc`);
  await writeFile(file, publicKey.armor());
  return { file, fingerprint: privateKey.getFingerprint(), privateKey };
}

export interface TestDeb {
  readonly name: string;
  readonly version: string;
  readonly architecture?: string;
  readonly multiArch?: 'same' | 'foreign' | 'allowed';
  readonly preDepends?: string;
  readonly depends?: string;
  readonly recommends?: string;
  readonly provides?: string;
  readonly priority?: string;
  readonly source?: string;
  /** Files of the data member, path (no leading slash) → content. */
  readonly files?: Readonly<Record<string, string>>;
}

export interface TestRepoOptions {
  readonly suite?: string;
  readonly codename?: string;
  readonly component?: string;
  readonly architectures?: readonly string[];
  readonly packages: readonly TestDeb[];
  /** Existing `.deb` files (real Debian packages, say) copied into the pool beside the made ones. */
  readonly debFiles?: readonly string[];
  /** Valid-Until = Date + this many seconds (apt-ftparchive's ValidTime); none when undefined. */
  readonly validSeconds?: number;
  /** Serve indices by hash too and say `Acquire-By-Hash: yes`. */
  readonly byHash?: boolean;
  /** Changes the Release text before it is signed (tamper cases). */
  readonly editRelease?: (text: string) => string;
  /**
   * Stanzas of packages the pool has no file for, appended to every index: an index the size of Debian's, for
   * benchmarks (`fillerStanzas`). Its `.xz` is packed at level 0, the `.gz` is what a build reads.
   */
  readonly filler?: string;
}

export interface TestRepo {
  readonly dir: string;
  readonly suite: string;
  readonly key: TestKey;
  /** `dists/<suite>/<component>/binary-<arch>/Packages` as apt-ftparchive wrote it (uncompressed). */
  packagesPath(architecture: string): string;
  /** The pool path of a package's `.deb`. */
  debPath(name: string): string;
  /** Signs the current Release again (after a test changed it) with `key`. */
  sign(key: TestKey): Promise<void>;
}

/**
 * A real Packages index as filler (`TestRepoOptions.filler`): every package name and every name it provides gets
 * `prefix`, so no stanza of it can take part in a resolution of the repository's own packages, while the index keeps
 * Debian's size and shape.
 */
export function fillerStanzas(index: string, prefix = 'filler-'): string {
  const named = (list: string) =>
    list
      .split(',')
      .map((item) => ` ${prefix}${item.trim()}`)
      .join(',');
  return index
    .replace(/^Package: /gm, `Package: ${prefix}`)
    .replace(/^Provides:(.*)$/gm, (_, list: string) => `Provides:${named(list)}`);
}

/** Builds the repository in `dir` (created), signing with `key`. */
export async function buildDebianRepo(dir: string, key: TestKey, options: TestRepoOptions): Promise<TestRepo> {
  const suite = options.suite ?? 'testing';
  const component = options.component ?? 'main';
  const architectures = options.architectures ?? ['amd64'];
  const pool = join(dir, 'pool', component);
  await mkdir(pool, { recursive: true });
  const debs = new Map<string, string>();
  const work = await mkdtemp(join(tmpdir(), 'sgci-deb-'));
  try {
    for (const deb of options.packages) {
      const arch = deb.architecture ?? architectures[0] ?? 'amd64';
      const file = `${deb.name}_${deb.version.replace(/^\d+:/, '')}_${arch}.deb`;
      await buildDeb(join(work, `${deb.name}-${arch}`), join(pool, file), deb, arch);
      debs.set(deb.name, join('pool', component, file));
    }
    for (const path of options.debFiles ?? []) {
      await copyFile(path, join(pool, basename(path)));
      debs.set(basename(path).split('_')[0] ?? '', join('pool', component, basename(path)));
    }
  } finally {
    await rm(work, { recursive: true, force: true });
  }
  const dists = join(dir, 'dists', suite);
  for (const arch of architectures) {
    const index = join(dists, component, `binary-${arch}`);
    await mkdir(index, { recursive: true });
    const { stdout } = await run('apt-ftparchive', ['--arch', arch, 'packages', join('pool', component)], {
      cwd: dir,
      maxBuffer: 64 * 1024 * 1024,
    });
    const text = options.filler ? `${stdout}${stdout.endsWith('\n\n') ? '' : '\n'}${options.filler}` : stdout;
    await writeFile(join(index, 'Packages'), text);
    await writeFile(join(index, 'Packages.gz'), gzipSync(text, { level: 9 }));
    await run('xz', [...(options.filler ? ['-0'] : []), '-k', '-f', join(index, 'Packages')]);
  }
  const fields = {
    Origin: 'sgci-test',
    Label: 'sgci-test',
    Suite: suite,
    Codename: options.codename ?? `${suite}-codename`,
    Architectures: architectures.join(' '),
    Components: component,
    ...(options.byHash ? { 'Acquire-By-Hash': 'yes' } : {}),
  };
  const config = [
    ...Object.entries(fields).map(([k, v]) => `-oAPT::FTPArchive::Release::${k}=${v}`),
    ...(options.validSeconds === undefined ? [] : [`-oAPT::FTPArchive::Release::ValidTime=${options.validSeconds}`]),
    ...(options.byHash ? ['-oAPT::FTPArchive::DoByHash=true'] : []),
  ];
  const { stdout: release } = await run('apt-ftparchive', [...config, 'release', '.'], { cwd: dists });
  await writeFile(join(dists, 'Release'), options.editRelease ? options.editRelease(release) : release);
  const repo: TestRepo = {
    dir,
    suite,
    key,
    packagesPath: (arch) => join(dists, component, `binary-${arch}`, 'Packages'),
    debPath: (name) => join(dir, debs.get(name) ?? `missing-${name}`),
    sign: (with_) => signRelease(dists, with_),
  };
  await repo.sign(key);
  return repo;
}

async function signRelease(dists: string, key: TestKey): Promise<void> {
  const text = await readFile(join(dists, 'Release'), 'utf8');
  const message = await openpgp.createCleartextMessage({ text });
  const signed = await openpgp.sign({ message, signingKeys: key.privateKey });
  await writeFile(join(dists, 'InRelease'), signed);
}

async function buildDeb(root: string, out: string, deb: TestDeb, arch: string): Promise<void> {
  await mkdir(join(root, 'DEBIAN'), { recursive: true });
  const control = [
    `Package: ${deb.name}`,
    `Version: ${deb.version}`,
    `Architecture: ${arch}`,
    'Maintainer: sgci tests <sgci@example.invalid>',
    ...(deb.source ? [`Source: ${deb.source}`] : []),
    ...(deb.multiArch ? [`Multi-Arch: ${deb.multiArch}`] : []),
    ...(deb.priority ? [`Priority: ${deb.priority}`] : []),
    ...(deb.preDepends ? [`Pre-Depends: ${deb.preDepends}`] : []),
    ...(deb.depends ? [`Depends: ${deb.depends}`] : []),
    ...(deb.recommends ? [`Recommends: ${deb.recommends}`] : []),
    ...(deb.provides ? [`Provides: ${deb.provides}`] : []),
    `Description: ${deb.name} for sgci's tests`,
    '',
  ].join('\n');
  await writeFile(join(root, 'DEBIAN', 'control'), control);
  const files = deb.files ?? { [`usr/share/doc/${deb.name}/copyright`]: `${deb.name}: test package\n` };
  for (const [path, content] of Object.entries(files)) {
    await mkdir(dirname(join(root, path)), { recursive: true });
    await writeFile(join(root, path), content);
  }
  await run('dpkg-deb', ['--root-owner-group', '-Zxz', '--build', root, out]);
}

export interface ServedDirectory extends AsyncDisposable {
  readonly url: string;
  /** Paths requested, in order (to see by-hash used, or that an offline build asked for nothing). */
  readonly requests: string[];
  /** Each file served: its bytes and the seconds from the request to the last byte written. */
  readonly transfers: { readonly path: string; readonly bytes: number; readonly seconds: number }[];
}

export interface ServeOptions {
  /**
   * The bytes of all responses share one line of this speed (benchmarks: a build as it would run over an office or
   * CI line); unset, loopback's own.
   */
  readonly bitsPerSecond?: number;
}

/** Serves `dir` read-only over loopback HTTP: GET of a file below it, 404 for anything else. */
export async function serveDirectory(dir: string, options: ServeOptions = {}): Promise<ServedDirectory> {
  const root = resolve(dir);
  const line = options.bitsPerSecond ? pacedLine(options.bitsPerSecond) : undefined;
  const requests: string[] = [];
  const transfers: ServedDirectory['transfers'] = [];
  const server: Server = createServer((request, response) => {
    const started = performance.now();
    const path = decodeURIComponent(new URL(request.url ?? '/', 'http://localhost').pathname);
    requests.push(path);
    const full = resolve(root, `.${path}`);
    const notFound = () => {
      response.statusCode = 404;
      response.end();
    };
    if (!full.startsWith(root + sep)) return notFound();
    stat(full).then(
      (s) => {
        if (!s.isFile()) return notFound();
        response.setHeader('content-length', s.size);
        response.on('finish', () =>
          transfers.push({ path, bytes: s.size, seconds: (performance.now() - started) / 1000 }),
        );
        const file = createReadStream(full);
        (line ? file.pipe(line()) : file).pipe(response);
      },
      () => notFound(),
    );
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    transfers,
    async [Symbol.asyncDispose]() {
      server.closeAllConnections();
      await new Promise<void>((done) => server.close(() => done()));
    },
  };
}

/**
 * A line all responses share: each chunk leaves when the line has carried the chunks before it, of whichever
 * response, at `bitsPerSecond`. A transfer's bytes then arrive no faster than over such a line, side by side
 * transfers share it, and the time between chunks is the server's to wait, not the client's. Time the line stood
 * idle for up to `bufferMs` (a timer that fired late, the gap before a response's first chunk) is made up, as the
 * buffers along a real line would: without it, one or two transfers at once could never fill the line.
 */
function pacedLine(bitsPerSecond: number, bufferMs = 20): () => Transform {
  let freeAt = 0;
  return () =>
    new Transform({
      transform(chunk: Buffer, _encoding, done) {
        const now = performance.now();
        freeAt = Math.max(freeAt, now - bufferMs) + (chunk.length * 8 * 1000) / bitsPerSecond;
        if (freeAt <= now) done(null, chunk);
        else setTimeout(() => done(null, chunk), freeAt - now);
      },
    });
}

/**
 * `installed`: apt's plan, `name version` sorted; `unordered`: the names apt chose but could not put in an
 * order to configure (a Pre-Depends cycle: a question of maintainer scripts, which an image build never
 * runs); `error`: apt's refusal.
 */
export type AptOutcome =
  | { readonly installed: string[] }
  | { readonly unordered: string[]; readonly error: string }
  | { readonly error: string };

/**
 * apt with a private configuration in a temp dir over one Packages index (the host's sources, status and
 * settings never take part): `simulate` says what `apt-get install --simulate --no-install-recommends` would
 * install on an empty system, as sorted `name version` lines, or apt's complaint when it refuses.
 */
export class AptSandbox implements AsyncDisposable {
  readonly #dir: string;
  /** The environment that points apt-get at this sandbox (APT_CONFIG), for running it directly. */
  readonly env: NodeJS.ProcessEnv;

  private constructor(dir: string) {
    this.#dir = dir;
    this.env = { ...process.env, APT_CONFIG: join(dir, 'apt.conf'), LC_ALL: 'C' };
  }

  /** One flat repository per Packages text, trusted without a signature, all at the same pin; updated. */
  static async create(packagesTexts: string | readonly string[], architecture: string): Promise<AptSandbox> {
    const dir = await mkdtemp(join(tmpdir(), 'sgci-apt-'));
    const sources: string[] = [];
    for (const [i, text] of (typeof packagesTexts === 'string' ? [packagesTexts] : packagesTexts).entries()) {
      const repo = join(dir, `repo${i}`);
      await mkdir(repo);
      await writeFile(join(repo, 'Packages'), text);
      const { stdout: release } = await run('apt-ftparchive', ['release', '.'], { cwd: repo });
      await writeFile(join(repo, 'Release'), release);
      sources.push(`deb [trusted=yes] file:${repo} ./`);
    }
    const sandbox = await AptSandbox.forSources(dir, sources, architecture);
    await run('apt-get', ['update', '-qq'], { env: sandbox.env });
    return sandbox;
  }

  /** A sandbox in `dir` (made, and removed on dispose) over the given sources.list lines, not yet updated. */
  static async forSources(dir: string, sources: readonly string[], architecture: string): Promise<AptSandbox> {
    const sandbox = new AptSandbox(dir);
    for (const sub of ['parts', 'state/lists/partial', 'cache/archives/partial', 'log']) {
      await mkdir(join(dir, sub), { recursive: true });
    }
    await writeFile(join(dir, 'status'), '');
    await writeFile(join(dir, 'sources.list'), sources.map((line) => `${line}\n`).join(''));
    const settings = {
      'Dir::Etc::SourceList': join(dir, 'sources.list'),
      'Dir::Etc::SourceParts': join(dir, 'parts'),
      'Dir::Etc::Parts': join(dir, 'parts'),
      'Dir::Etc::Preferences': join(dir, 'parts', 'none'),
      'Dir::Etc::PreferencesParts': join(dir, 'parts'),
      'Dir::State': join(dir, 'state'),
      'Dir::State::status': join(dir, 'status'),
      'Dir::Cache': join(dir, 'cache'),
      'Dir::Log': join(dir, 'log'),
      'APT::Architecture': architecture,
      'APT::Install-Recommends': 'false',
      'Debug::NoLocking': 'true',
    };
    const conf = Object.entries(settings).map(([k, v]) => `${k} "${v}";`);
    conf.push(`APT::Architectures { "${architecture}"; };`);
    await writeFile(join(dir, 'apt.conf'), `${conf.join('\n')}\n`);
    return sandbox;
  }

  async simulate(requested: readonly string[]): Promise<AptOutcome> {
    try {
      const { stdout } = await run('apt-get', ['install', '--simulate', '-q', ...requested], {
        env: this.env,
        maxBuffer: 16 * 1024 * 1024,
      });
      const installed = [...stdout.matchAll(/^Inst (\S+) \((\S+) /gm)].map(([, name, version]) => `${name} ${version}`);
      return { installed: installed.sort() };
    } catch (error) {
      const { stdout = '', stderr = '' } = error as { stdout?: string; stderr?: string };
      const message = `${stdout}\n${stderr}`.trim();
      const planned = /The following NEW packages will be installed:\n((?: .*\n)+)/.exec(stdout);
      // a plan followed by an error: apt chose the packages but could not order their configuration
      if (planned && !/unmet dependencies|Unable to correct problems/.test(message)) {
        return { unordered: (planned[1] ?? '').trim().split(/\s+/).sort(), error: message };
      }
      return { error: message };
    }
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await rm(this.#dir, { recursive: true, force: true });
  }
}
