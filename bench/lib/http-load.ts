/**
 * A closed-loop HTTP load: `connections` clients on keep-alive connections send `requests` GETs in all and each
 * latency is kept, so p50 and p95 are exact (not read off a histogram's buckets).
 */
import { Pool } from 'undici';

export interface LoadFigures {
  readonly p50Ms: number;
  readonly p95Ms: number;
  readonly requestsPerSecond: number;
  readonly bytes: number;
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}

export async function load(url: string, options: { connections: number; requests: number }): Promise<LoadFigures> {
  const target = new URL(url);
  const pool = new Pool(target.origin, { connections: options.connections });
  const latencies: number[] = [];
  let bytes = 0;
  let sent = 0;
  const client = async () => {
    while (sent < options.requests) {
      sent++;
      const started = process.hrtime.bigint();
      const response = await pool.request({ path: `${target.pathname}${target.search}`, method: 'GET' });
      const body = await response.body.arrayBuffer();
      latencies.push(Number(process.hrtime.bigint() - started) / 1e6);
      if (response.statusCode !== 200) throw new Error(`${url}: HTTP ${response.statusCode}`);
      bytes = body.byteLength;
    }
  };
  const started = process.hrtime.bigint();
  await Promise.all(Array.from({ length: options.connections }, client));
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  await pool.close();
  latencies.sort((a, b) => a - b);
  return {
    p50Ms: percentile(latencies, 50),
    p95Ms: percentile(latencies, 95),
    requestsPerSecond: latencies.length / seconds,
    bytes,
  };
}
