/**
 * A seeded generator of tar archives that use the room the format leaves: ustar, GNU, star and v7
 * headers; names in the name field, split into a prefix, in PAX records, in GNU long names, or in
 * several of these at once; octal fields padded with spaces or NULs, full width or base-256;
 * PAX records with duplicate keys, empty values, odd lengths, several `x` headers in a row and
 * `g` headers; NUL typeflags, trailing slashes, non-UTF-8 names, xattrs; end-of-archive variants;
 * and, in some archives, one of the malformations Go's archive/tar rejects. Every archive keeps to
 * its own top directory `c<index>` (symlinks used as directories lead back into it), so many can be
 * stacked as the layers of one image and unpacked by one `umoci raw unpack`.
 *
 * Raw bytes are written here on purpose: tar-stream and node-tar cannot write most of these forms.
 */

/** mulberry32: small, fast, and the same sequence for the same seed everywhere. */
export class Random {
  #state: number;
  constructor(seed: number) {
    this.#state = seed >>> 0;
  }
  next(): number {
    this.#state = (this.#state + 0x6d2b79f5) >>> 0;
    let t = this.#state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)] as T;
  }
  bytes(n: number): Buffer {
    const out = Buffer.alloc(n);
    for (let i = 0; i < n; i++) out[i] = this.int(256);
    return out;
  }
}

export type Intent =
  /** Go reads it; sgci must read it and see what umoci unpacks. */
  | 'valid'
  /** Go rejects it: sgci must refuse it too, or else agree with whatever umoci unpacks. */
  | 'invalid'
  /** Go reads it but sgci refuses by design (sparse files, types no runtime unpacks, owner -1). */
  | 'unsupported';

export interface VariantArchive {
  readonly index: number;
  /** Top directory every entry lands in: `c<index>`. */
  readonly root: string;
  /** One layer, or a lower and an upper one whose whiteouts and entries act on it. */
  readonly layers: readonly VariantLayer[];
  readonly intent: Intent;
  /** The variants used, for failure messages. */
  readonly notes: readonly string[];
}

export interface VariantLayer {
  /** What sgci reads. */
  readonly bytes: Buffer;
  /**
   * What umoci unpacks: the same tar without its `g` headers (and the meta headers a `g`
   * discards). Docker and containerd skip `g` headers; umoci 0.4 refuses them.
   */
  readonly reference: Buffer;
}

type Format = 'ustar' | 'gnu' | 'v7' | 'star' | 'ustar-odd-version' | 'gnu-bad-version';

interface HeaderSpec {
  readonly format: Format;
  readonly typeflag: number;
  readonly name: Buffer;
  readonly prefix?: Buffer;
  readonly linkname?: Buffer;
  readonly size: number;
  readonly mode: number;
  readonly uid: number;
  readonly gid: number;
  readonly mtime: number;
  readonly devmajor?: number;
  readonly devminor?: number;
}

/** One piece of the archive; `dropInReference` pieces are left out of what umoci reads. */
interface Piece {
  readonly bytes: Buffer;
  readonly dropInReference?: boolean;
}

const names = [
  'a',
  'b',
  'dir',
  'x',
  'y',
  'z',
  'etc',
  'bin',
  'lib',
  '.hidden',
  'with space',
  'ünï',
  'l'.repeat(90),
  'm'.repeat(95),
  'n'.repeat(99),
];
const rawNames = [Buffer.from([0x62, 0xff]), Buffer.from([0x62, 0xfe]), Buffer.from([0xc3, 0x28])];
const contentSizes = [0, 1, 7, 100, 511, 512, 513, 1024, 1500, 4000];

function pad(data: Buffer): Buffer {
  const rest = data.length % 512;
  return rest === 0 ? data : Buffer.concat([data, Buffer.alloc(512 - rest)]);
}

