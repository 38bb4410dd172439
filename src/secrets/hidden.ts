import type { ImageFilesystem } from '../oci/index.ts';
import type { SecretFinding } from './types.ts';

/**
 * Sets `deleted` on file findings: true when the file the finding came from is not what a running container
 * sees (a later layer deleted it by whiteout or opaque directory, or replaced it), false when it is.
 * The secret is shipped either way; `deleted` tells the reader that a container listing will not show it.
 * Config findings are returned unchanged.
 */
export function markHidden(findings: readonly SecretFinding[], fs: Pick<ImageFilesystem, 'squashed'>): SecretFinding[] {
  return findings.map((finding) => {
    if (finding.location !== 'file' || finding.path === undefined) return finding;
    const visible = fs.squashed.get(finding.path);
    return { ...finding, deleted: visible === undefined || visible.layer !== finding.layer };
  });
}
