import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import fc from 'fast-check';
import { defaultLimits, isSgciError, withLimits } from '../../core/index.ts';
import { normaliseMemberName, TarIndex } from './tar-index.ts';

const run = promisify(execFile);

describe('TarIndex', () => {
  let work: string;
  const longDir = `${'d'.repeat(90)}/${'e'.repeat(90)}`;
  const longName = `${longDir}/${'f'.repeat(120)}.txt`;

  before(async () => {
    work = await mkdtemp(join(tmpdir(), 'sgci-tar-index-'));
    const root = join(work, 'root');
    await mkdir(join(root, longDir), { recursive: true });
    await writeFile(join(root, longName), 'long\n');
    await mkdir(join(root, 'blobs'), { recursive: true });
    await writeFile(join(root, 'blobs', 'data'), 'x'.repeat(1500));
    await writeFile(join(root, 'empty'), '');
    await symlink('../blobs/data', join(root, 'blobs-link'));
    await mkdir(join(root, 'l'), { recursive: true });
    await symlink('../blobs/data', join(root, 'l', 'layer.tar'));
    await symlink('loop-b', join(root, 'loop-a'));
    await symlink('loop-a', join(root, 'loop-b'));
    for (const format of ['posix', 'gnu', 'ustar']) {
      const members = format === 'ustar' ? ['blobs', 'empty', 'l'] : ['.'];
      await run('tar', [
        `--format=${format}`,
        '--sort=name',
        '-cf',
        join(work, `${format}.tar`),
        '-C',
        root,
        ...members,
      ]);
    }
  });
  after(async () => {
    await rm(work, { recursive: true, force: true });
  });

  for (const format of ['posix', 'gnu']) {
    test(`${format}: long names, byte ranges and links inside the archive`, async () => {
      const index = await TarIndex.open(join(work, `${format}.tar`), 'x.tar', defaultLimits);
      const long = index.lookup(longName);
      assert.ok(long, 'long name found');
      assert.equal(Buffer.from(await index.read(long, 100, 'long')).toString(), 'long\n');
      const data = index.lookup('./blobs/data')!;
      assert.equal(data.size, 1500);
      const streamed: Buffer[] = [];
      for await (const chunk of index.stream(data) as AsyncIterable<Buffer>) streamed.push(chunk);
      assert.equal(Buffer.concat(streamed).toString(), 'x'.repeat(1500));
      assert.equal(index.lookup('l/layer.tar')?.name, 'blobs/data', 'relative symlink resolved like docker save');
      assert.equal(index.lookup('blobs-link')?.name, 'blobs/data');
      assert.equal(index.lookup('loop-a'), undefined, 'a symlink loop resolves to nothing');
      assert.equal(index.lookup('blobs'), undefined, 'a directory is not a file');
      assert.equal(index.lookup('empty')?.size, 0);
      assert.equal(index.lookup('missing'), undefined);
      await assert.rejects(index.read(data, 100, 'data'), (error: unknown) => isSgciError(error, 'LIMIT_EXCEEDED'));
    });
  }

  test('ustar without long names indexes too', async () => {
    const index = await TarIndex.open(join(work, 'ustar.tar'), 'x.tar', defaultLimits);
    assert.deepEqual(index.names(), ['blobs', 'blobs/data', 'empty', 'l', 'l/layer.tar']);
  });

  test('limits on member count and PAX header size are LIMIT_EXCEEDED', async () => {
    await assert.rejects(
      TarIndex.open(join(work, 'posix.tar'), 'x.tar', withLimits({ maxEntries: 3 })),
      (error: unknown) => isSgciError(error, 'LIMIT_EXCEEDED') && /more than 3 archive members/.test(error.message),
    );
    await assert.rejects(
      TarIndex.open(join(work, 'posix.tar'), 'x.tar', withLimits({ maxPaxHeaderBytes: 16 })),
      (error: unknown) => isSgciError(error, 'LIMIT_EXCEEDED') && /PAX header/.test(error.message),
    );
  });

  test('a corrupted header checksum is LAYER_CORRUPT with its offset', async () => {
    const bad = join(work, 'bad.tar');
    const bytes = await readFile(join(work, 'ustar.tar'));
    bytes[512 + 3] = (bytes[512 + 3] ?? 0) ^ 0x01; // second header's name
    await writeFile(bad, bytes);
    await assert.rejects(
      TarIndex.open(bad, 'bad.tar', defaultLimits),
      (error: unknown) =>
        isSgciError(error, 'LAYER_CORRUPT') && /bad header checksum at offset 512/.test(error.message),
    );
  });

  test('random and mutated archives end in an index or an SgciError, never a crash or a hang', async () => {
    const valid = await readFile(join(work, 'posix.tar'));
    const target = join(work, 'fuzz.tar');
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.uint8Array({ maxLength: 4096 }),
          fc
            .array(fc.tuple(fc.nat(valid.length - 1), fc.integer({ min: 0, max: 255 })), { maxLength: 8 })
            .map((flips) => {
              const copy = Buffer.from(valid);
              for (const [at, value] of flips) copy[at] = value;
              return copy;
            }),
        ),
        async (bytes) => {
          await writeFile(target, bytes);
          try {
            const index = await TarIndex.open(target, 'fuzz.tar', defaultLimits);
            for (const name of index.names()) {
              const member = index.lookup(name);
              if (member) await index.read(member, 1 << 20, name);
            }
          } catch (error) {
            assert.ok(isSgciError(error), String(error));
          }
        },
      ),
      { numRuns: 150 },
    );
  });

  test('member names are normalised the way writers differ', () => {
    assert.equal(normaliseMemberName('./index.json'), 'index.json');
    assert.equal(normaliseMemberName('blobs//sha256/'), 'blobs/sha256');
    assert.equal(normaliseMemberName('../../etc/passwd'), 'etc/passwd');
  });
});