/** Writes `value` into a numeric field in one of the encodings Go reads. */
function writeNumeric(h: Buffer, offset: number, width: number, value: number, random: Random, notes: string[]): void {
  const octal = value >= 0 ? value.toString(8) : '';
  const fitsTerminated = value >= 0 && octal.length <= width - 1;
  const fitsFull = value >= 0 && octal.length <= width;
  const styles: string[] = [];
  if (fitsTerminated) styles.push('zero-nul', 'zero-nul', 'zero-nul', 'zero-space', 'lead-space', 'short', 'space-nul');
  if (fitsFull) styles.push('full');
  if (value === 0) styles.push('empty', 'spaces');
  if (styles.length === 0 || random.chance(0.08)) styles.push('base256');
  const style = random.pick(styles);
  const field = Buffer.alloc(width);
  switch (style) {
    case 'zero-nul':
      field.write(`${octal.padStart(width - 1, '0')}\0`, 'latin1');
      break;
    case 'zero-space':
      field.write(`${octal.padStart(width - 1, '0')} `, 'latin1');
      break;
    case 'lead-space':
      field.write(`${octal.padStart(width - 1, ' ')}\0`, 'latin1');
      break;
    case 'short':
      field.write(`${octal}\0`, 'latin1');
      break;
    case 'space-nul':
      field.write(`${octal} \0`, 'latin1');
      break;
    case 'full':
      field.write(octal.padStart(width, '0'), 'latin1');
      break;
    case 'empty':
      break;
    case 'spaces':
      field.fill(0x20);
      break;
    case 'base256': {
      let x = BigInt(value);
      for (let i = width - 1; i >= 0; i--) {
        field[i] = Number(x & 0xffn);
        x >>= 8n;
      }
      field[0] = (field[0] as number) | 0x80;
      notes.push('base-256');
      break;
    }
  }
  field.copy(h, offset);
}

function header(spec: HeaderSpec, random: Random, notes: string[]): Buffer {
  const h = Buffer.alloc(512);
  spec.name.copy(h, 0, 0, 100);
  writeNumeric(h, 100, 8, spec.mode, random, notes);
  writeNumeric(h, 108, 8, spec.uid, random, notes);
  writeNumeric(h, 116, 8, spec.gid, random, notes);
  writeNumeric(h, 124, 12, spec.size, random, notes);
  writeNumeric(h, 136, 12, spec.mtime, random, notes);
  h[156] = spec.typeflag;
  spec.linkname?.copy(h, 157, 0, 100);
  switch (spec.format) {
    case 'ustar':
    case 'star':
    case 'ustar-odd-version':
      h.write('ustar\0', 257, 'latin1');
      h.write(spec.format === 'ustar-odd-version' ? 'x7' : '00', 263, 'latin1');
      break;
    case 'gnu':
      h.write('ustar  \0', 257, 'latin1');
      break;
    case 'gnu-bad-version':
      h.write('ustar 00', 257, 'latin1');
      break;
    case 'v7':
      break;
  }
  if (spec.format !== 'v7' && spec.format !== 'gnu-bad-version') {
    h.write('root', 265, 'latin1');
    h.write('root', 297, 'latin1');
    writeNumeric(h, 329, 8, spec.devmajor ?? 0, random, notes);
    writeNumeric(h, 337, 8, spec.devminor ?? 0, random, notes);
  }
  if ((spec.format === 'v7' || spec.format === 'gnu-bad-version') && random.chance(0.2)) {
    h.write('not-a-number', 329, 'latin1'); // v7 has no device fields: Go does not read them
    notes.push('v7-junk-devices');
  }
  if (spec.format === 'star') {
    h.write('tar\0', 508, 'latin1');
    spec.prefix?.copy(h, 345, 0, 131);
    if (random.chance(0.5)) h.write('14000000000\0', 476, 'latin1');
  } else if (spec.prefix) {
    spec.prefix.copy(h, 345, 0, 155);
  } else if (spec.format === 'gnu' && random.chance(0.3)) {
    h.write('14000000000\0', 345, 'latin1'); // a real access time
  }
  writeChecksum(h, random);
  return h;
}

function writeChecksum(h: Buffer, random: Random): void {
  h.fill(0x20, 148, 156);
  let unsigned = 0;
  let signed = 0;
  for (const b of h) {
    unsigned += b;
    signed += b > 127 ? b - 256 : b;
  }
  const sum = signed !== unsigned && random.chance(0.5) ? signed : unsigned;
  const style = random.int(3);
  const text =
    style === 0
      ? `${sum.toString(8).padStart(6, '0')}\0 `
      : style === 1
        ? `${sum.toString(8).padStart(7, '0')}\0`
        : ` ${sum.toString(8)}\0`;
  h.fill(0, 148, 156);
  h.write(text.slice(0, 8), 148, 'latin1');
}

/** A PAX record `<length> <key>=<value>\n`, the length with leading zeros or a plus sign now and then. */
function record(key: string | Buffer, value: string | Buffer, random: Random): Buffer {
  const body = Buffer.concat([
    Buffer.from(' '),
    Buffer.from(key),
    Buffer.from('='),
    Buffer.from(value),
    Buffer.from('\n'),
  ]);
  const decorate = random.chance(0.1) ? (random.chance(0.5) ? '0' : '+') : '';
  let length = body.length + decorate.length + 1;
  while (`${decorate}${length}`.length + body.length !== length) length++;
  return Buffer.concat([Buffer.from(`${decorate}${length}`), body]);
}

