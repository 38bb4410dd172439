/**
 * CLI lookups against the advisory database, whole processes as a user meets them: `sgci db status` and
 * `sgci vulns` of the node-app fixture, each on the 27 npm advisories of the corpus (issue 17's case) and on a
 * real set for scale (all of the corpus's OSV data plus generated records up to 200,000), beside the goals
 * (db status ≤ 0.15 s and ≤ 80 MiB, vulns ≤ 0.4 s and ≤ 150 MiB) and Node's own start-up as the floor. Also
 * the start-up goal of `sgci sbom` of distroless-static (≤ 0.15 s; issue 17 item 4), `sgci vulns` of the
 * compressed node-app archive (its layers gunzipped too), `sgci scan` of node-app, whose matching runs in
 * process, and what `db update --index` costs to install the large set as one signed file. Least wall time and
 * least CPU time (user+system, the figure a loaded machine disturbs least) of N runs; peak RSS is the largest of
 * the runs; beside them the modules each command loads (one more run with the start-up test's hook).
 *
 * Run alone: node_modules/.bin/node bench/db.ts [--runs N] [records]
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { generateP256, LocalSigner, publicKeyPem } from '../src/attest/index.ts';
import { openStore } from '../src/store/index.ts';
import { signIndex } from '../src/vuln/index.ts';
import { corpusDir, fixture, fixturesMissing } from '../test/helpers/fixtures.ts';
import { buildAdvisoryHome } from './lib/advisories.ts';
import { benchArguments, layerBlobs } from './lib/fixtures.ts';
import { headline, quick, skipped } from './lib/headline.ts';
import { runTimed } from './lib/measure.ts';
import { fmt, table } from './lib/report.ts';

const repo = resolve(import.meta.dirname, '..');
const sgci = join(repo, 'bin', 'sgci.js');
const args = process.argv.slice(2);
const { runs } = benchArguments(args);
const records = Number(args.find((a, i) => /^\d+$/.test(a) && args[i - 1] !== '--runs') ?? (quick ? 20_000 : 200_000));

interface Figure {
  readonly seconds: number;
  readonly cpuSeconds: number;
  readonly rssMiB: number;
  /** Modules the process loaded (its own and its packages'; Node's built-ins not counted): start-up's price. */
  readonly modules?: number;
}

/** Lists every module a child loads (the start-up test's hook), for the count beside the times. */
const moduleHook = join(repo, 'test', 'helpers', 'loaded-modules.ts');

/** How many modules one more run of the command loads (a separate run: the hook's own cost is not timed). */
function modulesLoaded(command: string, commandArgs: readonly string[], env: NodeJS.ProcessEnv, list: string): number {
  const r = runTimed(command, commandArgs, {
    env: { ...env, NODE_OPTIONS: `--import=${JSON.stringify(moduleHook)}`, SGCI_TEST_LOADED_MODULES: list },
    stdout: 'ignore',
  });
  if (r.status !== 0 && r.status !== 1) throw new Error(`${commandArgs.join(' ')} failed: ${r.stderr}`);
  const loaded = readFileSync(list, 'utf8').split('\n');
  rmSync(list, { force: true });
  return loaded.filter((url) => url.startsWith('file:') && url !== pathToFileURL(moduleHook).href).length;
}

/**
 * The least wall time and the least CPU time of `runs` runs of one command (each the figure least disturbed by
 * other load, which may come from different runs), with the largest peak RSS of any run.
 */
function measure(command: string, commandArgs: readonly string[], env: NodeJS.ProcessEnv, isSgci = true): Figure {
  const all: Figure[] = [];
  for (let i = 0; i < runs; i++) {
    const r = runTimed(command, commandArgs, { env, stdout: 'ignore' });
    // 1 is a failed --fail-on gate or scan gate: a normal outcome; 2 is an error
    if (r.status !== 0 && r.status !== 1) throw new Error(`${commandArgs.join(' ')} failed: ${r.stderr}`);
    all.push({ seconds: r.wallSeconds, cpuSeconds: r.cpuSeconds, rssMiB: r.rssMiB });
  }
  const least = (of: (f: Figure) => number) => all.reduce((m, f) => Math.min(m, of(f)), Infinity);
  return {
    seconds: least((f) => f.seconds),
    cpuSeconds: least((f) => f.cpuSeconds),
    rssMiB: all.reduce((m, f) => Math.max(m, f.rssMiB), 0),
    ...(isSgci
      ? {
          modules: modulesLoaded(command, commandArgs, env, join(tmpdir(), `sgci-bench-db-modules-${process.pid}.txt`)),
        }
      : {}),
  };
}

