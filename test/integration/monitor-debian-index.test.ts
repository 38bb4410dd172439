/**
 * Debian's package index as the time-to-patch clock: a loopback mirror serves a suite's Release and Packages.gz;
 * the monitor records each source version's first observation (verified against the Release file's sha256), and a
 * tag's report counts a Debian fix from when the fixed version appeared in the suite, not from the advisory's date.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { isSgciError } from '../../src/core/index.ts';
import { observeDebianIndex, tagReport, watchKeyOf } from '../../src/monitor/index.ts';
import { defaultPolicy, slaPolicyOf } from '../../src/policy/index.ts';
import { openStore } from '../../src/store/index.ts';
import { TestClock } from '../helpers/catalogue.ts';

const stanzas = (opensslVersion: string) =>
  [
    `Package: libssl3\nSource: openssl (${opensslVersion})\nVersion: ${opensslVersion}\nArchitecture: amd64\n`,
    `Package: openssl\nVersion: ${opensslVersion}\nArchitecture: amd64\nDescription: toolkit\n continued line\n`,
    'Package: base-files\nVersion: 12.4+deb12u5\nArchitecture: amd64\n',
  ].join('\n');

/** A mirror on loopback whose Packages.gz and Release the test swaps; `lie` serves a Release with a wrong digest. */
async function mirror(): Promise<{ url: string; publish(text: string, lie?: boolean): void } & AsyncDisposable> {
  let files = new Map<string, Buffer>();
  const server: Server = createServer((req, res) => {
    const body = files.get(req.url ?? '');
    if (!body) res.writeHead(404).end();
    else res.writeHead(200).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  return {
    url: `http://127.0.0.1:${port}/debian`,
    publish(text, lie = false) {
      const packed = gzipSync(Buffer.from(text));
      const hex = createHash('sha256')
        .update(lie ? Buffer.from('other') : packed)
        .digest('hex');
      const release = `Origin: Debian\nSuite: stable\nCodename: bookworm\nSHA256:\n ${hex} ${packed.length} main/binary-amd64/Packages.gz\n`;
      files = new Map([
        ['/debian/dists/bookworm/Release', Buffer.from(release)],
        ['/debian/dists/bookworm/main/binary-amd64/Packages.gz', packed],
      ]);
    },
    [Symbol.asyncDispose]: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

test('a Debian fix counts from its first observation in the suite; a tampered index is refused', async () => {
  await using served = await mirror();
  const store = await openStore({ dataDir: 'memory://', databaseUrl: '' });
  try {
    const clock = new TestClock('2026-11-01T00:00:00Z');
    const deps = { monitor: store.monitor, clock: clock.now };
    served.publish(stanzas('3.0.11-1~deb12u1'));
    assert.deepEqual(await observeDebianIndex(deps, served.url, 'bookworm'), {
      suite: 'bookworm',
      versions: 2,
      added: 2,
    });
    clock.advance(36 * 3_600_000);
    served.publish(stanzas('3.0.11-1~deb12u2'));
    assert.deepEqual(await observeDebianIndex(deps, served.url, 'bookworm'), {
      suite: 'bookworm',
      versions: 2,
      added: 1,
    });
    served.publish(stanzas('3.0.11-1~deb12u3'), true);
    await assert.rejects(observeDebianIndex(deps, served.url, 'bookworm'), (error) =>
      isSgciError(error, 'DIGEST_MISMATCH'),
    );
    await assert.rejects(observeDebianIndex(deps, served.url, '../etc'), (error) => isSgciError(error, 'USAGE'));

    // a tag whose move fixed a HIGH finding of openssl two days after the fixed version reached bookworm
    const key = watchKeyOf('registry.example/base/debian:12');
    await store.monitor.addWatch(key, 3600, clock.now());
    const [watch] = await store.monitor.watches();
    const row = { ...key, platformDigest: 'sha256:m', configDigest: 'sha256:c', diffIds: [], source: 'head' as const };
    await store.monitor.append(watch?.id ?? 0, {
      ...row,
      digest: 'sha256:a',
      firstSeen: '2026-10-01T00:00:00.000Z',
      change: null,
    });
    const fixed = {
      id: 'CVE-2026-0001',
      package: 'pkg:deb/debian/libssl3@3.0.11-1~deb12u1?arch=amd64&distro=debian-12&upstream=openssl',
      severity: 'HIGH',
      fixAvailableAt: '2026-09-01T00:00:00.000Z',
      fixedVersions: ['3.0.11-1~deb12u2'],
      source: 'openssl',
    };
    await store.monitor.append(watch?.id ?? 0, {
      ...row,
      digest: 'sha256:b',
      firstSeen: '2026-11-03T12:00:00.000Z',
      change: {
        kind: 'packages-changed',
        sbom: { added: [], removed: [], upgraded: [] },
        vulns: { fixed: [fixed], introduced: [] },
      },
    });
    clock.advance(2 * 86_400_000);
    const report = await tagReport({ monitor: store.monitor, clock: clock.now, sla: slaPolicyOf(defaultPolicy) }, key);
    const [patched] = report.patched;
    assert.equal(patched?.fixAvailableAt, '2026-11-02T12:00:00.000Z', 'the index observation, not the advisory date');
    assert.equal(patched?.fixAvailableFrom, 'package-index');
    assert.equal(patched?.hours, 24);
    assert.equal(patched?.withinSla, true, 'HIGH: within seven days of reaching the suite');
  } finally {
    await store.close();
  }
});
