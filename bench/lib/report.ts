/** Plain-text tables for the benchmarks' output. */

/** Columns padded to their widest cell: `end` pads on the right (left-aligned), `start` on the left. */
export function table(header: readonly string[], rows: readonly (readonly string[])[], pad: 'end' | 'start'): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells.map((c, i) => (pad === 'end' ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join('  ');
  return [line(header), ...rows.map(line)].join('\n');
}

/** A figure with fixed decimals; `-` for what could not be measured (NaN, a division by zero). */
export const fmt = (n: number, digits = 2): string => (Number.isFinite(n) ? n.toFixed(digits) : '-');
