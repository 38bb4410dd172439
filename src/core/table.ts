import { safeText } from './safe-text.ts';

/**
 * Renders rows as space-aligned columns, the way `ls -l` and `docker images` do. Every cell is printed through
 * safeText: cells carry paths, names and versions from images.
 */
export function renderTable(header: readonly string[], cells: readonly (readonly string[])[]): string {
  const rows = cells.map((row) => row.map(safeText));
  // a loop, not Math.max(...rows): a table of 200,000 packages would overflow the call stack
  const widths = header.map((h, i) => rows.reduce((w, r) => Math.max(w, (r[i] ?? '').length), h.length));
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return `${[line(header), ...rows.map(line)].join('\n')}\n`;
}
