import { SgciError } from '../core/index.ts';

const units: Record<string, number> = {
  '': 1,
  b: 1,
  k: 1024,
  kb: 1000,
  kib: 1024,
  m: 1024 ** 2,
  mb: 1000 ** 2,
  mib: 1024 ** 2,
  g: 1024 ** 3,
  gb: 1000 ** 3,
  gib: 1024 ** 3,
  t: 1024 ** 4,
  tb: 1000 ** 4,
  tib: 1024 ** 4,
};

/** `500M`, `2GiB`, `1.5g`, `1000000`: binary for bare letters and IEC units, decimal for kB/MB/GB. */
export function parseSize(text: string, input = text): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*([a-zA-Z]*)\s*$/.exec(text);
  const factor = match ? units[(match[2] ?? '').toLowerCase()] : undefined;
  if (!match || factor === undefined) {
    throw new SgciError('USAGE', input, 'not a size: use bytes or a number with K, M, G, T (e.g. 500M, 10GiB)');
  }
  return Math.floor(Number(match[1]) * factor);
}

export function formatSize(bytes: number): string {
  const steps = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let step = 0;
  while (value >= 1024 && step < steps.length - 1) {
    value /= 1024;
    step++;
  }
  return step === 0 ? `${bytes} B` : `${value.toFixed(1)} ${steps[step]}`;
}

/** The cache's size limit: SGCI_CACHE_MAX_SIZE, else 10 GiB. */
export function defaultCacheMaxBytes(env: NodeJS.ProcessEnv = process.env): number {
  const configured = env.SGCI_CACHE_MAX_SIZE;
  return configured ? parseSize(configured, 'SGCI_CACHE_MAX_SIZE') : 10 * 1024 ** 3;
}