function meta(typeflag: string, body: Buffer, random: Random, notes: string[]): Buffer {
  const format = random.pick<Format>(['ustar', 'ustar', 'gnu', 'v7']);
  const name = Buffer.from(typeflag === 'L' || typeflag === 'K' ? '././@LongLink' : `PaxHeaders.0/${typeflag}`);
  const h = header(
    { format, typeflag: typeflag.charCodeAt(0), name, size: body.length, mode: 0o644, uid: 0, gid: 0, mtime: 0 },
    random,
    notes,
  );
  return Buffer.concat([h, pad(body)]);
}

interface Node {
  readonly kind: 'dir' | 'file' | 'symlink-dir' | 'symlink' | 'special';
  /** For symlinks to directories: the directory they lead to. */
  readonly target?: string;
  /** The layer that wrote it: whiteouts remove only what lower layers wrote. */
  readonly layer?: number;
}

/** Archive builder state: what exists where (by physical path, root-relative, no leading slash). */
class Builder {
  readonly random: Random;
  readonly root: string;
  readonly nodes = new Map<string, Node>();
  readonly pieces: Piece[] = [];
  readonly notes: string[] = [];
  intent: Intent = 'valid';
  layer = 0;

  set(path: string, node: Node): void {
    this.nodes.set(path, { ...node, layer: this.layer });
  }

  /** What a whiteout of `path` (or an opaque marker in it) removes: what lower layers put there. */
  whiteOut(path: string, opaque: boolean): void {
    for (const [other, node] of [...this.nodes]) {
      const below = other.startsWith(`${path}/`) || (!opaque && other === path);
      if (below && (node.layer ?? 0) < this.layer) this.nodes.delete(other);
    }
    for (const [other, node] of [...this.nodes]) {
      if (node.target !== undefined && !this.nodes.has(node.target))
        this.nodes.set(other, { kind: 'symlink', layer: node.layer ?? 0 });
    }
  }

  constructor(random: Random, root: string) {
    this.random = random;
    this.root = root;
  }

  /** A directory to put a new entry in, and how to write it (maybe through a symlink to a directory). */
  parent(): { written: string; physical: string } {
    const dirs = [...this.nodes].filter(([, n]) => n.kind === 'dir' || n.kind === 'symlink-dir');
    if (dirs.length === 0 || this.random.chance(0.2)) return { written: this.root, physical: this.root };
    const [path, node] = this.random.pick(dirs);
    if (node.kind === 'symlink-dir') this.notes.push('through-symlink');
    return { written: path, physical: node.kind === 'symlink-dir' ? (node.target as string) : path };
  }

  freshName(physicalDir: string): Buffer | undefined {
    for (let attempt = 0; attempt < 8; attempt++) {
      const name = this.random.chance(0.08) ? this.random.pick(rawNames) : Buffer.from(this.random.pick(names));
      if (!this.nodes.has(`${physicalDir}/${name.toString('latin1')}`)) return name;
    }
    return undefined;
  }

  /** The written form of a path: `./`, `/`, doubled slashes, `x/..` detours, all lexically the same place. */
  spell(path: Buffer, dir: boolean): Buffer {
    let text = path.toString('latin1');
    const r = this.random;
    if (r.chance(0.1)) text = `./${text}`;
    else if (r.chance(0.08)) text = `/${text}`;
    if (r.chance(0.06)) text = text.replace('/', '//');
    if (r.chance(0.05)) {
      const slash = text.indexOf('/', 2);
      if (slash > 0) text = `${text.slice(0, slash)}/q/..${text.slice(slash)}`;
    }
    if (dir && r.chance(0.6)) text = `${text}/`;
    if (text !== path.toString('latin1')) this.notes.push('spelling');
    return Buffer.from(text, 'latin1');
  }
}

const key = (dir: string, name: Buffer) => `${dir}/${name.toString('latin1')}`;

