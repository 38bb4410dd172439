/**
 * Copies of a fixture's OCI layout that differ only in one config label: a new config and manifest digest each
 * (a new version to submit and scan in full), the same layer blobs.
 */
import { createHash } from 'node:crypto';
import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

function writeBlob(dir: string, bytes: Buffer): { digest: string; size: number } {
  const hex = createHash('sha256').update(bytes).digest('hex');
  writeFileSync(join(dir, 'blobs', 'sha256', hex), bytes);
  return { digest: `sha256:${hex}`, size: bytes.length };
}

export function layoutVariant(source: string, target: string, label: string): string {
  mkdirSync(target, { recursive: true });
  cpSync(source, target, { recursive: true });
  const blob = (digest: string) => join(target, 'blobs', ...digest.split(':'));
  const index = JSON.parse(readFileSync(join(target, 'index.json'), 'utf8'));
  const descriptor = index.manifests[0];
  const manifest = JSON.parse(readFileSync(blob(descriptor.digest), 'utf8'));
  const config = JSON.parse(readFileSync(blob(manifest.config.digest), 'utf8'));
  config.config = { ...config.config, Labels: { ...config.config?.Labels, 'bench.variant': label } };
  const newConfig = writeBlob(target, Buffer.from(JSON.stringify(config)));
  manifest.config = { ...manifest.config, ...newConfig };
  const newManifest = writeBlob(target, Buffer.from(JSON.stringify(manifest)));
  index.manifests = [{ ...descriptor, ...newManifest }];
  writeFileSync(join(target, 'index.json'), JSON.stringify(index));
  return newManifest.digest;
}
