import { createHash } from 'node:crypto';
import type { Sbom } from '../catalog/index.ts';

/**
 * A UUID (RFC 9562 version 8, name-based) derived from the image digest, so the same image gives
 * the same serial number and SBOMs diff cleanly. Without a digest (a directory), the packages stand in.
 */
export function serialUuid(sbom: Sbom): string {
  const seed = sbom.subject.digest ?? `${sbom.subject.name}\n${sbom.packages.map((p) => p.id).join('\n')}`;
  const bytes = createHash('sha256').update(`sgci-sbom\n${seed}`).digest();
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x80;
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80;
  const hex = bytes.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

export function fileRef(path: string): string {
  return `file-${createHash('sha256').update(path).digest('hex').slice(0, 16)}`;
}
