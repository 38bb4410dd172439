import { type Command, Option } from 'commander';
import { SgciError, tableLine, tableWidths } from '../../core/index.ts';
import type { FileEntry, FileType, ImageFilesystem } from '../../oci/index.ts';
import { addImageOptions, openImageFromCli } from '../options.ts';
import { writeOut } from '../output.ts';

/** One row of `sgci files --format json`: a contract; add fields, never rename or remove them. */
export interface FileRow {
  readonly path: string;
  readonly type: FileType;
  /** Permission bits in octal, with setuid/setgid/sticky: `0755`, `4755`. */
  readonly mode: string;
  readonly uid: number;
  readonly gid: number;
  readonly size: number;
  readonly linkTarget: string | null;
  /** The layer that wrote the entry (0 = base). */
  readonly layer: number;
  /** Only with --deleted: the entry is shipped but a later layer removed it. */
  readonly deleted?: true;
  /** Only with --deleted: the layer whose whiteout or opaque directory removed it. */
  readonly deletedBy?: number;
}

export function formatMode(mode: number): string {
  return (mode & 0o7777).toString(8).padStart(4, '0');
}

const typeLetter: Readonly<Record<FileType, string>> = {
  file: '-',
  dir: 'd',
  symlink: 'l',
  hardlink: 'h',
  char: 'c',
  block: 'b',
  fifo: 'p',
};

/** `ls -l` permissions: `drwxr-xr-x`, with s/S and t/T for setuid, setgid and sticky. */
export function symbolicMode(type: FileType, mode: number): string {
  const bit = (mask: number, letter: string) => (mode & mask ? letter : '-');
  const special = (exec: number, flag: number, on: string) =>
    mode & flag ? (mode & exec ? on : on.toUpperCase()) : bit(exec, 'x');
  return (
    typeLetter[type] +
    bit(0o400, 'r') +
    bit(0o200, 'w') +
    special(0o100, 0o4000, 's') +
    bit(0o040, 'r') +
    bit(0o020, 'w') +
    special(0o010, 0o2000, 's') +
    bit(0o004, 'r') +
    bit(0o002, 'w') +
    special(0o001, 0o1000, 't')
  );
}

function row(entry: FileEntry): FileRow {
  return {
    path: entry.path,
    type: entry.type,
    mode: formatMode(entry.mode),
    uid: entry.uid,
    gid: entry.gid,
    size: entry.size,
    linkTarget: entry.linkTarget ?? null,
    layer: entry.layer,
  };
}

function within(path: string, prefix: string | undefined): boolean {
  if (prefix === undefined || prefix === '/') return true;
  return path === prefix || path.startsWith(`${prefix}/`);
}

/** The layer whose deletion removed `entry`: the first deletion after it, of its path or a parent. */
function deletedBy(fs: ImageFilesystem, entry: FileEntry): number | null {
  let best: number | null = null;
  for (const deletion of fs.deleted) {
    if (deletion.layer <= entry.layer || !within(entry.path, deletion.path)) continue;
    if (best === null || deletion.layer < best) best = deletion.layer;
  }
  return best;
}

/** Rows in the order `sgci files` prints them: by path, then layer. */
function compareRows(a: FileRow, b: FileRow): number {
  return a.path < b.path ? -1 : a.path > b.path ? 1 : a.layer - b.layer;
}

/**
 * The rows `sgci files` prints, made one at a time as they are printed: the squashed view (under `prefix`),
 * plus removed entries on request. An image of 300,000 files never holds 300,000 rows.
 */
