/**
 * Assembling while the .debs download: both runs of the reproducibility proof start before the downloads end and
 * take each .deb once it is verified. What arrives, in whatever order, builds the image a build from complete
 * downloads builds; what never arrives, or arrives changed, fails naming it, and nothing is written.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { ExpandedDebCache } from '../../src/build/deb/expanded-cache.ts';
import { expandDeb } from '../../src/build/deb/read-deb.ts';
import { assembleImage, parseBuildConfig } from '../../src/build/index.ts';
import { dpkgDebAvailable, staticBuildYaml, staticLikeDebs } from '../../src/build/testing.ts';
import { defaultLimits } from '../../src/core/index.ts';
import { buildDebianRepo, makeTestKey, serveDirectory } from '../helpers/debian-repo.ts';

const run = promisify(execFile);
const repo = resolve(import.meta.dirname, '..', '..');
const node = join(repo, 'node_modules', '.bin', 'node');
const cli = join(repo, 'bin', 'sgci.js');
const skip = dpkgDebAvailable && existsSync('/usr/bin/apt-ftparchive') ? false : 'dpkg-deb or apt-ftparchive missing';

/** The second run as `sgci build` starts it, handed `lines` (JSON each); its digest, or its error line. */
async function secondRun(lines: readonly object[]): Promise<{ digest?: string; error?: string }> {
  const running = run(node, [cli, 'build', 'reproduce']);
  running.child.stdin?.end(lines.map((line) => `${JSON.stringify(line)}\n`).join(''));
  try {
    const { stdout } = await running;
    return { digest: (JSON.parse(stdout) as { digest: string }).digest };
  } catch (error) {
    return { error: (error as { stderr: string }).stderr.trim() };
  }
}

