/**
 * The real thing: `sgci build examples/build/static.yaml` from Debian's archive as this machine reaches it. The
 * build runs twice and compares digests, its `sgci check` gate must pass, and its SBOM must name exactly what dpkg
 * says about the same packages — both the fetched `.deb` files (dpkg-deb) and the image's status.d (dpkg-query).
 * The Debian files go to a cache kept across runs, so CI downloads them once (about 5 MB of `.deb`s).
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { homedir, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, test } from 'node:test';
import { promisify } from 'node:util';
import { dpkgDebAvailable } from '../../src/build/testing.ts';

const run = promisify(execFile);
const repo = resolve(import.meta.dirname, '..', '..');
const node = join(repo, 'node_modules', '.bin', 'node');
const cli = join(repo, 'bin', 'sgci.js');
const example = join(repo, 'examples', 'build', 'static.yaml');
const probe = 'https://deb.debian.org/debian/dists/bookworm/InRelease';
const keyring = '/usr/share/keyrings/debian-archive-bookworm-stable.gpg';
/** Shared across runs and checkouts: the Debian files are content-addressed and verified before use. */
const sgciHome = process.env.SGCI_HOME ?? join(homedir(), '.cache', 'sgci-fixtures', 'debian-archive');

async function reachable(url: string): Promise<string | undefined> {
  try {
    const response = await fetch(url, { method: 'HEAD', signal: AbortSignal.timeout(10_000) });
    return response.ok ? undefined : `${url} answered ${response.status}`;
  } catch (error) {
    return `${url} is not reachable (${(error as Error).cause ?? (error as Error).message})`;
  }
}

function skipReason(): Promise<string | undefined> | string | undefined {
  if (!dpkgDebAvailable) return 'dpkg-deb missing';
  if (!existsSync('/usr/bin/dpkg-query')) return 'dpkg-query missing';
  if (!existsSync(keyring)) return `${keyring} missing (apt-get install debian-archive-keyring)`;
  return reachable(probe);
}
const skip = (await skipReason()) ?? false;
if (skip) console.log(`# skipping the build from Debian's archive: ${skip}`);