export function fileRows(fs: ImageFilesystem, options: { prefix?: string; deleted?: boolean }): Iterable<FileRow> {
  const prefix = options.prefix === undefined ? undefined : `/${options.prefix.replace(/^\/+|\/+$/g, '')}`;
  const removed: FileRow[] = [];
  if (options.deleted) {
    // Only what a whiteout or opaque directory removed; a file merely overwritten by a later layer
    // is also in `hidden`, but it was replaced, not deleted.
    for (const entry of fs.hidden) {
      if (!within(entry.path, prefix)) continue;
      const by = deletedBy(fs, entry);
      if (by !== null) removed.push({ ...row(entry), deleted: true, deletedBy: by });
    }
    removed.sort(compareRows);
  }
  return {
    *[Symbol.iterator]() {
      // the squashed entries come sorted by path; the removed ones are merged in, after a squashed row that ties
      let next = 0;
      for (const entry of fs.squashed.entries()) {
        if (!within(entry.path, prefix)) continue;
        const current = row(entry);
        while (next < removed.length && compareRows(removed[next] as FileRow, current) < 0)
          yield removed[next++] as FileRow;
        yield current;
      }
      while (next < removed.length) yield removed[next++] as FileRow;
    },
  };
}

const tableHeader = ['MODE', 'UID/GID', 'SIZE', 'LAYER', 'PATH'];

function tableCells(r: FileRow): string[] {
  return [
    symbolicMode(r.type, Number.parseInt(r.mode, 8)),
    `${r.uid}/${r.gid}`,
    String(r.size),
    r.deleted ? `${r.layer}→${r.deletedBy}` : String(r.layer),
    `${r.path}${r.linkTarget !== null ? ` ${r.type === 'hardlink' ? '=>' : '->'} ${r.linkTarget}` : ''}${r.deleted ? ' (deleted)' : ''}`,
  ];
}

/** Lines are written this many at a time: the output of a large image is never one string. */
const linesPerWrite = 2000;

/** The `ls -l`-like table: one pass for the column widths, one that prints. */
async function writeFilesTable(rows: Iterable<FileRow>): Promise<void> {
  const cellsOf = function* () {
    for (const r of rows) yield tableCells(r);
  };
  const widths = tableWidths(tableHeader, cellsOf());
  let lines = [tableLine(tableHeader, widths)];
  for (const cells of cellsOf()) {
    lines.push(tableLine(cells, widths));
    if (lines.length >= linesPerWrite) {
      await writeOut(`${lines.join('\n')}\n`);
      lines = [];
    }
  }
  if (lines.length > 0) await writeOut(`${lines.join('\n')}\n`);
}

/** `{"files": [...]}` as `JSON.stringify(…, null, 2)` writes it, a batch of rows at a time. */
async function writeFilesJson(rows: Iterable<FileRow>): Promise<void> {
  let out = '{\n  "files": [';
  let count = 0;
  for (const r of rows) {
    out += `${count === 0 ? '\n' : ',\n'}    ${JSON.stringify(r, null, 2).replaceAll('\n', '\n    ')}`;
    if (++count % linesPerWrite === 0) {
      await writeOut(out);
      out = '';
    }
  }
  await writeOut(`${out}${count === 0 ? ']' : '\n  ]'}\n}\n`);
}

export function registerFiles(program: Command): void {
  addImageOptions(
    program
      .command('files')
      .description('list the squashed filesystem of an image like ls -l, with the layer of each entry')
      .argument(
        '<image>',
        'image reference: NAME[:TAG][@DIGEST], registry:, oci-dir:, oci-archive:, docker-archive:, dir:',
      )
      .argument('[path]', 'only this path and what is below it')
      .option('--deleted', 'also list entries a later layer removed (whiteouts, opaque directories)')
      .addOption(new Option('--format <format>', 'output format').choices(['table', 'json']).default('table')),
  ).action(async (input: string, path: string | undefined, opts: Record<string, unknown>) => {
    const image = await openImageFromCli(input, opts);
    try {
      const fs = await image.filesystem({});
      const rows = fileRows(fs, { ...(path !== undefined ? { prefix: path } : {}), deleted: opts.deleted === true });
      if (path !== undefined && rows[Symbol.iterator]().next().done) {
        throw new SgciError('SOURCE_NOT_FOUND', path, `no such path in ${input}`);
      }
      await (opts.format === 'json' ? writeFilesJson(rows) : writeFilesTable(rows));
    } finally {
      await image[Symbol.asyncDispose]();
    }
  });
}
