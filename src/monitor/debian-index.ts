import { gunzipSync } from 'node:zlib';
import { type Clock, describe, digestOf, SgciError } from '../core/index.ts';
import type { MonitorRepository } from '../store/index.ts';

/** Debian releases by version, as `distro=debian-12` names them in purls. */
export const debianSuites: Readonly<Record<string, string>> = {
  '10': 'buster',
  '11': 'bullseye',
  '12': 'bookworm',
  '13': 'trixie',
};

const maxReleaseBytes = 4 * 1024 * 1024;
const maxIndexBytes = 128 * 1024 * 1024;
const maxUnpackedBytes = 1024 * 1024 * 1024;
const timeoutMs = 120_000;
// a suite or component name as Debian writes them: no path tricks
const namePattern = /^[a-z0-9][a-z0-9.+-]*(?:\/[a-z0-9][a-z0-9.+-]*)?$/;

async function fetchBounded(url: URL, max: number): Promise<Uint8Array> {
  let response: Response;
  try {
    response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs), redirect: 'error' });
  } catch (error) {
    throw new SgciError('IO_ERROR', url.href, `cannot fetch: ${describe(error)}`, { cause: error });
  }
  if (!response.ok || !response.body) {
    await response.body?.cancel();
    throw new SgciError('IO_ERROR', url.href, `HTTP ${response.status}`);
  }
  const chunks: Uint8Array[] = [];
  let total = 0;
  for await (const chunk of response.body) {
    total += chunk.length;
    if (total > max) {
      await response.body.cancel().catch(() => undefined);
      throw new SgciError('LIMIT_EXCEEDED', url.href, `larger than ${max} bytes`);
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

/** The sha256 the Release file names for `path` (`main/binary-amd64/Packages.gz`). */
function releaseDigest(release: string, path: string, input: string): string {
  const section = /^SHA256:\n((?:[ \t].*\n?)*)/m.exec(release)?.[1] ?? '';
  for (const line of section.split('\n')) {
    const [hex, , name] = line.trim().split(/\s+/);
    if (name === path && hex && /^[0-9a-f]{64}$/.test(hex)) return `sha256:${hex}`;
  }
  throw new SgciError('DIGEST_INVALID', input, `the Release file names no SHA256 for ${path}`);
}

/** Source name and version of each binary stanza (`Source: openssl (3.0.11-1~deb12u2)` or the package's own). */
export async function sourceVersions(packages: string): Promise<{ source: string; version: string }[]> {
  // the deb822 reader of the dpkg cataloger, loaded here: a round never needs the catalogers
  const { field, parseStanzas } = await import('../catalog/index.ts');
  const seen = new Map<string, { source: string; version: string }>();
  for (const stanza of parseStanzas(packages)) {
    const name = field(stanza, 'Package');
    const version = field(stanza, 'Version');
    if (!name || !version) continue;
    const source = /^(\S+)(?:\s+\((\S+)\))?$/.exec(field(stanza, 'Source') ?? name);
    const entry = { source: source?.[1] ?? name, version: source?.[2] ?? version };
    seen.set(`${entry.source} ${entry.version}`, entry);
  }
  return [...seen.values()];
}

export interface IndexObservation {
  readonly suite: string;
  readonly versions: number;
  /** Versions seen for the first time now. */
  readonly added: number;
}

/**
 * Observes a suite's package index on a Debian mirror: `dists/SUITE/Release`, then the component's `Packages.gz`,
 * verified against the sha256 the Release file names and bounded in size; every source version not seen before
 * is recorded with now. The Release file's OpenPGP signature is not checked here: a mirror could only shift these
 * observation times, which time-to-patch reads, never what is installed or admitted.
 */
export async function observeDebianIndex(
  deps: { readonly monitor: MonitorRepository; readonly clock: Clock },
  mirror: string,
  suite: string,
  options: { readonly component?: string; readonly arch?: string } = {},
): Promise<IndexObservation> {
  const component = options.component ?? 'main';
  const arch = options.arch ?? 'amd64';
  for (const [name, value] of [
    ['suite', suite],
    ['--component', component],
    ['--arch', arch],
  ] as const) {
    if (!namePattern.test(value)) throw new SgciError('USAGE', name, `not a Debian name: ${JSON.stringify(value)}`);
  }
  const base = new URL(mirror.endsWith('/') ? mirror : `${mirror}/`);
  if (base.protocol !== 'https:' && base.protocol !== 'http:')
    throw new SgciError('USAGE', mirror, 'a mirror URL is http(s)');
  const release = Buffer.from(await fetchBounded(new URL(`dists/${suite}/Release`, base), maxReleaseBytes)).toString(
    'utf8',
  );
  const path = `${component}/binary-${arch}/Packages.gz`;
  const indexUrl = new URL(`dists/${suite}/${path}`, base);
  const packed = await fetchBounded(indexUrl, maxIndexBytes);
  const expected = releaseDigest(release, path, indexUrl.href);
  const actual = digestOf(packed);
  if (actual !== expected)
    throw new SgciError('DIGEST_MISMATCH', indexUrl.href, `is ${actual}, the Release file says ${expected}`);
  let text: string;
  try {
    text = gunzipSync(packed, { maxOutputLength: maxUnpackedBytes }).toString('utf8');
  } catch (error) {
    throw new SgciError(
      'LIMIT_EXCEEDED',
      indexUrl.href,
      `cannot unpack within ${maxUnpackedBytes} bytes: ${describe(error)}`,
    );
  }
  const versions = await sourceVersions(text);
  const added = await deps.monitor.observePackageVersions(suite, versions, deps.clock());
  return { suite, versions: versions.length, added };
}
