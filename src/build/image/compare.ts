import { createHash } from 'node:crypto';
import { gunzipSync } from 'node:zlib';
import { defaultLimits } from '../../core/index.ts';
import { type TarHeader, TarParser } from '../../oci/layer/index.ts';
import { type LayoutDescriptor, platformManifests, readBlob, readJsonBlob } from './layout-files.ts';

interface LayerEntry {
  readonly header: TarHeader;
  readonly sha256: string;
}

function entries(tar: Buffer, input: string): Map<string, LayerEntry> {
  const out = new Map<string, LayerEntry>();
  let current: TarHeader | undefined;
  let hash = createHash('sha256');
  const parser = new TarParser(
    {
      onEntry(header) {
        current = header;
        hash = createHash('sha256');
        return true;
      },
      onData(data) {
        hash.update(data);
      },
      onEntryEnd() {
        if (current) out.set(current.path, { header: current, sha256: hash.digest('hex') });
      },
    },
    defaultLimits,
    input,
    'layer',
  );
  parser.write(tar);
  parser.end();
  return out;
}

interface ImageManifest {
  readonly config: LayoutDescriptor;
  readonly layers: readonly LayoutDescriptor[];
}

const fields = ['type', 'mode', 'uid', 'gid', 'mtime', 'size', 'linkpath'] as const;

function explainEntries(a: Map<string, LayerEntry>, b: Map<string, LayerEntry>, where: string): string[] {
  const lines: string[] = [];
  for (const path of [...new Set([...a.keys(), ...b.keys()])].sort()) {
    const x = a.get(path);
    const y = b.get(path);
    if (x === undefined || y === undefined) {
      lines.push(`${where} ${path}: only in the ${x ? 'first' : 'second'} build`);
      continue;
    }
    for (const field of fields)
      if (x.header[field] !== y.header[field])
        lines.push(`${where} ${path}: ${field} ${String(x.header[field])} ≠ ${String(y.header[field])}`);
    if (x.sha256 !== y.sha256) lines.push(`${where} ${path}: content sha256 ${x.sha256} ≠ ${y.sha256}`);
  }
  const order = (m: Map<string, LayerEntry>) => [...m.keys()].join('\n');
  if (lines.length === 0 && order(a) !== order(b)) lines.push(`${where}: same entries in a different order`);
  return lines;
}

/**
 * Why two builds of the same inputs differ, one line per file and field: the explanation a failed reproducibility
 * proof prints. Empty when the two layouts name the same digest.
 */
export async function explainLayoutDifference(first: string, second: string): Promise<string[]> {
  const a = await platformManifests(first);
  const b = await platformManifests(second);
  const lines: string[] = [];
  for (const platform of [...new Set([...a.keys(), ...b.keys()])].sort()) {
    const ma = a.get(platform)?.digest;
    const mb = b.get(platform)?.digest;
    if (ma === mb) continue;
    if (ma === undefined || mb === undefined) {
      lines.push(`${platform}: only in the ${ma ? 'first' : 'second'} build`);
      continue;
    }
    const manifestA = await readJsonBlob<ImageManifest>(first, ma);
    const manifestB = await readJsonBlob<ImageManifest>(second, mb);
    if (manifestA.config.digest !== manifestB.config.digest) {
      const ca = await readJsonBlob<Record<string, unknown>>(first, manifestA.config.digest);
      const cb = await readJsonBlob<Record<string, unknown>>(second, manifestB.config.digest);
      for (const key of [...new Set([...Object.keys(ca), ...Object.keys(cb)])].sort())
        if (JSON.stringify(ca[key]) !== JSON.stringify(cb[key])) lines.push(`${platform} config ${key} differs`);
    }
    const count = Math.max(manifestA.layers.length, manifestB.layers.length);
    for (let i = 0; i < count; i++) {
      const la = manifestA.layers[i];
      const lb = manifestB.layers[i];
      if (la?.digest === lb?.digest) continue;
      if (la === undefined || lb === undefined) {
        lines.push(`${platform} layer ${i}: only in the ${la ? 'first' : 'second'} build`);
        continue;
      }
      const ta = gunzipSync(await readBlob(first, la.digest));
      const tb = gunzipSync(await readBlob(second, lb.digest));
      const where = `${platform} layer ${i}`;
      if (ta.equals(tb)) lines.push(`${where}: same tar, different gzip bytes (the zlib of the two runs differs)`);
      else {
        const explained = explainEntries(entries(ta, `${first} ${where}`), entries(tb, `${second} ${where}`), where);
        if (explained.length === 0) lines.push(`${where}: tar bytes differ outside any entry`);
        for (const line of explained) lines.push(line);
      }
    }
    if (lines.length === 0) lines.push(`${platform}: manifests differ (annotations)`);
  }
  return lines;
}
