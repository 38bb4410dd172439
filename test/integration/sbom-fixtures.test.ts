/**
 * Accuracy on the five fixture images: every dpkg, npm and Python package with its exact version,
 * and nothing that is not there. The truth comes from the image itself through other tools
 * (dpkg-query on a rootfs unpacked by umoci) and from the build inputs (node-app's package-lock.json,
 * the pip-style installs of build-images.sh).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { catalogerNeeds, catalogFilesystem } from '../../src/catalog/index.ts';
import { defaultLimits } from '../../src/core/index.ts';
import { describeImage } from '../../src/oci/image/index.ts';
import { openImage } from '../../src/oci/source/index.ts';
import type { Sbom } from '../../src/sbom/index.ts';
import { type FixtureName, fixture, fixtureNames, fixturesMissing, sharedDir } from '../helpers/fixtures.ts';

const work = mkdtempSync(join(tmpdir(), 'sgci-sbom-truth-'));
after(() => rmSync(work, { recursive: true, force: true }));

function toolsMissing(): string | undefined {
  for (const tool of ['umoci', 'dpkg-query']) {
    if (spawnSync(tool, ['--version']).status !== 0) return `${tool} not installed (apt-get install umoci dpkg)`;
  }
  return fixturesMissing();
}
const skip = toolsMissing();

function unpack(name: FixtureName): string {
  const dir = join(work, name);
  if (existsSync(dir)) return dir;
  const r = spawnSync('umoci', ['raw', 'unpack', '--rootless', '--image', `${fixture(name).ociDir}:latest`, dir], {
    encoding: 'utf8',
  });
  assert.equal(r.status, 0, r.stderr);
  return dir;
}

async function sbomOf(name: FixtureName): Promise<Sbom> {
  await using image = await openImage(`docker-archive:${fixture(name).dockerArchive}`, { limits: defaultLimits });
  const needs = catalogerNeeds();
  const fs = await image.filesystem(needs);
  return catalogFilesystem(describeImage(image), fs, needs);
}

/** `name version` of every installed dpkg package, as dpkg itself reads the database. */
function dpkgTruth(rootfs: string): string[] {
  let admindir = join(rootfs, 'var/lib/dpkg');
  const statusD = join(admindir, 'status.d');
  if (!existsSync(join(admindir, 'status')) && existsSync(statusD)) {
    // distroless: status.d/<pkg> holds `dpkg-deb -f` output without a Status line; give dpkg-query
    // a status file of those stanzas marked installed
    admindir = join(work, `admindir-${rootfs.split('/').pop()}`);
    spawnSync('mkdir', ['-p', join(admindir, 'info'), join(admindir, 'updates')]);
    const stanzas = readdirSync(statusD)
      .filter((f) => !f.endsWith('.md5sums'))
      .sort()
      .map((f) => `${readFileSync(join(statusD, f), 'utf8').trim()}\nStatus: install ok installed\n`);
    writeFileSync(join(admindir, 'status'), `${stanzas.join('\n')}\n`);
  }
  const r = spawnSync(
    'dpkg-query',
    // biome-ignore lint/suspicious/noTemplateCurlyInString: dpkg-query's own field syntax, not a template
    [`--admindir=${admindir}`, '-W', '-f', '${db:Status-Status} ${Package} ${Version}\n'],
    {
      encoding: 'utf8',
    },
  );
  assert.equal(r.status, 0, r.stderr);
  return r.stdout
    .split('\n')
    .filter((l) => l.startsWith('installed '))
    .map((l) => l.slice('installed '.length))
    .sort();
}

function names(sbom: Sbom, ecosystem: string): string[] {
  return sbom.packages
    .filter((p) => p.ecosystem === ecosystem)
    .map((p) => `${p.name} ${p.version}`)
    .sort();
}

const results = new Map<FixtureName, Sbom>();
async function cached(name: FixtureName): Promise<Sbom> {
  let s = results.get(name);
  if (!s) {
    s = await sbomOf(name);
    results.set(name, s);
  }
  return s;
}

for (const name of fixtureNames) {
  test(`${name}: every dpkg package with its exact version, nothing else`, { skip }, async () => {
    const sbom = await cached(name);
    const truth = dpkgTruth(unpack(name));
    assert.ok(truth.length > 0);
    assert.deepEqual(names(sbom, 'deb'), truth);
    for (const p of sbom.packages.filter((x) => x.ecosystem === 'deb')) {
      assert.match(p.purl, /^pkg:deb\/debian\/[^@]+@[^?]+\?arch=[a-z0-9]+&distro=debian-12/, p.purl);
    }
    assert.equal(sbom.distro?.id, 'debian');
    assert.equal(sbom.distro?.versionId, '12');
  });
}