/** One entry: meta headers for its name and link as chosen, the header, and its data. */
function entry(
  b: Builder,
  kind: 'dir' | 'file' | 'symlink' | 'hardlink' | 'char' | 'block' | 'fifo' | 'whiteout' | 'odd',
  written: Buffer,
  options: { link?: Buffer; content?: Buffer } = {},
): void {
  const r = b.random;
  const notes = b.notes;
  const format = r.pick<Format>([
    'ustar',
    'ustar',
    'ustar',
    'gnu',
    'gnu',
    'v7',
    'star',
    'ustar-odd-version',
    'gnu-bad-version',
  ]);
  const content = options.content ?? Buffer.alloc(0);
  let typeflag: number;
  switch (kind) {
    case 'dir':
      typeflag = written.at(-1) === 0x2f && r.chance(0.3) ? 0 : 0x35;
      break;
    case 'file':
    case 'whiteout':
      typeflag = written.at(-1) !== 0x2f && r.chance(0.2) ? 0 : 0x30;
      break;
    case 'symlink':
      typeflag = 0x32;
      break;
    case 'hardlink':
      typeflag = 0x31;
      break;
    case 'char':
      typeflag = 0x33;
      break;
    case 'block':
      typeflag = 0x34;
      break;
    case 'fifo':
      typeflag = 0x36;
      break;
    case 'odd':
      typeflag = r.pick([0x37, 0x56, 0x44, 0x41]);
      break;
  }
  if (typeflag === 0) notes.push('typeflag-nul');
  const pax: Buffer[] = [];
  const pieces: Piece[] = [];
  const decoy = Buffer.from(`${b.root}/decoy-${r.int(1000)}`);

  // The name.
  let nameField = written;
  let prefix: Buffer | undefined;
  const strategies = ['pax', 'long', 'pax+long', 'two-x', 'x-dup', 'g-drop'];
  if (written.length <= 100) strategies.push('name', 'name', 'name', 'name', 'pax-empty', 'long-empty');
  const slash = written.lastIndexOf(0x2f, written.length - 2);
  const splittable = slash > 0 && written.length - slash - 1 <= 100 && written.at(-1) !== 0x2f;
  if (splittable && slash <= 155 && (format === 'ustar' || format === 'ustar-odd-version'))
    strategies.push('prefix', 'prefix');
  if (splittable && slash <= 131 && format === 'star') strategies.push('prefix');
  if (splittable && slash <= 155 && format === 'gnu' && isAsciiBytes(written.subarray(0, slash)))
    strategies.push('gnu-prefix');
  const strategy = r.pick(strategies);
  notes.push(`name:${strategy}`);
  switch (strategy) {
    case 'name':
      break;
    case 'prefix':
    case 'gnu-prefix':
      prefix = written.subarray(0, slash);
      nameField = written.subarray(slash + 1);
      break;
    case 'pax':
      pax.push(record('path', written, r));
      nameField = r.chance(0.5) ? decoy : written.subarray(0, 100);
      break;
    case 'pax-empty':
      pax.push(record('path', '', r));
      break;
    case 'long-empty':
      pieces.push({ bytes: meta('L', Buffer.from(r.chance(0.5) ? '\0' : '\0junk'), r, notes) });
      break;
    case 'long':
      pieces.push({
        bytes: meta('L', Buffer.concat([written, Buffer.from(r.chance(0.3) ? '\0junk' : '\0')]), r, notes),
      });
      nameField = decoy;
      break;
    case 'pax+long':
      pax.push(record('path', decoy, r));
      pieces.push({ bytes: meta('L', Buffer.concat([written, Buffer.from('\0')]), r, notes) });
      nameField = decoy;
      break;
    case 'x-dup':
      pax.push(record('path', decoy, r), record('path', written, r));
      nameField = decoy;
      break;
    case 'two-x':
    case 'g-drop':
      if (written.length > 100) {
        pax.push(record('path', written, r));
        nameField = decoy;
      }
      // a first x header whose records the next meta header throws away
      pieces.unshift({
        bytes: meta('x', record('path', decoy, r), r, notes),
        ...(strategy === 'g-drop' ? { dropInReference: true } : {}),
      });
      if (strategy === 'g-drop') {
        pieces.splice(1, 0, {
          bytes: meta('g', Buffer.concat([record('comment', 'global', r), record('path', decoy, r)]), r, notes),
          dropInReference: true,
        });
      } else {
        pieces.splice(1, 0, { bytes: meta('x', record('comment', 'second', r), r, notes) });
      }
      break;
  }

  // The link.
  let linkField: Buffer | undefined;
  if (options.link !== undefined) {
    const link = options.link;
    const linkStrategies = ['pax', 'long', 'pax+long'];
    if (link.length <= 100) linkStrategies.push('field', 'field', 'field', 'pax-empty', 'long-empty');
    const linkStrategy = r.pick(linkStrategies);
    notes.push(`link:${linkStrategy}`);
    const decoyLink = Buffer.from(`decoy-link-${r.int(100)}`);
    switch (linkStrategy) {
      case 'field':
        linkField = link;
        break;
      case 'pax':
        pax.push(record('linkpath', link, r));
        linkField = decoyLink;
        break;
      case 'long':
        pieces.push({ bytes: meta('K', Buffer.concat([link, Buffer.from('\0')]), r, notes) });
        linkField = decoyLink;
        break;
      case 'pax+long':
        pax.push(record('linkpath', decoyLink, r));
        pieces.push({ bytes: meta('K', Buffer.concat([link, Buffer.from('\0')]), r, notes) });
        linkField = decoyLink;
        break;
      case 'pax-empty':
        pax.push(record('linkpath', '', r));
        linkField = link;
        break;
      case 'long-empty':
        // an empty long link names nothing: the header's own field stands
        pieces.push({ bytes: meta('K', Buffer.from('\0'), r, notes) });
        linkField = link;
        break;
    }
  }

  // Owner, mode, times, size: in the header, or in PAX records over a decoy in the header.
  const mode = r.pick([0o644, 0o755, 0o600, 0o4755, 0o2755, 0o1777, 0o777, 0o000, 0o6711]);
  let uid = r.pick([0, 0, 1, 1000, 65534, 2 ** 21, 4294967294]);
  let gid = r.pick([0, 0, 42, 1000, 2 ** 22]);
  let mtime = r.pick([0, 1, 1_700_000_000, 2 ** 33 - 1, 2 ** 34, -5]);
  if (r.chance(0.15)) {
    pax.push(record('uid', r.pick([`${uid}`, `+${uid}`, `00${uid}`]), r));
    uid = r.pick([0, 77]);
    notes.push('pax-uid');
  }
  if (r.chance(0.1)) {
    pax.push(record('gid', `${gid}`, r));
    gid = 5;
  }
  if (r.chance(0.2)) {
    const seconds = r.pick([1_600_000_000, -7, 0, 1_234_567_890]);
    const text = r.pick([
      `${seconds}`,
      `${seconds}.5`,
      `${seconds}.`,
      `${seconds}.0000000001`,
      `${seconds}.999999999999`,
    ]);
    pax.push(record('mtime', text, r));
    mtime = r.pick([0, 99]);
    notes.push(`pax-mtime:${text}`);
  }
  let headerSize = content.length;
  if (kind === 'file' && r.chance(0.12)) {
    pax.push(record('size', `${content.length}`, r));
    headerSize = r.pick([0, 1, 2 ** 33]);
    notes.push('pax-size');
  }
  if ((kind === 'dir' || kind === 'symlink') && r.chance(0.1)) {
    headerSize = r.pick([1, 600, 5000]); // header-only types carry no data whatever the field says
    notes.push('size-on-header-only');
  }
  if (r.chance(0.15)) {
    const extra = r.pick(['comment', 'uname', 'gname', 'SCHILY.dev', 'atime', 'ctime', 'x.unknown']);
    const times = extra === 'atime' || extra === 'ctime';
    pax.push(record(extra, r.pick(times ? ['1', '17.25', '-3.5', '0.'] : ['1', 'text', '17.25']), r));
  }
  if ((kind === 'file' || kind === 'dir') && r.chance(0.15)) {
    pax.push(record('SCHILY.xattr.user.note', r.chance(0.5) ? 'hello' : r.bytes(5), r));
    if (r.chance(0.5))
      pax.push(
        record('SCHILY.xattr.security.capability', Buffer.from('0100000200200000000000000000000000000000', 'hex'), r),
      );
    if (r.chance(0.3)) pax.push(record('SCHILY.xattr.user.empty', '', r));
    if (r.chance(0.3)) pax.push(record('LIBARCHIVE.xattr.user.libarchive', 'aGk=', r));
    notes.push('xattrs');
  }
  if (pax.length > 0 && r.chance(0.2) && !pax.some((p) => p.includes('path='))) {
    // a decoy value first: the last record of a key wins
    pax.unshift(record('uid', '31337', r));
  }
  if (pax.length > 0) pieces.push({ bytes: meta('x', Buffer.concat(pax), r, notes) });
  const h = header(
    {
      format,
      typeflag,
      name: nameField,
      ...(prefix ? { prefix } : {}),
      ...(linkField ? { linkname: linkField } : {}),
      size: headerSize,
      mode,
      uid,
      gid,
      mtime,
      devmajor: kind === 'char' ? 1 : kind === 'block' ? 7 : 0,
      devminor: kind === 'char' ? 3 : 0,
    },
    r,
    notes,
  );
  pieces.push({ bytes: Buffer.concat([h, pad(content)]) });
  b.pieces.push(...pieces);
}

