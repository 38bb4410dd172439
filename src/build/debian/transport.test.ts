import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { isSgciError } from '../../core/index.ts';
import { checkRepositoryPath, repositoryReader } from './transport.ts';

const options = { timeoutMs: 5000 };

test('a repository path never leaves the repository', () => {
  assert.equal(
    checkRepositoryPath('pool/main/b/base-files/base-files_12.4_amd64.deb', 'x'),
    'pool/main/b/base-files/base-files_12.4_amd64.deb',
  );
  for (const bad of [
    '../etc/passwd',
    'pool/../../x',
    '/etc/passwd',
    'pool//x',
    'pool/./x',
    'pool\\x',
    'pool/x\n',
    '',
  ]) {
    assert.throws(
      () => checkRepositoryPath(bad, 'Packages'),
      (e: unknown) => isSgciError(e, 'REPOSITORY_INVALID'),
      bad,
    );
  }
});

test('file: sources: a missing file is absent, a file past the bound is refused', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'sgci-transport-'));
  try {
    await writeFile(join(dir, 'Release'), 'x'.repeat(100));
    const read = repositoryReader(pathToFileURL(dir).href, options);
    assert.equal((await read('Release', 100))?.length, 100);
    assert.equal(await read('InRelease', 100), undefined);
    await assert.rejects(read('Release', 99), (e: unknown) => isSgciError(e, 'LIMIT_EXCEEDED'));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('http sources: 404 is absent, redirects stay on the origin or go to https, sizes are bounded', async () => {
  const server = createServer((request, response) => {
    const path = request.url?.replace(/^\/debian/, '');
    if (path === '/big') {
      response.setHeader('content-length', 1000);
      response.end('x'.repeat(1000));
    } else if (path === '/moved') {
      response.writeHead(302, { location: '/debian/big' }).end();
    } else if (path === '/away') {
      response.writeHead(302, { location: 'http://198.51.100.1/x' }).end();
    } else response.writeHead(404).end();
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  try {
    const read = repositoryReader(`http://127.0.0.1:${(server.address() as AddressInfo).port}/debian`, options);
    assert.equal(await read('missing', 10), undefined);
    assert.equal((await read('moved', 1000))?.length, 1000);
    await assert.rejects(read('big', 999), (e: unknown) => isSgciError(e, 'LIMIT_EXCEEDED'));
    await assert.rejects(read('away', 10), /refusing redirect to http:\/\/198\.51\.100\.1/);
  } finally {
    server.closeAllConnections();
    await new Promise<void>((done) => server.close(() => done()));
  }
  assert.throws(() => repositoryReader('ftp://mirror.example/debian', options), /http\(s\) URL or a file: directory/);
});
