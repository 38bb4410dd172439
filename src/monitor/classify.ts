import { describe } from '../core/index.ts';
import type { WatchKey } from '../store/index.ts';
import type { DigestContent } from './describe.ts';
import { diffSboms, diffVulns, type SbomDiff, type VulnDiff } from './diff.ts';
import type { DigestScanner } from './scan.ts';
import { pinnedReference } from './watch-key.ts';

/**
 * What a new digest of a tag changed, cheapest test first:
 * - `other-platform-only`: the index changed, the watched platform's manifest did not;
 * - `identical-content`: another manifest over the same layer contents (diffIDs) and the same config
 *   (re-compressed or re-encoded layers, another manifest format);
 * - `metadata-only`: the same layer contents, another config (labels, env, entrypoint, created);
 * - `packages-changed`: the layers changed; the SBOM and vulnerability diffs say how.
 */
export const changeKinds = ['identical-content', 'other-platform-only', 'metadata-only', 'packages-changed'] as const;
export type ChangeKind = (typeof changeKinds)[number];

export interface Change {
  readonly kind: ChangeKind;
  /** `packages-changed`: the package diff of the two digests' SBOMs. */
  readonly sbom?: SbomDiff;
  /** `packages-changed` with advisory data: vulnerabilities fixed and introduced. */
  readonly vulns?: VulnDiff;
  /** Why a diff is missing: the scan failed (the ledger row is kept all the same). */
  readonly scanError?: string;
}

/** Only content changes count as rebuilds: a new manifest over the same layers is not one. */
export function isContentChange(kind: ChangeKind | null): boolean {
  return kind === 'metadata-only' || kind === 'packages-changed';
}

type Compared = Pick<DigestContent, 'platformDigest' | 'configDigest' | 'diffIds'>;

export function changeKind(before: Compared, after: Compared): ChangeKind {
  if (before.platformDigest === after.platformDigest) return 'other-platform-only';
  const sameLayers =
    before.diffIds.length === after.diffIds.length && before.diffIds.every((id, i) => id === after.diffIds[i]);
  if (!sameLayers) return 'packages-changed';
  return before.configDigest === after.configDigest ? 'identical-content' : 'metadata-only';
}

/** Classifies a tag's move from `before` to `after`, scanning both digests only when the layers changed. */
export async function classifyChange(
  key: WatchKey,
  before: Compared & { readonly digest: string },
  after: Compared & { readonly digest: string },
  scan: DigestScanner | undefined,
): Promise<Change> {
  const kind = changeKind(before, after);
  if (kind !== 'packages-changed' || !scan) return { kind };
  try {
    const [old, now] = await Promise.all([
      scan(pinnedReference(key, before.digest), key.platform),
      scan(pinnedReference(key, after.digest), key.platform),
    ]);
    return {
      kind,
      sbom: diffSboms(old.sbom, now.sbom),
      ...(old.vulns && now.vulns ? { vulns: diffVulns(old.vulns, now.vulns) } : {}),
    };
  } catch (error) {
    return { kind, scanError: describe(error) };
  }
}