function isAsciiBytes(bytes: Buffer): boolean {
  return bytes.every((b) => b < 0x80);
}

function relative(fromDir: string, to: string): string {
  const from = fromDir.split('/');
  const target = to.split('/');
  let common = 0;
  while (common < from.length && common < target.length && from[common] === target[common]) common++;
  return [...from.slice(common).map(() => '..'), ...target.slice(common)].join('/') || '.';
}

/** One archive of 2 to 14 entries below `c<index>`. */
function archive(random: Random, index: number): VariantArchive {
  const root = `c${index}`;
  const b = new Builder(random, root);
  const r = random;
  if (r.chance(0.8)) {
    entry(b, 'dir', b.spell(Buffer.from(root), true));
    b.set(root, { kind: 'dir' });
  }
  fill(b, 2 + r.int(13));
  const layers: VariantLayer[] = [];
  if (r.chance(0.3)) {
    layers.push(layerOf(b, Buffer.alloc(1024)));
    b.pieces.length = 0;
    b.layer = 1;
    upper(b);
  }
  if (r.chance(0.02)) {
    entry(b, 'odd', Buffer.from(`${root}/odd`));
    b.intent = 'unsupported';
    b.notes.push('odd-typeflag');
  }
  if (r.chance(0.03)) {
    // meta headers for an entry that never comes: dropped at the end of the archive
    b.pieces.push({ bytes: meta('x', record('path', `${root}/never`, r), r, b.notes) });
    b.notes.push('dangling-x');
  }
  if (r.chance(0.02)) sparse(b);
  if (r.chance(0.1)) malform(b);
  layers.push(layerOf(b, ending(b)));
  return { index, root, layers, intent: b.intent, notes: [...new Set(b.notes)] };
}