test('the second run assembles from .debs arriving in any order after the extras, or as the first run opened them, as from complete downloads; one that never arrives fails naming it', {
  skip,
  timeout: 120_000,
}, async () => {
  const dir = await mkdtemp(join(tmpdir(), 'sgci-arrivals-'));
  try {
    const packages = await staticLikeDebs(dir);
    const yaml = staticBuildYaml();
    const file = join(dir, 'static.yaml');
    const inputs = [{ platform: 'linux/amd64' as const, packages }];
    const whole = await assembleImage(parseBuildConfig(yaml, file), inputs, {
      layout: join(dir, 'whole'),
      baseDir: dir,
    });
    const expandedCache = join(dir, 'expanded');
    const start = (layout: string, fromFirst: readonly string[] = []) => ({
      kind: 'start',
      yaml,
      file,
      inputs,
      epoch: 0,
      debBytes: 0,
      expandedCache,
      fromFirst,
      layout: join(dir, layout),
      umask: '022',
    });
    const arrived = packages.map((p) => ({ kind: 'arrived', sha256: p.sha256 }));
    const extras = { kind: 'extras', extraSources: [] };
    // the assembly starts before any .deb is there and takes each as it comes, the last named first
    const late = await secondRun([start('late'), extras, ...arrived.reverse()]);
    assert.equal(late.digest, whole.digest, late.error);

    const missing = packages.at(-1)?.sha256 ?? assert.fail('no packages');
    const cut = await secondRun([start('cut'), extras, ...arrived.filter((a) => a.sha256 !== missing)]);
    assert.equal(cut.digest, undefined);
    assert.equal(cut.error, `sgci: stdin: the first run ended before handing over the .deb sha256:${missing}`);
    assert.equal(existsSync(join(dir, 'cut')), false, 'no layout written');

    const before = await secondRun([arrived[0] ?? {}]);
    assert.equal(before.error, 'sgci: stdin: arrived before start');

    // what the first run opened from its .debs comes as it stored it in the expanded cache; one it could not store,
    // and one whose entry has gone since, the second opens from the .deb: the same image either way
    const cache = new ExpandedDebCache(expandedCache);
    const [unstored, gone, ...stored] = packages;
    if (!unstored || !gone) assert.fail('too few packages');
    for (const p of [gone, ...stored])
      await cache.put(p.sha256, await expandDeb(p.debPath, p.name, defaultLimits, p.sha256));
    await cache.remove(gone.sha256);
    const all = packages.map((p) => p.sha256);
    const handed = await secondRun([
      start('handed', all),
      extras,
      { kind: 'expanded', sha256: unstored.sha256, inCache: false },
      ...[gone, ...stored].map((p) => ({ kind: 'expanded', sha256: p.sha256, inCache: true })),
    ]);
    assert.equal(handed.digest, whole.digest, handed.error);
    // taken from the cache: an entry changed there since (another package's files) gives another image, and the
    // proof fails on it
    const [changed] = stored;
    if (!changed) assert.fail('too few packages');
    const tars = await expandDeb(changed.debPath, changed.name, defaultLimits, changed.sha256);
    const other = await expandDeb(unstored.debPath, unstored.name, defaultLimits, unstored.sha256);
    await cache.put(changed.sha256, { ...tars, data: other.data });
    const forged = await secondRun([
      start('forged', all),
      extras,
      ...packages.map((p) => ({ kind: 'expanded', sha256: p.sha256, inCache: true })),
    ]);
    assert.ok(forged.digest, forged.error);
    assert.notEqual(forged.digest, whole.digest);
    const stray = await secondRun([start('stray'), { kind: 'expanded', sha256: unstored.sha256, inCache: true }]);
    assert.equal(stray.error, `sgci: stdin: sha256:${unstored.sha256} is not a package the first run opens`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('a .deb changed on the mirror fails a cold build at its link, not where the assembly waited for it, and writes nothing', {
  skip,
  timeout: 120_000,
}, async () => {
  const dir = await mkdtemp(join(tmpdir(), 'sgci-arrivals-'));
  try {
    const key = await makeTestKey(dir, 'archive');
    const archive = join(dir, 'archive');
    const made = await buildDebianRepo(archive, key, {
      packages: [
        { name: 'base-files', version: '12.4', files: { 'usr/lib/os-release': 'ID=debian\n' } },
        { name: 'libsgci0', version: '1.2-3', depends: 'base-files', files: { 'usr/lib/libsgci.so.0': 'ELF' } },
      ],
    });
    // one byte changed, the same size: refused at the sha256 of its Packages entry
    const deb = await readFile(made.debPath('libsgci0'));
    deb[deb.length - 1] = (deb[deb.length - 1] ?? 0) ^ 1;
    await writeFile(made.debPath('libsgci0'), deb);
    await using served = await serveDirectory(archive);
    const file = join(dir, 'build.yaml');
    await writeFile(
      file,
      staticBuildYaml()
        .replace(
          /^debian:\n[\s\S]*?(?=^config:)/m,
          `debian:\n  sources:\n    - url: ${served.url}\n      suites: [testing]\n      components: [main]\n` +
            `      keys: [{ file: ${key.file}, fingerprint: '${key.fingerprint}' }]\npackages:\n  include: [libsgci0]\n`,
        )
        .replace(/^ {2}healthcheck:[\s\S]*?(?=^osRelease:)/m, ''),
    );
    const out = join(dir, 'out');
    const failed = await run(node, [cli, 'build', file, '--out', `oci-dir:${out}`], {
      env: { ...process.env, SGCI_HOME: join(dir, 'home'), CI: '' },
    }).then(
      () => assert.fail('a changed .deb was built'),
      (error: { code: number; stderr: string }) => error,
    );
    assert.notEqual(failed.code, 0);
    assert.match(
      failed.stderr.trim(),
      /^sgci: http:\/\/127\.0\.0\.1:\d+\/pool\/main\/libsgci0_1\.2-3_amd64\.deb: is sha256:[0-9a-f]{64}, the Packages entry of libsgci0 1\.2-3 \(testing\/main\) says sha256:[0-9a-f]{64}$/,
    );
    assert.equal(existsSync(out), false, 'no layout written');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
