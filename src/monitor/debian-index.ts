import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PinnedKey } from '../build/debian/index.ts';
import { type Clock, SgciError } from '../core/index.ts';
import type { MonitorRepository } from '../store/index.ts';

/** Debian releases by version, as `distro=debian-12` names them in purls. */
export const debianSuites: Readonly<Record<string, string>> = {
  '10': 'buster',
  '11': 'bullseye',
  '12': 'bookworm',
  '13': 'trixie',
};

const keyringDir = '/usr/share/keyrings';

/**
 * Debian's archive signing keys as the debian-archive-keyring package installs them (2023.3+deb12u2), each file
 * with the fingerprint it must hold: the file is read from the system, the fingerprint is pinned here.
 */
const debianArchiveKeys: readonly PinnedKey[] = [
  ['bookworm-automatic', 'B8B80B5B623EAB6AD8775C45B7C5D7D6350947F8'],
  ['bookworm-security-automatic', '05AB90340C0C5E797F44A8C8254CF3B5AEC0A8F0'],
  ['bookworm-stable', '4D64FEC119C2029067D6E791F8D2585B8783D481'],
  ['bullseye-automatic', '1F89983E0081FDE018F3CC9673A4F27B8DD47936'],
  ['bullseye-security-automatic', 'AC530D520F2F3269F5E98313A48449044AAD5C5D'],
  ['bullseye-stable', 'A4285295FC7B1A81600062A9605C66F00D6C9793'],
  ['trixie-automatic', '04B54C3CDCA79751B16BC6B5225629DF75B188BD'],
  ['trixie-security-automatic', '5E04A1E3223A19A20706E20F9904613D4CCE68C6'],
  ['trixie-stable', '41587F7DB8C774BCCF131416762F67A0B2C39DE4'],
].map(([name, fingerprint]) => ({
  file: join(keyringDir, `debian-archive-${name}.gpg`),
  fingerprint: fingerprint ?? '',
}));

/** The Debian archive keys present on this system (none where debian-archive-keyring is not installed). */
export function defaultDebianKeys(): PinnedKey[] {
  return debianArchiveKeys.filter((key) => existsSync(key.file));
}

const maxInReleaseBytes = 4 * 1024 * 1024;
const maxIndexBytes = 128 * 1024 * 1024;
const maxUnpackedBytes = 1024 * 1024 * 1024;
const timeoutMs = 120_000;
// a suite or component name as Debian writes them: no path tricks
const namePattern = /^[a-z0-9][a-z0-9.+-]*(?:\/[a-z0-9][a-z0-9.+-]*)?$/;

export interface IndexObservation {
  readonly suite: string;
  readonly versions: number;
  /** Versions seen for the first time now. */
  readonly added: number;
  /** Fingerprint of the pinned key whose (sub)key signed the suite's InRelease. */
  readonly signer: string;
}

export interface IndexOptions {
  readonly component?: string;
  readonly arch?: string;
  /** Key files that may sign the suite, each with the fingerprint it must hold; default: `defaultDebianKeys()`. */
  readonly keys?: readonly PinnedKey[];
}

/**
 * Observes a suite's package index on a Debian mirror through the builder's chain of trust: `dists/SUITE/InRelease`
 * verified against pinned keys, its Suite, Date and Valid-Until checked now, then the component's Packages index
 * verified against the size and sha256 the signed text names, bounded in size; every source version not seen
 * before is recorded with now. An unsigned, wrongly signed or tampered index is refused before anything is
 * recorded: time-to-patch reads these times, and a mirror must not be able to move them.
 */
export async function observeDebianIndex(
  deps: { readonly monitor: MonitorRepository; readonly clock: Clock },
  mirror: string,
  suite: string,
  options: IndexOptions = {},
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
  const protocol = URL.canParse(mirror) ? new URL(mirror).protocol : undefined;
  if (protocol !== 'https:' && protocol !== 'http:') throw new SgciError('USAGE', mirror, 'a mirror URL is http(s)');
  const pinned = options.keys ?? defaultDebianKeys();
  if (pinned.length === 0) {
    throw new SgciError(
      'USAGE',
      '--key',
      `no Debian archive keys in ${keyringDir} (package debian-archive-keyring): name the keys that sign ${suite} as FILE=FINGERPRINT`,
    );
  }
  // the builder's verified chain, loaded here: a monitor round never needs it (nor openpgp)
  const { loadPinnedKeys, loadSuite, normalizeFingerprint, RepositoryFiles } = await import('../build/debian/index.ts');
  const keys = loadPinnedKeys(pinned);
  keys.catch(() => undefined); // awaited by loadSuite once the InRelease is here
  const signers = new Set(pinned.map((key) => normalizeFingerprint(key.fingerprint, key.file)));
  // the verified files pass through a cache of this observation only: a daily index must not pile up in the data dir
  const cacheDir = await mkdtemp(join(tmpdir(), 'sgci-debian-index-'));
  try {
    const files = new RepositoryFiles({ cacheDir, timeoutMs, maxInReleaseBytes, maxFileBytes: maxIndexBytes });
    const { verified, listings } = await loadSuite(files, {
      source: { url: mirror, suites: [suite], components: [component], keys: pinned },
      suite,
      architectures: [arch],
      keys,
      signers,
      at: deps.clock(),
      maxIndexBytes: maxUnpackedBytes,
    });
    await files.settled();
    const seen = new Map<string, { source: string; version: string }>();
    for (const listing of listings) {
      for (const p of listing.all())
        seen.set(`${p.source} ${p.sourceVersion}`, { source: p.source, version: p.sourceVersion });
    }
    const versions = [...seen.values()];
    const added = await deps.monitor.observePackageVersions(suite, versions, deps.clock());
    return { suite, versions: versions.length, added, signer: verified.signer };
  } finally {
    await rm(cacheDir, { recursive: true, force: true });
  }
}