/** An upper layer: whiteouts and opaque directories over the lower layer's entries, then new entries. */
function upper(b: Builder): void {
  const r = b.random;
  b.notes.push('two-layers');
  const whiteouts = 1 + r.int(3);
  for (let i = 0; i < whiteouts; i++) {
    const candidates = [...b.nodes].filter(([path]) => path !== b.root);
    if (candidates.length === 0) break;
    const [path, node] = r.pick(candidates);
    const slash = path.lastIndexOf('/');
    const opaque = node.kind === 'dir' && r.chance(0.4);
    const marker = opaque ? `${path}/.wh..wh..opq` : `${path.slice(0, slash)}/.wh.${path.slice(slash + 1)}`;
    entry(b, 'whiteout', b.spell(Buffer.from(marker, 'latin1'), false));
    b.notes.push(opaque ? 'opaque-over-lower' : 'whiteout-over-lower');
    b.whiteOut(path, opaque);
  }
  fill(b, 1 + r.int(6));
}

/** `count` entries of every kind below the archive's root, each in a place the model says is a directory. */
function fill(b: Builder, count: number): void {
  const r = b.random;
  const root = b.root;
  for (let i = 0; i < count; i++) {
    const { written, physical } = b.parent();
    const roll = r.next();
    const files = [...b.nodes].filter(([, n]) => n.kind === 'file');
    const dirs = [...b.nodes].filter(([, n]) => n.kind === 'dir');
    if (roll < 0.1 && files.length > 0) {
      // the same file again: the later one wins
      const [path] = r.pick(files);
      entry(b, 'file', b.spell(Buffer.from(path, 'latin1'), false), { content: r.bytes(r.pick(contentSizes)) });
      b.notes.push('duplicate');
      continue;
    }
    const name = b.freshName(physical);
    if (name === undefined) continue;
    const writtenPath = Buffer.concat([Buffer.from(written, 'latin1'), Buffer.from('/'), name]);
    const physicalKey = key(physical, name);
    if (roll < 0.45) {
      let spelled = b.spell(writtenPath, false);
      if (r.chance(0.05)) {
        spelled = Buffer.concat([spelled, Buffer.from('/')]); // a '0' typeflag with a trailing slash is a file
        b.notes.push('file-with-slash');
      }
      entry(b, 'file', spelled, { content: r.bytes(r.pick(contentSizes)) });
      b.set(physicalKey, { kind: 'file' });
    } else if (roll < 0.65) {
      entry(b, 'dir', b.spell(writtenPath, true));
      b.set(physicalKey, { kind: 'dir' });
    } else if (roll < 0.73 && dirs.length > 0) {
      // a symlink to a directory of this archive (or to a symlink to one), later used as a directory itself
      const symlinkDirs = [...b.nodes].filter(([, n]) => n.kind === 'symlink-dir');
      const [via, viaNode] = symlinkDirs.length > 0 && r.chance(0.3) ? r.pick(symlinkDirs) : r.pick(dirs);
      const link = r.chance(0.5) ? `/${via}` : relative(physical, via);
      entry(b, 'symlink', b.spell(writtenPath, false), { link: Buffer.from(link, 'latin1') });
      b.set(physicalKey, { kind: 'symlink-dir', target: viaNode.target ?? via });
      if (viaNode.target) b.notes.push('symlink-chain');
    } else if (roll < 0.8) {
      const link = r.pick([
        Buffer.from('/etc/shadow'),
        Buffer.from('../../../../outside'),
        Buffer.from(`target-${'t'.repeat(r.pick([1, 120]))}`),
        Buffer.from([0x74, 0xff, 0x00 + 0x41]),
        Buffer.from('ünïcödé'),
      ]);
      entry(b, 'symlink', b.spell(writtenPath, false), { link });
      b.set(physicalKey, { kind: 'symlink' });
    } else if (roll < 0.87 && files.length > 0) {
      const [target] = r.pick(files);
      // the target named through a symlink to its directory, now and then, as runtimes resolve it
      const slash = target.lastIndexOf('/');
      const viaLink = [...b.nodes].find(([, n]) => n.kind === 'symlink-dir' && n.target === target.slice(0, slash));
      const named = viaLink && r.chance(0.5) ? `${viaLink[0]}${target.slice(slash)}` : target;
      if (named !== target) b.notes.push('hardlink-through-symlink');
      entry(b, 'hardlink', b.spell(writtenPath, false), { link: b.spell(Buffer.from(named, 'latin1'), false) });
      b.set(physicalKey, { kind: 'file' });
    } else if (roll < 0.9 && b.nodes.size > 1) {
      // an entry of another type where one was: a directory goes with all below it
      const [path, node] = r.pick([...b.nodes].filter(([p]) => p !== root));
      const kind = node.kind === 'dir' ? r.pick(['file', 'symlink'] as const) : 'dir';
      if (kind === 'dir') {
        entry(b, 'dir', b.spell(Buffer.from(path, 'latin1'), true));
        b.set(path, { kind: 'dir' });
      } else {
        for (const other of [...b.nodes.keys()]) if (other.startsWith(`${path}/`)) b.nodes.delete(other);
        for (const [other, n] of [...b.nodes]) {
          if (n.target !== undefined && (n.target === path || n.target.startsWith(`${path}/`))) {
            b.set(other, { kind: 'symlink' });
          }
        }
        if (kind === 'file') {
          entry(b, 'file', b.spell(Buffer.from(path, 'latin1'), false), { content: r.bytes(r.pick(contentSizes)) });
        } else {
          entry(b, 'symlink', b.spell(Buffer.from(path, 'latin1'), false), { link: Buffer.from('elsewhere') });
        }
        b.set(path, { kind: kind === 'file' ? 'file' : 'symlink' });
      }
      b.notes.push(`replaced-${node.kind}-by-${kind}`);
    } else if (roll < 0.93) {
      entry(b, r.pick(['char', 'block', 'fifo'] as const), b.spell(writtenPath, false));
      b.set(physicalKey, { kind: 'special' });
    } else {
      // a whiteout of nothing, or an opaque marker: it removes only what lower layers put there
      const opaque = r.chance(0.3);
      const whiteout = Buffer.concat([
        Buffer.from(`${written}/.wh.`, 'latin1'),
        opaque ? Buffer.from('.wh..opq') : name,
      ]);
      entry(b, 'whiteout', b.spell(whiteout, false));
      if (opaque) b.whiteOut(physical, true);
      b.notes.push('whiteout');
    }
  }
}

