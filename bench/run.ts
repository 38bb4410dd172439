/**
 * `npm run bench`: every capability's benchmark, one after the other (they compete for the same two cores
 * otherwise). Each prints its own tables of sgci against the peer and the floor with ratios and records its
 * headline figures (bench/lib/headline.ts); at the end one table shows every headline figure beside its floor or
 * peer and its target with PASS or MISS, a crashed or skipped benchmark as ERROR or SKIPPED, and the machine's
 * facts. The table is written as Markdown and JSON to `--out DIR` (default `.bench-out/`, ignored by git).
 *
 *   npm run bench [-- [--quick] [--out DIR] [NAME ...]]
 *
 * `--quick`: one run per figure and smaller synthetic sets, a smoke run. NAMEs run a subset (`fs sbom`).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { arch, cpus, loadavg, release, tmpdir, totalmem, type } from 'node:os';
import { join, resolve } from 'node:path';
import { quickVariable, summaryFileVariable } from './lib/headline.ts';
import {
  type BenchOutcome,
  type MachineFacts,
  readSummaryLines,
  rowsOf,
  summaryJson,
  summaryMarkdown,
  summaryText,
} from './lib/summary.ts';

const repo = resolve(import.meta.dirname, '..');
const args = process.argv.slice(2);
const quick = args.includes('--quick');
const outAt = args.indexOf('--out');
const outDir = resolve(outAt >= 0 ? (args[outAt + 1] ?? '') : join(repo, '.bench-out'));
const only = new Set(args.filter((a, i) => !a.startsWith('--') && args[i - 1] !== '--out'));

const available = readdirSync(import.meta.dirname)
  .filter((name) => name.endsWith('.ts') && name !== 'run.ts' && !name.endsWith('.test.ts'))
  .map((name) => name.slice(0, -'.ts'.length))
  .sort();
const unknown = [...only].filter((name) => !available.includes(name));
if (unknown.length > 0 || (outAt >= 0 && !args[outAt + 1])) {
  process.stderr.write(
    `${unknown.length > 0 ? `no benchmark ${unknown.join(', ')}` : '--out needs a directory'}; ` +
      `benchmarks: ${available.join(', ')}\n`,
  );
  process.exit(2);
}
const benches = available.filter((name) => only.size === 0 || only.has(name));

function commit(): string {
  try {
    const head = execFileSync('git', ['-C', repo, 'rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['-C', repo, 'status', '--porcelain', '--', 'src', 'bench', 'bin'], {
      encoding: 'utf8',
    }).trim();
    return dirty ? `${head} with uncommitted changes` : head;
  } catch {
    return 'unknown (not a git checkout)';
  }
}

const startedAt = new Date();
const loadAtStart = loadavg();
const summaries = mkdtempSync(join(tmpdir(), 'sgci-bench-summary-'));
const outcomes: BenchOutcome[] = [];
try {
  for (const name of benches) {
    process.stdout.write(`\n=== bench ${name}\n`);
    const file = join(summaries, `${name}.jsonl`);
    const started = performance.now();
    const result = spawnSync(process.execPath, [join(import.meta.dirname, `${name}.ts`)], {
      stdio: 'inherit',
      env: { ...process.env, [summaryFileVariable]: file, [quickVariable]: quick ? '1' : '0' },
    });
    const seconds = (performance.now() - started) / 1000;
    const exit = result.status ?? result.signal ?? 'unknown';
    if (exit !== 0) process.stdout.write(`bench ${name} failed with exit ${exit}\n`);
    process.stdout.write(`bench ${name}: ${seconds.toFixed(0)} s\n`);
    outcomes.push({ name, exit, seconds, lines: readSummaryLines(file) });
  }
} finally {
  rmSync(summaries, { recursive: true, force: true });
}

const cpu = cpus();
const machine: MachineFacts = {
  startedAt: startedAt.toISOString(),
  seconds: (Date.now() - startedAt.getTime()) / 1000,
  cores: cpu.length,
  cpu: cpu[0]?.model.trim() ?? 'unknown',
  memoryGiB: totalmem() / 2 ** 30,
  loadAtStart,
  loadAtEnd: loadavg(),
  node: process.version,
  os: `${type()} ${release()} ${arch()}`,
  commit: commit(),
  quick,
};
const rows = outcomes.flatMap(rowsOf);
process.stdout.write(`\n=== summary\n${summaryText(rows, machine, outcomes)}`);
mkdirSync(outDir, { recursive: true });
writeFileSync(join(outDir, 'bench-summary.md'), summaryMarkdown(rows, machine, outcomes));
writeFileSync(join(outDir, 'bench-summary.json'), `${JSON.stringify(summaryJson(rows, machine, outcomes), null, 2)}\n`);
process.stdout.write(`written: ${join(outDir, 'bench-summary.md')}, ${join(outDir, 'bench-summary.json')}\n`);
process.exitCode = outcomes.some((o) => o.exit !== 0) ? 1 : 0;