function environment(home: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, SGCI_HOME: home, NO_COLOR: '1' };
  delete env.DATABASE_URL;
  return env;
}

/**
 * A goal of issue 17: wall seconds, or a ratio to a floor measured beside it (a command that must inflate layers is
 * held to the scan's goal against `gzip -dc` of them), and peak RSS where it names one.
 */
type Goal =
  | { readonly seconds: number; readonly rssMiB?: number }
  | {
      readonly ratio: number;
      readonly floor: { readonly name: string; readonly figure: Figure };
      readonly rssMiB?: number;
    };

/** Node's own start-up, the floor every figure with a goal in seconds is shown beside. */
let nodeStartup: Figure | undefined;

function row(what: string, database: string, f: Figure, goal?: Goal): string[] {
  const reference =
    goal && 'ratio' in goal
      ? { name: goal.floor.name, value: goal.floor.figure.seconds, rssMiB: goal.floor.figure.rssMiB }
      : nodeStartup
        ? { name: 'node -e 0', value: nodeStartup.seconds, rssMiB: nodeStartup.rssMiB }
        : undefined;
  if (goal)
    headline({
      what: `${what}${database === '-' ? '' : `, ${database} advisories`}`,
      value: f.seconds,
      unit: 's',
      ...(reference ? { reference } : {}),
      target:
        'ratio' in goal
          ? { on: 'ratio', direction: '<=', limit: goal.ratio, source: '#17' }
          : { on: 'value', direction: '<=', limit: goal.seconds, source: '#17' },
      rssMiB: { sgci: f.rssMiB },
      ...(goal.rssMiB === undefined ? {} : { rssLimitMiB: goal.rssMiB }),
    });
  const timeMet =
    goal && ('ratio' in goal ? f.seconds <= goal.ratio * goal.floor.figure.seconds : f.seconds <= goal.seconds);
  const met = goal ? (timeMet && f.rssMiB <= (goal.rssMiB ?? Infinity) ? 'met' : 'NOT met') : '';
  const time = goal
    ? 'ratio' in goal
      ? `≤ ${fmt(goal.ratio)}x ${goal.floor.name} (${fmt(goal.floor.figure.seconds)} s)`
      : `≤ ${fmt(goal.seconds)} s`
    : '';
  return [
    what,
    database,
    fmt(f.seconds),
    fmt(f.cpuSeconds),
    fmt(f.rssMiB, 0),
    f.modules === undefined ? '' : String(f.modules),
    goal ? `${time}${goal.rssMiB === undefined ? '' : `, ≤ ${goal.rssMiB} MiB`}` : '',
    met,
  ];
}