/** A GNU sparse file, in PAX 1.0 or old GNU form: Go expands it, sgci refuses it. */
function sparse(b: Builder): void {
  const r = b.random;
  if (r.chance(0.5)) {
    const body = Buffer.concat([
      record('GNU.sparse.major', '1', r),
      record('GNU.sparse.minor', '0', r),
      record('GNU.sparse.name', `${b.root}/sparse`, r),
      record('GNU.sparse.realsize', '10', r),
    ]);
    const data = pad(Buffer.from('1\n0\n3\n'));
    b.pieces.push({ bytes: meta('x', body, r, b.notes) });
    b.pieces.push({
      bytes: Buffer.concat([
        header(
          {
            format: 'ustar',
            typeflag: 0x30,
            name: Buffer.from(`${b.root}/GNUSparseFile.0/sparse`),
            size: data.length + 3,
            mode: 0o644,
            uid: 0,
            gid: 0,
            mtime: 0,
          },
          r,
          b.notes,
        ),
        pad(Buffer.concat([data, Buffer.from('abc')])),
      ]),
    });
  } else {
    b.pieces.push({
      bytes: Buffer.concat([
        header(
          {
            format: 'gnu',
            typeflag: 0x53,
            name: Buffer.from(`${b.root}/sparse`),
            size: 0,
            mode: 0o644,
            uid: 0,
            gid: 0,
            mtime: 0,
          },
          r,
          b.notes,
        ),
      ]),
    });
  }
  b.intent = 'unsupported';
  b.notes.push('sparse');
}