test('node-app: the app tree of package-lock.json and Debian /usr/share/nodejs modules, nothing else', {
  skip,
}, async () => {
  const sbom = await cached('node-app');
  const lock = JSON.parse(readFileSync(join(sharedDir(), 'fixtures', 'node-app', 'package-lock.json'), 'utf8'));
  const app = Object.entries(lock.packages as Record<string, { version?: string; dev?: boolean }>)
    .filter(([path, p]) => path.startsWith('node_modules/') && !p.dev)
    .map(([path, p]) => `${path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length)} ${p.version}`);
  const rootfs = unpack('node-app');
  const debian: string[] = [];
  const shared = join(rootfs, 'usr/share/nodejs');
  for (const entry of readdirSync(shared)) {
    const dirs = entry.startsWith('@') ? readdirSync(join(shared, entry)).map((d) => `${entry}/${d}`) : [entry];
    for (const d of dirs) {
      const file = join(shared, d, 'package.json');
      if (!existsSync(file)) continue;
      const pj = JSON.parse(readFileSync(file, 'utf8'));
      if (pj.name && pj.version) debian.push(`${pj.name} ${pj.version}`);
    }
  }
  assert.ok(app.some((p) => p === 'express 4.17.1') && app.some((p) => p === 'lodash 4.17.20'));
  assert.deepEqual(names(sbom, 'npm'), [...app, ...debian].sort());
  // Debian's modules are linked to the dpkg package that installed them
  const acorn = sbom.packages.find((p) => p.ecosystem === 'npm' && p.name === 'acorn');
  assert.ok(acorn);
  const owner = sbom.relationships.find((r) => r.type === 'owns' && r.to === acorn.id);
  assert.equal(sbom.packages.find((p) => p.id === owner?.from)?.name, 'node-acorn');
  // express's dependencies resolve inside the app tree
  const express = sbom.packages.find((p) => p.name === 'express');
  assert.ok(express);
  const deps = sbom.relationships.filter((r) => r.from === express.id && r.type === 'depends-on');
  assert.equal(deps.length, Object.keys(lock.packages['node_modules/express'].dependencies).length);
});

test('python-app: dpkg-owned egg-info/dist-info and the pip-style Jinja2/MarkupSafe, nothing else', {
  skip,
}, async () => {
  const sbom = await cached('python-app');
  const rootfs = unpack('python-app');
  // truth from the metadata directory names (<name>-<version>.<egg|dist>-info), not from their content
  const truth: string[] = [];
  for (const dir of ['usr/lib/python3/dist-packages', 'usr/local/lib/python3.11/dist-packages']) {
    for (const entry of readdirSync(join(rootfs, dir))) {
      const m = /^(.+)-([^-]+)\.(?:egg|dist)-info$/.exec(entry);
      if (m) truth.push(`${m[1]} ${m[2]}`);
    }
  }
  assert.ok(truth.includes('Jinja2 3.1.2') && truth.includes('MarkupSafe 2.1.2') && truth.includes('requests 2.28.1'));
  // the directory name uses the escaped project name (charset_normalizer); METADATA has the real one
  const normalise = (s: string) => {
    const [name = '', version = ''] = s.split(' ');
    return `${name.toLowerCase().replace(/[-_.]+/g, '-')} ${version}`;
  };
  assert.deepEqual(names(sbom, 'pypi').map(normalise).sort(), truth.map(normalise).sort());
  const requests = sbom.packages.find((p) => p.ecosystem === 'pypi' && p.name === 'requests');
  assert.equal(requests?.purl, 'pkg:pypi/requests@2.28.1');
  const owner = sbom.relationships.find((r) => r.type === 'owns' && r.to === requests?.id);
  assert.equal(sbom.packages.find((p) => p.id === owner?.from)?.name, 'python3-requests');
  // the layer that introduced each package, not the last layer that rewrote dpkg's status file
  assert.equal(sbom.packages.find((p) => p.name === 'bash')?.layer, 0);
  assert.equal(sbom.packages.find((p) => p.name === 'python3-requests')?.layer, 1);
  assert.equal(requests?.layer, 1);
  const jinja = sbom.packages.find((p) => p.name === 'Jinja2');
  assert.equal(jinja?.layer, 2);
  assert.equal(jinja?.purl, 'pkg:pypi/jinja2@3.1.2');
  assert.ok(!sbom.relationships.some((r) => r.type === 'owns' && r.to === jinja?.id), 'pip-installed: no owner');
});

test('fixtures: no unexpected ecosystems; unowned executables are the ones the build added', { skip }, async () => {
  for (const name of fixtureNames) {
    const sbom = await cached(name);
    const ecosystems = [...new Set(sbom.packages.map((p) => p.ecosystem))].sort();
    assert.deepEqual(
      ecosystems,
      name === 'node-app' ? ['deb', 'npm'] : name === 'python-app' ? ['deb', 'pypi'] : ['deb'],
      name,
    );
  }
  const paths = (name: FixtureName) => results.get(name)?.unidentifiedExecutables.map((e) => e.path) ?? [];
  assert.deepEqual(paths('debian-full'), ['/usr/local/bin/docker-entrypoint.sh']);
  assert.deepEqual(paths('debian-ssh-secrets'), ['/app/server.sh']);
  // distroless status.d files are `dpkg-deb -f` output: no Conffiles, no md5sums entry for conffiles,
  // so base-files' /etc/update-motd.d/10-uname is honestly owned by nothing the image records
  assert.deepEqual(paths('distroless-static'), ['/app/server', '/etc/update-motd.d/10-uname']);
  assert.deepEqual(paths('node-app'), ['/etc/update-motd.d/10-uname'], 'npm packages own their bin scripts');
  assert.deepEqual(paths('python-app'), [], "RECORD owns MarkupSafe's compiled extension");
});
