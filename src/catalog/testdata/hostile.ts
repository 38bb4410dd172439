/**
 * Test-only: hostile image content, one generator per class of issue 12 (bounded work on hostile
 * content). Each input is at most a few MB, yet exploded into hours of work or many GB of memory
 * in the readers as they were. The cataloger tests run them; the sizes are the issue's.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { deflateRawSync } from 'node:zlib';
import { aliasedZip, makeZip, overlappingZip, storedZip } from '../../../test/helpers/zip.ts';

const text = (s: string) => new TextEncoder().encode(s);

/** A jar with one pom.properties: the innermost artifact of the archive bombs below. */
export function smallJar(artifactId = 'inner', version = '1.0.0'): Uint8Array {
  return storedZip([
    {
      name: `META-INF/maven/org.example/${artifactId}/pom.properties`,
      data: text(`groupId=org.example\nartifactId=${artifactId}\nversion=${version}\n`),
    },
  ]);
}

/**
 * Nested jars whose central directory lists `fanout` records, all pointing at one stored inner jar,
 * `depth` times over: fanout^depth nested archives for a reader that neither de-duplicates records
 * by offset nor shares one budget across the archive tree.
 */
export function nestedJarBomb(fanout = 2000, depth = 3): Uint8Array {
  let jar = smallJar();
  for (let level = 0; level < depth; level++) {
    const names = Array.from({ length: fanout }, (_, i) => `BOOT-INF/lib/l${level}_${i}.jar`);
    jar = aliasedZip({ data: jar }, names);
  }
  return jar;
}

/**
 * A jar whose `records` pom.properties records all point at one deflated entry that inflates to
 * 1 MiB (just under the old ratio floor), nested `fanout` times in an outer jar: each nested reader
 * started a fresh byte budget, so the outer jar cost fanout x records MiB of inflation.
 */
export function sharedPayloadJar(records = 1000, fanout = 1000): Uint8Array {
  const payload = pomPayload();
  const names = Array.from({ length: records }, (_, i) => `META-INF/maven/g/a${i}/pom.properties`);
  const inner = aliasedZip({ data: payload, deflated: deflateRawSync(payload, { level: 9 }) }, names);
  return aliasedZip(
    { data: inner },
    Array.from({ length: fanout }, (_, i) => `WEB-INF/lib/x${i}.jar`),
  );
}

/**
 * Overlapping entries (David Fifield's construction): `entries` pom.properties records, each
 * quoting the ones after it and ending in one shared 1 MiB payload, so each inflates to ~1 MiB.
 */
export function overlappingJar(entries = 1000): Uint8Array {
  return overlappingZip(
    Array.from({ length: entries }, (_, i) => `META-INF/maven/g/o${i}/pom.properties`),
    pomPayload(),
  );
}

/** 1 MiB of pom.properties: three lines, then spaces (deflates ~1000:1). */
function pomPayload(): Uint8Array {
  const payload = new Uint8Array(1024 * 1024).fill(0x20);
  payload.set(text('groupId=g\nartifactId=a\nversion=1\n'));
  return payload;
}

/**
 * `copies` distinct stored copies (no two records share an offset) of a jar with `records`
 * pom.properties entries, each its own deflated 1 MiB: every entry is under the old 1 MiB ratio
 * floor, and every nested reader had its own 1 GiB budget.
 */
export function smallEntryRatioJar(records = 400, copies = 8): Uint8Array {
  const data = pomPayload();
  const deflated = deflateRawSync(data);
  const inner = makeZip(
    Array.from({ length: records }, (_, i) => ({ name: `META-INF/maven/g/r${i}/pom.properties`, data, deflated })),
  );
  return storedZip(Array.from({ length: copies }, (_, i) => ({ name: `lib/c${i}.jar`, data: inner })));
}

/**
 * An ELF64 whose `sections` section headers all name offset 0 of a `strtabBytes` string table
 * without a NUL: every name read to the end of the table is sections x strtabBytes of strings.
 */
export function elfWithLongSectionNames(sections = 4096, strtabBytes = 4 * 1024 * 1024): Uint8Array {
  const shoff = 64;
  const strtabAt = shoff + sections * 64;
  const b = Buffer.alloc(strtabAt + strtabBytes, 0x41);
  b.fill(0, 0, strtabAt);
  b.set([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1], 0);
  b.writeUInt16LE(2, 16);
  b.writeUInt16LE(62, 18);
  b.writeUInt32LE(1, 20);
  b.writeBigUInt64LE(BigInt(shoff), 0x28);
  b.writeUInt16LE(64, 0x34);
  b.writeUInt16LE(64, 0x3a);
  b.writeUInt16LE(sections, 0x3c);
  b.writeUInt16LE(sections - 1, 0x3e);
  for (let i = 0; i < sections; i++) {
    const at = shoff + i * 64;
    b.writeUInt32LE(1, at + 4);
    b.writeBigUInt64LE(BigInt(strtabAt), at + 24);
    b.writeBigUInt64LE(BigInt(strtabBytes), at + 32);
  }
  b.writeUInt32LE(3, shoff + (sections - 1) * 64 + 4);
  return b;
}

