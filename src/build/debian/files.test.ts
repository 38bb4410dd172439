import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { isSgciError } from '../../core/index.ts';
import { RepositoryFiles } from './files.ts';

test('a file a signed document claims to be huge is refused before a byte is read', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'sgci-files-'));
  try {
    const files = new RepositoryFiles({ cacheDir: join(dir, 'cache'), maxFileBytes: 1024 });
    await assert.rejects(
      files.verified('file:/nonexistent/debian', ['pool/x.deb'], { sha256: '0'.repeat(64), size: 3e9 }, 'Packages'),
      (error: unknown) =>
        isSgciError(error, 'LIMIT_EXCEEDED') &&
        /pool\/x\.deb: Packages says 3000000000 bytes, more than 1024/.test(error.message),
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
