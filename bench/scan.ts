/**
 * `sgci scan` (SBOM + secrets + file digests + every check + the five reports, one pass over the layers) on
 * each fixture image beside the floor: gzip -dc of the image's compressed layers, the least work any tool
 * reading the image must do. Target: at most 2x the floor. No peer does the same job (Dockle runs ~20 CIS
 * checks without SBOM or evidence), so none is run. The advisory database is left empty (SGCI_HOME in a temp
 * dir): matching is measured by bench/vulns; here the report says "no advisory database".
 *
 * Run alone: node_modules/.bin/node bench/scan.ts [--runs N] [fixture ...]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fixture, fixturesMissing } from '../test/helpers/fixtures.ts';
import { benchArguments, layerBlobs } from './lib/fixtures.ts';
import { headline, skipped } from './lib/headline.ts';
import { fastestRun, runTimed } from './lib/measure.ts';
import { fmt, table } from './lib/report.ts';

const repo = resolve(import.meta.dirname, '..');

interface Run {
  readonly seconds: number;
  readonly rssMb: number;
  readonly status: number | null;
}

/** Wall time and peak RSS of a child process, as GNU time measures them. */
function measure(command: string, args: readonly string[], env: NodeJS.ProcessEnv = process.env): Run {
  const r = runTimed(command, args, { env, stdout: 'ignore' });
  return { seconds: r.elapsedSeconds, rssMb: r.rssMiB, status: r.status };
}

function main(): void {
  const missing = fixturesMissing();
  if (missing) {
    process.stdout.write(`bench scan skipped: ${missing}\n`);
    skipped(missing);
    return;
  }
  const { runs, fixtures: selected } = benchArguments(process.argv.slice(2));
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
      const scan = fastestRun(scans);
      const floor = fastestRun(floors);
      // exit 1 (gate failed) is a normal outcome of a scan; 2 is an error
      const ok = scans.every((s) => s.status === 0 || s.status === 1);
      headline({
        what: `sgci scan ${name}`,
        value: ok ? scan.seconds : Number.NaN,
        unit: 's',
        reference: { name: 'gzip -dc', value: floor.seconds, rssMiB: floor.rssMb },
        target: { on: 'ratio', direction: '<=', limit: 1.3, source: '#17' },
        rssMiB: { sgci: scan.rssMb },
        rssLimitMiB: 200,
      });
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
  process.stdout.write(`best of ${runs} runs; target ratio <= 2.0\n${table(header, rows, 'end')}\n`);
  if (rows.some((r) => r[5] !== 'ok')) process.exitCode = 1;
}

main();