async function main(): Promise<void> {
  const missing = fixturesMissing();
  if (missing) {
    skipped(missing);
    return;
  }
  const work = mkdtempSync(join(tmpdir(), 'sgci-bench-db-'));
  try {
    const small = join(work, 'small');
    const large = join(work, 'large');
    const image = `docker-archive:${fixture('node-app').dockerArchive}`;
    const node = process.execPath;
    const imported = runTimed(node, [sgci, 'db', 'import', join(corpusDir(), 'osv', 'npm')], {
      env: environment(small),
    });
    if (imported.status !== 0) throw new Error(`db import failed: ${imported.stderr}`);
    const started = performance.now();
    const total = await buildAdvisoryHome(large, records);
    const buildSeconds = (performance.now() - started) / 1000;
    const smallName = '27 (npm)';
    const largeName = total.toLocaleString('en');

    nodeStartup = measure(node, ['-e', '0'], environment(small));
    const rows = [
      row('node -e 0 (floor: Node start-up)', '-', nodeStartup),
      row('sgci --version (floor: sgci start-up)', '-', measure(node, [sgci, '--version'], environment(small))),
    ];
    const statusGoal = { seconds: 0.15, rssMiB: 80 };
    const vulnsGoal = { seconds: 0.4, rssMiB: 150 };
    for (const [name, home] of [
      [smallName, small],
      [largeName, large],
    ] as const) {
      rows.push(row('sgci db status', name, measure(node, [sgci, 'db', 'status'], environment(home)), statusGoal));
      rows.push(row('sgci vulns node-app', name, measure(node, [sgci, 'vulns', image], environment(home)), vulnsGoal));
    }
    rows.push(
      row(
        'sgci vulns node-app (oci-archive: + gunzip)',
        smallName,
        measure(node, [sgci, 'vulns', `oci-archive:${fixture('node-app').ociArchive}`], environment(small)),
        // its layers are gzipped (the docker archive's are not): the goal of a command that inflates them
        {
          ratio: 1.3,
          rssMiB: vulnsGoal.rssMiB,
          floor: {
            name: 'gzip -dc',
            figure: measure(
              'sh',
              ['-c', 'for f in "$@"; do gzip -dc "$f"; done > /dev/null', 'floor', ...layerBlobs('node-app')],
              process.env,
              false,
            ),
          },
        },
      ),
      row(
        'sgci sbom distroless-static (oci-archive:)',
        '-',
        measure(node, [sgci, 'sbom', `oci-archive:${fixture('distroless-static').ociArchive}`], environment(small)),
        { seconds: 0.15 },
      ),
    );
    const out = join(work, 'scan-out');
    rows.push(
      row(
        'sgci scan node-app (matching in process)',
        largeName,
        measure(node, [sgci, 'scan', image, '--out', out], environment(large)),
      ),
    );

    // the large set as one signed file, installed where nothing was fetched before
    const indexFile = join(work, 'index', 'sgci.db');
    const key = generateP256();
    const exportStarted = performance.now();
    {
      await using store = await openStore({ dataDir: join(large, 'db'), readOnly: true });
      await store.exportIndex(indexFile);
    }
    await signIndex(indexFile, new LocalSigner(key.privateKey, key.publicKey, 'bench key'));
    const exportSeconds = (performance.now() - exportStarted) / 1000;
    const pub = join(work, 'index.pub');
    writeFileSync(pub, publicKeyPem(key.publicKey));
    const install = runTimed(node, [sgci, 'db', 'update', '--index', indexFile, '--key', pub], {
      env: environment(join(work, 'site')),
    });
    if (install.status !== 0) throw new Error(`db update --index failed: ${install.stderr}`);
    rows.push(
      row('sgci db update --index (install, 1 run)', largeName, {
        seconds: install.wallSeconds,
        cpuSeconds: install.cpuSeconds,
        rssMiB: install.rssMiB,
      }),
    );

    const header = ['command (whole process)', 'advisories', 'wall s', 'CPU s', 'peak RSS MiB', 'modules', 'goal', ''];
    process.stdout.write(
      `${table(header, rows, 'end')}\n` +
        `least wall and least CPU time of ${runs} runs, peak RSS the largest of them; load average ${loadavg()
          .map((l) => l.toFixed(1))
          .join(' ')} on ${cpus().length} cores\n` +
        `building the ${largeName}-advisory database: ${fmt(buildSeconds, 1)} s; exporting and signing it as one ` +
        `index file: ${fmt(exportSeconds, 1)} s\n` +
        'issue 17 before (PGlite): db status 1.4 s, 675 MiB; vulns node-app 2.0 s, 632 MiB; sbom distroless 0.24 s\n' +
        'before the compiled lookups (kysely on SQLite, 200,000 advisories): db status 0.17 s, CPU 0.16 s, 78 MiB, ' +
        '314 modules; vulns node-app 0.60 s, CPU 0.59 s, 117 MiB, 563 modules; sbom distroless 0.36 s, CPU 0.31 s, ' +
        '306 modules\n',
    );
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

await main();
