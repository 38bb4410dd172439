/**
 * `sgci scan` (SBOM + secrets + file digests + every check + the five reports, one pass over the layers) on
 * each fixture image beside the floor: gzip -dc of the image's compressed layers, the least work any tool
 * reading the image must do. Target: at most 2x the floor. No peer does the same job (Dockle runs ~20 CIS
 * checks without SBOM or evidence), so none is run. The advisory database is left empty (SGCI_HOME in a temp
 * dir): matching is measured by bench/vulns; here the report says "no advisory database".
 *
 * Run alone: node_modules/.bin/node bench/scan.ts [--runs N] [fixture ...]
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { type FixtureName, fixture, fixtureNames, fixturesMissing } from '../test/helpers/fixtures.ts';

const repo = resolve(import.meta.dirname, '..');

interface Run {
  readonly seconds: number;
  readonly rssMb: number;
  readonly status: number | null;
}

/** Wall time and peak RSS of a child process, as GNU time measures them. */
function measure(command: string, args: readonly string[], env: NodeJS.ProcessEnv = process.env): Run {
  const r = spawnSync('/usr/bin/time', ['-f', '%e %M', command, ...args], {
    encoding: 'utf8',
    env,
    stdio: ['ignore', 'ignore', 'pipe'],
    maxBuffer: 1 << 26,
  });
  const [seconds = 'NaN', kb = 'NaN'] = (r.stderr.trim().split('\n').pop() ?? '').split(' ');
  return { seconds: Number(seconds), rssMb: Number(kb) / 1024, status: r.status };
}

function layerBlobs(name: FixtureName): string[] {
  const dir = fixture(name).ociDir;
  const index = JSON.parse(readFileSync(join(dir, 'index.json'), 'utf8'));
  const blob = (digest: string) => join(dir, 'blobs', ...digest.split(':'));
  const manifest = JSON.parse(readFileSync(blob(index.manifests[0].digest), 'utf8'));
  return manifest.layers.map((l: { digest: string }) => blob(l.digest));
}

function best(runs: readonly Run[]): Run {
  return [...runs].sort((a, b) => a.seconds - b.seconds)[0] ?? { seconds: Number.NaN, rssMb: Number.NaN, status: null };
}

const fmt = (n: number, digits = 2) => (Number.isFinite(n) ? n.toFixed(digits) : '-');

function main(): void {
  const missing = fixturesMissing();
  if (missing) {
    process.stdout.write(`bench scan skipped: ${missing}\n`);
    return;
  }
  const args = process.argv.slice(2);
  const runsAt = args.indexOf('--runs');
  const runs = runsAt >= 0 ? Math.max(1, Number(args[runsAt + 1])) : 3;
  const names = args.filter((a, i) => a !== '--runs' && i !== runsAt + 1) as FixtureName[];
  const selected = names.length ? names : [...fixtureNames];
  const home = mkdtempSync(join(tmpdir(), 'sgci-bench-scan-'));
  const rows: string[][] = [];
  try {
    for (const name of selected) {
      const out = join(home, name);
      const env = { ...process.env, SGCI_HOME: home, NO_COLOR: '1' };
      const scans: Run[] = [];
      const floors: Run[] = [];
      for (let i = 0; i < runs; i++) {
        scans.push(
          measure(
            process.execPath,
            [join(repo, 'bin', 'sgci.js'), 'scan', `oci-dir:${fixture(name).ociDir}`, '--out', out],
            env,
          ),
        );
        floors.push(
          measure('/bin/sh', ['-c', 'for f in "$@"; do gzip -dc "$f" > /dev/null; done', 'floor', ...layerBlobs(name)]),
        );
      }
      const scan = best(scans);
      const floor = best(floors);
      // exit 1 (gate failed) is a normal outcome of a scan; 2 is an error
      const ok = scans.every((s) => s.status === 0 || s.status === 1);
      rows.push([
        name,
        fmt(scan.seconds),
        fmt(floor.seconds),
        fmt(scan.seconds / floor.seconds, 1),
        fmt(scan.rssMb, 0),
        ok ? 'ok' : 'ERROR',
      ]);
    }
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
  const header = ['fixture', 'sgci scan s', 'floor s', 'ratio', 'sgci RSS MiB', 'status'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) => cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ');
  process.stdout.write(`best of ${runs} runs; target ratio <= 2.0\n${[line(header), ...rows.map(line)].join('\n')}\n`);
  if (rows.some((r) => r[5] !== 'ok')) process.exitCode = 1;
}

main();