/** Python core metadata 1.x whose indented Description is followed by `blankLines` blank lines. */
export function metadataWithBlankLines(blankLines = 1_000_000): string {
  return `Metadata-Version: 1.1\nName: blank\nVersion: 1.0\nDescription: text\n${'\n'.repeat(blankLines)}        more\nLicense: MIT\n`;
}

/** A dpkg status of `stanzas` installed packages `p0`, `p1`, … (openssl among them). */
export function dpkgStatusOf(stanzas = 200_000): string {
  const parts: string[] = [
    'Package: openssl\nStatus: install ok installed\nVersion: 3.0.15-1~deb12u1\nArchitecture: amd64\n',
  ];
  for (let i = 0; i < stanzas - 1; i++)
    parts.push(`Package: p${i}\nStatus: install ok installed\nVersion: 1.${i}\nArchitecture: amd64\n`);
  return `${parts.join('\n')}\n`;
}

/**
 * `stanzas` stanzas of one package name (different versions, each with a conffile) and its `.list`
 * of `listLines` paths; with `architectures`, each stanza names an architecture of its own.
 */
export function dpkgSharedList(
  stanzas = 5000,
  listLines = 100_000,
  architectures = false,
): { status: string; list: string } {
  const parts: string[] = [];
  for (let i = 0; i < stanzas; i++)
    parts.push(
      `Package: shared\nStatus: install ok installed\nVersion: 1.${i}\nArchitecture: ${architectures ? `arch${i}` : 'amd64'}\nMulti-Arch: same\nConffiles:\n /etc/shared/c${i} 0123456789abcdef0123456789abcdef\n`,
    );
  const list: string[] = [];
  for (let i = 0; i < listLines; i++) list.push(`/usr/share/shared/file-${i}`);
  return { status: `${parts.join('\n')}\n`, list: `${list.join('\n')}\n` };
}

/**
 * package.json files `depth` node_modules deep (`/app/node_modules/d0/node_modules/d1/…`); the
 * deepest declares `dependencies` dependencies, every tenth of them installed at the top.
 */
export function deepNodeModules(depth = 250, dependencies = 100_000): { path: string; content: string }[] {
  const files: { path: string; content: string }[] = [];
  const pj = (name: string, deps: Record<string, string> = {}) =>
    JSON.stringify({ name, version: '1.0.0', dependencies: deps });
  let dir = '/app';
  files.push({ path: '/app/package.json', content: pj('app', { d0: '1' }) });
  for (let i = 0; i < depth; i++) {
    dir = `${dir}/node_modules/d${i}`;
    const deps: Record<string, string> = {};
    if (i + 1 < depth) deps[`d${i + 1}`] = '1';
    else for (let j = 0; j < dependencies; j++) deps[`x${j}`] = '1';
    files.push({ path: `${dir}/package.json`, content: pj(`d${i}`, deps) });
  }
  for (let j = 0; j < dependencies; j += 10)
    files.push({ path: `/app/node_modules/x${j}/package.json`, content: pj(`x${j}`) });
  return files;
}

/**
 * An rpmdb.sqlite whose `Packages` is not a table: a view over a recursive query that never ends
 * (node:sqlite is synchronous, so no timeout interrupts it), or one of the other shapes given.
 */
export function rpmdbSqlite(schema: string): Uint8Array {
  const dir = mkdtempSync(join(tmpdir(), 'sgci-hostile-rpmdb-'));
  try {
    const file = join(dir, 'rpmdb.sqlite');
    const db = new DatabaseSync(file);
    db.exec(schema);
    db.close();
    return readFileSync(file);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export const recursiveView =
  "CREATE VIEW Packages AS WITH RECURSIVE r(hnum, blob) AS (SELECT 1, x'00' UNION ALL SELECT hnum + 1, blob FROM r) SELECT hnum, blob FROM r;";

/**
 * An ELF whose section headers were stripped (so Go's build info is searched for by its magic)
 * and whose 4 MiB body repeats the magic at every unaligned offset it can.
 */
export function elfWithUnalignedGoMagic(bytes = 4 * 1024 * 1024): Uint8Array {
  const magic = Buffer.from('\xff Go buildinf:', 'latin1');
  const b = Buffer.alloc(bytes);
  for (let at = 65; at + magic.length <= bytes; at += 16) magic.copy(b, at);
  b.set([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1], 0);
  b.writeUInt16LE(2, 16);
  return b;
}
