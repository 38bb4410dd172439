import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { compileGlob } from '../oci/fs/index.ts';
import type { Cataloger } from './cataloger.ts';
import { catalogers } from './registry.ts';
import { catalogerNeeds } from './run.ts';

const isCataloger = (v: unknown): v is Cataloger =>
  typeof v === 'object' &&
  v !== null &&
  typeof (v as Cataloger).name === 'string' &&
  typeof (v as Cataloger).needs === 'function';

test('the registry lists exactly the catalogers of the folders that have a cataloger.ts', async () => {
  const found: Cataloger[] = [];
  for (const dir of readdirSync(import.meta.dirname, { withFileTypes: true })) {
    const file = join(import.meta.dirname, dir.name, 'cataloger.ts');
    if (!dir.isDirectory() || !existsSync(file)) continue;
    const mod: Record<string, unknown> = await import(file);
    const exported = Object.values(mod).filter(isCataloger);
    assert.equal(exported.length, 1, `${dir.name}/cataloger.ts exports one cataloger`);
    found.push(...exported);
  }
  assert.deepEqual(found.map((c) => c.name).sort(), catalogers.map((c) => c.name).sort());
  for (const c of found) assert.ok(catalogers.includes(c), `${c.name} is the registered object`);
  assert.equal(new Set(catalogers.map((c) => c.name)).size, catalogers.length, 'names are unique');
});

test('the merged needs ask for the package databases before any byte is read', () => {
  const needs = catalogerNeeds();
  const wanted = (path: string) =>
    (needs.paths ?? []).includes(path) || (needs.globs ?? []).some((g) => compileGlob(g)(path));
  for (const path of [
    '/etc/os-release',
    '/usr/lib/os-release',
    '/var/lib/dpkg/status',
    '/var/lib/dpkg/status.d/libc6',
    '/var/lib/dpkg/info/libc6:amd64.list',
    '/usr/share/doc/libc6/copyright',
    '/lib/apk/db/installed',
    '/var/lib/rpm/rpmdb.sqlite',
    '/usr/lib/sysimage/rpm/Packages.db',
    '/app/node_modules/express/package.json',
    '/app/node_modules/@types/node/package.json',
    '/usr/share/nodejs/acorn/package.json',
    '/usr/lib/python3/dist-packages/requests-2.28.1.egg-info/PKG-INFO',
    '/usr/local/lib/python3.11/site-packages/Jinja2-3.1.2.dist-info/METADATA',
    '/usr/local/lib/python3.11/site-packages/Jinja2-3.1.2.dist-info/RECORD',
    '/app/app.deps.json',
    '/var/www/vendor/composer/installed.json',
    '/usr/lib/ruby/gems/3.1.0/specifications/rake-13.0.6.gemspec',
  ]) {
    assert.ok(wanted(path), `${path} is captured`);
  }
  for (const path of ['/app/node_modules/express/lib/package.json', '/etc/passwd', '/usr/bin/bash']) {
    assert.ok(!wanted(path), `${path} is not captured`);
  }
  const names = (needs.visitors ?? []).map((v) => v.name).sort();
  assert.deepEqual(names, [
    'binary-classifier-cataloger',
    'cargo-auditable-binary-cataloger',
    'executables',
    'go-module-binary-cataloger',
    'java-archive-cataloger',
  ]);
});