/** One change Go's reader rejects. */
function malform(b: Builder): void {
  const r = b.random;
  const kind = r.pick([
    'checksum',
    'octal',
    'devices',
    'pax-nul',
    'pax-length',
    'pax-padding',
    'zero-then-header',
    'negative-size',
    'pax-number',
    'truncated',
    'global-bad',
    'owner-minus-one',
  ]);
  b.notes.push(`malformed:${kind}`);
  b.intent = kind === 'owner-minus-one' ? 'unsupported' : 'invalid';
  const target = `${b.root}/bad`;
  const plain = (overrides: Partial<HeaderSpec> = {}, content: Buffer = Buffer.from('data')) =>
    Buffer.concat([
      header(
        {
          format: 'ustar',
          typeflag: 0x30,
          name: Buffer.from(target),
          size: content.length,
          mode: 0o644,
          uid: 0,
          gid: 0,
          mtime: 0,
          ...overrides,
        },
        r,
        b.notes,
      ),
      pad(content),
    ]);
  switch (kind) {
    case 'checksum': {
      const bytes = plain();
      bytes[0] = (bytes[0] as number) ^ 0x01;
      b.pieces.push({ bytes });
      break;
    }
    case 'octal': {
      const bytes = plain();
      bytes.write('0 644\0', 100, 'latin1');
      writeChecksum(bytes.subarray(0, 512), r);
      b.pieces.push({ bytes });
      break;
    }
    case 'devices': {
      const bytes = plain();
      bytes.write('junk', 329, 'latin1'); // ustar has device fields, and Go reads them
      writeChecksum(bytes.subarray(0, 512), r);
      b.pieces.push({ bytes });
      break;
    }
    case 'pax-nul':
      b.pieces.push(
        { bytes: meta('x', record('path', Buffer.from(`${target}\0x`), r), r, b.notes) },
        { bytes: plain() },
      );
      break;
    case 'pax-length':
      b.pieces.push({ bytes: meta('x', Buffer.from(`99 path=${target}\n`), r, b.notes) }, { bytes: plain() });
      break;
    case 'pax-padding':
      b.pieces.push(
        { bytes: meta('x', Buffer.concat([record('path', target, r), Buffer.alloc(3)]), r, b.notes) },
        { bytes: plain() },
      );
      break;
    case 'zero-then-header':
      b.pieces.push({ bytes: Buffer.alloc(512) }, { bytes: plain() });
      break;
    case 'negative-size': {
      const bytes = plain({}, Buffer.alloc(0));
      bytes.fill(0xff, 124, 136);
      writeChecksum(bytes.subarray(0, 512), r);
      b.pieces.push({ bytes });
      break;
    }
    case 'pax-number':
      b.pieces.push(
        {
          bytes: meta(
            'x',
            record(r.pick(['uid', 'size', 'mtime', 'gid']), r.pick(['abc', '1e3', '1.5x', ' 1']), r),
            r,
            b.notes,
          ),
        },
        { bytes: plain() },
      );
      break;
    case 'truncated':
      b.pieces.push({ bytes: Buffer.from(plain({}, r.bytes(2000)).subarray(0, 512 + r.int(1500))) });
      break;
    case 'global-bad':
      b.pieces.push({ bytes: meta('g', record('mtime', 'soon', r), r, b.notes) }, { bytes: plain() });
      break;
    case 'owner-minus-one':
      b.pieces.push({ bytes: meta('x', record('uid', '4294967295', r), r, b.notes) }, { bytes: plain() });
      break;
  }
}

/** How the last layer ends: two zero blocks, one, none, or two and trailing junk (none when truncated on purpose). */
function ending(b: Builder): Buffer {
  const r = b.random;
  return b.notes.includes('malformed:truncated')
    ? Buffer.alloc(0)
    : r.pick([
        Buffer.alloc(1024),
        Buffer.alloc(1024),
        Buffer.alloc(1024),
        Buffer.alloc(512),
        Buffer.alloc(0),
        Buffer.concat([Buffer.alloc(1024), Buffer.from('trailing junk after the end')]),
      ]);
}

function layerOf(b: Builder, end: Buffer): VariantLayer {
  return {
    bytes: Buffer.concat([...b.pieces.map((p) => p.bytes), end]),
    reference: Buffer.concat([...b.pieces.filter((p) => !p.dropInReference).map((p) => p.bytes), end]),
  };
}

export function generateTarVariants(seed: number, count: number): VariantArchive[] {
  const random = new Random(seed);
  const out: VariantArchive[] = [];
  for (let i = 0; i < count; i++) out.push(archive(random, i));
  return out;
}
