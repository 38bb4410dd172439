import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { isSgciError } from '../../core/index.ts';
import { normalizePlatform, parsePlatform, platformMatches, selectPlatform } from './platform.ts';
import type { Platform } from './schema.ts';

const p = (text: string): Platform => parsePlatform(text);

describe('platform matching (containerd rules)', () => {
  const matches: [string, string, boolean][] = [
    ['linux/amd64', 'linux/amd64', true],
    ['linux/arm64', 'linux/arm64/v8', true],
    ['linux/arm64/v8', 'linux/arm64', true],
    ['linux/arm', 'linux/arm/v7', true],
    ['linux/arm/v7', 'linux/arm', true],
    ['linux/arm', 'linux/arm/v6', false],
    ['linux/arm/v6', 'linux/arm/v7', false],
    ['linux/aarch64', 'linux/arm64/v8', true],
    ['linux/x86_64', 'linux/amd64', true],
    ['linux/amd64', 'linux/amd64/v3', true],
    ['linux/amd64/v2', 'linux/amd64/v3', false],
    ['linux/amd64', 'linux/arm64', false],
    ['linux/amd64', 'windows/amd64', false],
    ['Linux/AMD64', 'linux/amd64', true],
    ['linux/arm/7', 'linux/arm/v7', true],
  ];
  for (const [wanted, candidate, expected] of matches) {
    test(`${wanted} ${expected ? 'matches' : 'does not match'} ${candidate}`, () => {
      assert.equal(platformMatches(p(wanted), p(candidate)), expected);
    });
  }

  test('normalisation drops the implied variants and maps aliases', () => {
    assert.deepEqual(normalizePlatform(p('linux/arm64/v8')), { os: 'linux', architecture: 'arm64' });
    assert.deepEqual(normalizePlatform(p('linux/armhf')), { os: 'linux', architecture: 'arm', variant: 'v7' });
    assert.deepEqual(normalizePlatform(p('linux/i386')), { os: 'linux', architecture: '386' });
  });

  test('--platform values that are not os/arch[/variant] are usage errors naming the flag', () => {
    for (const bad of ['linux', 'linux/', 'a/b/c/d', 'linux/amd 64', '']) {
      assert.throws(
        () => parsePlatform(bad),
        (error: unknown) => isSgciError(error, 'USAGE') && error.message.startsWith(`--platform ${bad}:`),
      );
    }
  });

  test('selectPlatform picks the first match and otherwise lists what the index offers', () => {
    const entries = [
      { id: 'amd64', platform: p('linux/amd64') },
      { id: 'arm64', platform: p('linux/arm64/v8') },
      { id: 'arm', platform: p('linux/arm/v7') },
      { id: 'attestation', platform: { os: 'unknown', architecture: 'unknown' } },
      { id: 'none' },
    ];
    assert.equal(selectPlatform(entries, p('linux/arm64'), 'img').id, 'arm64');
    assert.equal(selectPlatform(entries, p('linux/arm'), 'img').id, 'arm');
    assert.throws(
      () => selectPlatform(entries, p('linux/s390x'), 'img'),
      (error: unknown) =>
        isSgciError(error, 'PLATFORM_NOT_FOUND') &&
        error.message ===
          'img: no image for platform linux/s390x; available: linux/amd64, linux/arm64/v8, linux/arm/v7',
    );
  });
});
