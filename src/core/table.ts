import { safeText } from './safe-text.ts';

/**
 * Renders rows as space-aligned columns, the way `ls -l` and `docker images` do. Every cell is printed through
 * safeText: cells carry paths, names and versions from images.
 */
export function renderTable(header: readonly string[], cells: readonly (readonly string[])[]): string {
  const widths = tableWidths(header, cells);
  return `${[header, ...cells].map((row) => tableLine(row, widths)).join('\n')}\n`;
}

/**
 * The width of each column: its longest cell as printed, header included. With `tableLine`, a table too large
 * to hold as one string is written a batch of lines at a time (`sgci files` of an image with 300,000 files).
 */
export function tableWidths(header: readonly string[], cells: Iterable<readonly string[]>): number[] {
  const widths = header.map((h) => h.length);
  // a loop, not Math.max(...rows): a table of 200,000 packages would overflow the call stack
  for (const row of cells) {
    for (let i = 0; i < widths.length; i++) widths[i] = Math.max(widths[i] as number, safeText(row[i] ?? '').length);
  }
  return widths;
}

/** One row of a table, its cells padded to `widths` (the last one not), without the newline. */
export function tableLine(cells: readonly string[], widths: readonly number[]): string {
  return cells
    .map((c, i) => (i === cells.length - 1 ? safeText(c) : safeText(c).padEnd(widths[i] ?? 0)))
    .join('  ')
    .trimEnd();
}
