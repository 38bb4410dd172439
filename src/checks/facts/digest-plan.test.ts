import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { DigestPlan } from './digest-plan.ts';

const md5 = 1;
const sha1 = 2;
const sha256 = 4;
const all = md5 | sha1 | sha256;

test('before any package database every file is hashed with all three algorithms', () => {
  const plan = new DigestPlan();
  assert.equal(plan.open('/bin/sh'), all);
  assert.equal(plan.open('/usr/lib/x86_64-linux-gnu/libc.so.6'), all);
  // look-alikes are not evidence
  assert.equal(plan.open('/var/lib/dpkgx/status'), all);
  assert.equal(plan.open('/etc/debian_version.bak'), all);
  assert.equal(plan.open('/usr/lib/apk/db/installed'), all);
});

test('each package manager narrows to what its database records, the evidence file included', () => {
  const cases: [string, number][] = [
    ['/etc/debian_version', md5],
    ['/var/lib/dpkg/status', md5],
    ['/var/lib/dpkg/status.d/base.md5sums', md5],
    ['/etc/alpine-release', sha1],
    ['/lib/apk/db/installed', sha1],
    ['/var/lib/rpm/rpmdb.sqlite', md5 | sha256],
    ['/usr/lib/sysimage/rpm/Packages.db', md5 | sha256],
    ['/etc/redhat-release', md5 | sha256],
  ];
  for (const [evidence, mask] of cases) {
    const plan = new DigestPlan();
    assert.equal(plan.open(evidence), mask, evidence);
    assert.equal(plan.open('/usr/bin/tool'), mask, `after ${evidence}`);
  }
});

test('evidence only widens: a second package manager adds its algorithm, a repeated one takes nothing away', () => {
  const plan = new DigestPlan();
  assert.equal(plan.open('/etc/debian_version'), md5);
  assert.equal(plan.open('/usr/bin/a'), md5);
  assert.equal(plan.open('/lib/apk/db/installed'), md5 | sha1);
  assert.equal(plan.open('/var/lib/dpkg/status'), md5 | sha1);
  assert.equal(plan.open('/usr/bin/b'), md5 | sha1);
  assert.equal(plan.open('/etc/system-release'), all);
});

test('in any tar order, a file gets every algorithm of the evidence before it, and all three before any', () => {
  const evidence: Record<string, number> = {
    '/etc/debian_version': md5,
    '/var/lib/dpkg/info/x.md5sums': md5,
    '/lib/apk/db/installed': sha1,
    '/etc/alpine-release': sha1,
    '/var/lib/rpm/rpmdb.sqlite': md5 | sha256,
  };
  const paths = fc.array(fc.constantFrom(...Object.keys(evidence), '/usr/bin/a', '/bin/b', '/etc/c'), {
    maxLength: 40,
  });
  fc.assert(
    fc.property(paths, (order) => {
      const plan = new DigestPlan();
      let seen = 0;
      let before = 0;
      for (const path of order) {
        seen |= evidence[path] ?? 0;
        const mask = plan.open(path);
        assert.equal(mask, seen === 0 ? all : seen, path);
        // never narrower than the last file's, once evidence was seen
        if (before !== 0 && before !== all) assert.equal(mask & before, before);
        before = mask;
      }
    }),
  );
});
