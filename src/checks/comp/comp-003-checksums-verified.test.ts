import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import { createDigestSink } from '../facts/file-digests.ts';
import { type TestFile, testContext, testFilesystem } from '../testing.ts';
import { comp003 } from './comp-003-checksums-verified.ts';

const md5 = (s: string) => createHash('md5').update(s).digest('hex');
const sha1b64 = (s: string) => createHash('sha1').update(s).digest('base64');

async function digestsOf(files: TestFile[]) {
  const fs = testFilesystem(files);
  const d = createDigestSink();
  for (const entry of fs.squashed.entries()) {
    const writer = d.sink.open(entry);
    if (writer === undefined) continue;
    // In two pieces, as a file spanning two chunks of the pass arrives.
    const content = await fs.squashed.read(entry);
    writer.write(content.subarray(0, 1));
    writer.write(content.subarray(1));
    writer.end();
  }
  return { fs, fileDigests: await d.result() };
}

test('a file changed after installation is a mismatch naming path, layer and the md5sums file', async () => {
  const files: TestFile[] = [
    { path: '/usr/bin/tool', content: 'patched', layer: 2 },
    { path: '/usr/share/doc/tool/README', content: 'docs' },
    {
      path: '/var/lib/dpkg/info/tool.md5sums',
      content: `${md5('original')}  usr/bin/tool\n${md5('docs')}  usr/share/doc/tool/README\n`,
    },
  ];
  const { fs, fileDigests } = await digestsOf(files);
  const result = await comp003.evaluate(testContext({ fs, fileDigests }));
  assert.equal(result.status, 'fail');
  assert.ok(
    result.evidence?.some(
      (e) => e.kind === 'file' && e.path === '/usr/bin/tool' && e.layer === 2 && e.message?.includes('tool.md5sums'),
    ),
  );
  assert.match(result.evidence?.[0]?.message ?? '', /^1 files verified against 2/);
});

test('apk Z: sha1 checksums are verified too', async () => {
  const files: TestFile[] = [
    { path: '/bin/busybox', content: 'bb' },
    { path: '/lib/apk/db/installed', content: `P:busybox\nV:1.36\nF:bin\nR:busybox\nZ:Q1${sha1b64('bb')}\n\n` },
  ];
  const { fs, fileDigests } = await digestsOf(files);
  const result = await comp003.evaluate(testContext({ fs, fileDigests }));
  assert.equal(result.status, 'pass');
  assert.match(result.evidence?.[0]?.message ?? '', /^1 files verified/);
});

test('no package database with checksums is not-applicable, never a pass', async () => {
  const { fs, fileDigests } = await digestsOf([{ path: '/app/server', content: 'x' }]);
  assert.equal((await comp003.evaluate(testContext({ fs, fileDigests }))).status, 'not-applicable');
});

test('the digest sink skips paths no package manager installs to, and hashes files of any size', async () => {
  const d = createDigestSink();
  const entry = (path: string, size: number) => ({
    path,
    size,
    type: 'file' as const,
    mode: 0o644,
    uid: 0,
    gid: 0,
    layer: 0,
  });
  assert.equal(d.sink.open(entry('/app/node_modules/x/index.js', 5)), undefined);
  assert.equal(d.sink.open(entry('/usr/local/lib/python3.11/site.py', 5)), undefined);
  const big = d.sink.open(entry('/usr/lib/big', 200 * 1024 * 1024));
  assert.ok(big);
  const chunk = Buffer.alloc(1024 * 1024, 7);
  const whole = createHash('md5');
  for (let i = 0; i < 200; i++) {
    big.write(chunk);
    whole.update(chunk);
  }
  big.end();
  assert.equal((await d.result()).md5.get('0:/usr/lib/big'), whole.digest('hex'));
});

test('a mismatch stays a failure when md5sums is padded with 200000 more lines', { timeout: 60_000 }, async () => {
  const lines = [`${md5('original')}  usr/bin/tool`];
  for (let i = 0; i < 200_000; i++) lines.push(`${md5(String(i))}  usr/share/doc/pad/${i}`);
  const { fs, fileDigests } = await digestsOf([
    { path: '/usr/bin/tool', content: 'patched' },
    { path: '/var/lib/dpkg/info/tool.md5sums', content: lines.join('\n') },
  ]);
  const result = await comp003.evaluate(testContext({ fs, fileDigests }));
  assert.equal(result.status, 'fail');
  assert.match(
    result.evidence?.[0]?.message ?? '',
    /^0 files verified against 200001 recorded checksums; 1 mismatches/,
  );
});
