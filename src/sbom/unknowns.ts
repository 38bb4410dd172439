import type { Unknown } from '../core/index.ts';

/** `path (layer N): reason`: one line per unknown, the form written into SBOM metadata. */
export function formatUnknown(u: Unknown): string {
  return `${u.path}${u.layer !== undefined ? ` (layer ${u.layer})` : ''}: ${u.reason.replace(/\s*\n\s*/g, ' ')}`;
}

export function parseUnknown(line: string): Unknown {
  const m = /^(.*?)(?: \(layer (\d+)\))?: (.*)$/s.exec(line);
  if (!m) return { path: '', reason: line };
  return { path: m[1] ?? '', ...(m[2] !== undefined ? { layer: Number(m[2]) } : {}), reason: m[3] ?? '' };
}