let dir: string | undefined;
after(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

interface LockedPackage {
  readonly name: string;
  readonly version: string;
  readonly architecture: string;
  readonly sha256: string;
}
interface BuildJson {
  readonly digest: string;
  readonly layout: string;
  readonly outputs: readonly string[];
  readonly gates: readonly { platform: string; failed: readonly unknown[]; asserted: readonly { id: string }[] }[];
  readonly report: { epoch: number; reproducibility: { digests: readonly string[] } };
}

/** name version arch of each Debian package the CycloneDX SBOM lists, by its PURL. */
async function sbomPackages(path: string): Promise<string[]> {
  const bom = JSON.parse(await readFile(path, 'utf8')) as { components: { purl?: string }[] };
  const packages: string[] = [];
  for (const { purl } of bom.components) {
    const match = purl?.match(/^pkg:deb\/debian\/([^@]+)@([^?]+)\?(?:.*&)?arch=([^&]+)/);
    if (match) packages.push(`${match[1]} ${decodeURIComponent(match[2] ?? '')} ${match[3]}`);
  }
  return packages.sort();
}

/** dpkg-deb's reading of each `.deb` the lock names, from the verified cache. */
async function debPackages(packages: readonly LockedPackage[]): Promise<string[]> {
  const read = packages.map(async (p) => {
    const deb = join(sgciHome, 'debian', 'blobs', 'sha256', p.sha256);
    const { stdout } = await run('dpkg-deb', ['-f', deb, 'Package', 'Version', 'Architecture']);
    const fields = Object.fromEntries(
      stdout
        .trim()
        .split('\n')
        .map((line) => line.split(': ', 2) as [string, string]),
    );
    return `${fields.Package} ${fields.Version} ${fields.Architecture}`;
  });
  return (await Promise.all(read)).sort();
}

/** dpkg-query's reading of the image's status.d, gathered into a status file as dpkg keeps it. */
async function imagePackages(layout: string, platform: string, work: string): Promise<string[]> {
  const blob = (digest: string) => join(layout, 'blobs', ...digest.split(':'));
  const top = JSON.parse(await readFile(join(layout, 'index.json'), 'utf8')) as { manifests: { digest: string }[] };
  const index = JSON.parse(await readFile(blob(top.manifests[0]?.digest ?? ''), 'utf8')) as {
    manifests: { digest: string; platform: { os: string; architecture: string } }[];
  };
  const entry = index.manifests.find((m) => `${m.platform.os}/${m.platform.architecture}` === platform);
  assert.ok(entry, `${platform} in the image index`);
  const manifest = JSON.parse(await readFile(blob(entry.digest), 'utf8')) as { layers: { digest: string }[] };
  const root = join(work, 'root');
  await mkdir(root, { recursive: true });
  for (const layer of manifest.layers)
    await run('tar', ['-xzf', blob(layer.digest), '-C', root, '--wildcards', '*var/lib/dpkg/status.d/*']);
  const statusDir = join(root, 'var', 'lib', 'dpkg', 'status.d');
  const stanzas: string[] = [];
  for (const name of (await readdir(statusDir)).sort())
    if (!name.endsWith('.md5sums')) {
      // status.d keeps each control file as distroless does, without the Status line dpkg adds when it installs
      const control = (await readFile(join(statusDir, name), 'utf8')).trimEnd();
      stanzas.push(control.replace(/^(Package: .*)$/m, '$1\nStatus: install ok installed'));
    }
  const admin = join(work, 'admin');
  await mkdir(join(admin, 'updates'), { recursive: true });
  await writeFile(join(admin, 'status'), `${stanzas.join('\n\n')}\n`);
  const { stdout } = await run('dpkg-query', [
    `--admindir=${admin}`,
    '-W',
    '-f',
    // biome-ignore lint/suspicious/noTemplateCurlyInString: dpkg-query's own format, not a JavaScript template
    '${Package} ${Version} ${Architecture}\n',
  ]);
  return stdout.trim().split('\n').sort();
}

test("sgci build examples/build/static.yaml from Debian's archive: twice one digest, gate passes, SBOM = dpkg", {
  skip,
  timeout: 600_000,
}, async () => {
  dir = await mkdtemp(join(tmpdir(), 'sgci-build-debian-'));
  // A copy beside which the lock is written: the example's own directory stays untouched.
  const file = join(dir, 'static.yaml');
  await copyFile(example, file);
  const env: NodeJS.ProcessEnv = { ...process.env, SGCI_HOME: sgciHome };
  delete env.CI; // resolve afresh and write the lock: the archive moves, a checked-in lock would not
  const out = join(dir, 'oci');
  const { stdout } = await run(node, [cli, 'build', file, '--out', `oci-dir:${out}`, '-o', 'json'], {
    env,
    maxBuffer: 64 * 1024 * 1024,
  });
  const built = JSON.parse(stdout) as BuildJson;
  console.log(`# static: ${built.digest}`);

  const [first, second] = built.report.reproducibility.digests;
  assert.equal(first, built.digest);
  assert.equal(second, built.digest, 'the second run, under another TZ, umask and locale, gives the same digest');

  assert.deepEqual(
    built.gates.map((g) => g.platform),
    ['linux/amd64', 'linux/arm64'],
  );
  for (const gate of built.gates) {
    assert.deepEqual(gate.failed, [], `${gate.platform}: no failed check`);
    assert.ok(
      gate.asserted.some((c) => c.id === 'SGCI-COMP-001'),
      `${gate.platform}: the SBOM check was asserted`,
    );
  }

  const lock = JSON.parse(await readFile(join(dir, 'static.lock.json'), 'utf8')) as {
    suites: { date: string }[];
    architectures: { architecture: string; packages: LockedPackage[] }[];
  };
  // the example names no epoch: the image is as old as the newest InRelease its lock pins
  const newest = lock.suites.reduce((n, s) => Math.max(n, Date.parse(s.date)), 0) / 1000;
  assert.equal(built.report.epoch, newest);
  for (const { architecture, packages } of lock.architectures) {
    const platform = `linux/${architecture}`;
    const cyclonedx = built.outputs.find((path) => path.endsWith(`linux-${architecture}.cdx.json`));
    assert.ok(cyclonedx, `${platform}: a CycloneDX SBOM written`);
    const sbom = await sbomPackages(cyclonedx);
    const expected = ['base-files', 'netbase', 'tzdata', 'media-types', 'ca-certificates'];
    for (const name of expected)
      assert.ok(
        sbom.some((p) => p.startsWith(`${name} `)),
        `${platform}: ${name} in the SBOM`,
      );
    assert.deepEqual(sbom, await debPackages(packages), `${platform}: SBOM = dpkg-deb -f of each fetched .deb`);
    assert.deepEqual(
      sbom,
      await imagePackages(out, platform, join(dir, architecture)),
      `${platform}: SBOM = dpkg-query on the image's status.d`,
    );
  }
});
