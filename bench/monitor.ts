/**
 * `sgci monitor run` over 1,000 watched tags on the real docker-registry on loopback, every tag unchanged since the
 * previous round (the steady state: one HEAD per tag, one statement moving `last_seen` for all of them), beside the
 * floor: the same 1,000 bare HEAD requests with curl's parallel mode (`curl --parallel --parallel-max 50`).
 * Both run as their own process under GNU time; sgci runs the CLI as a user does (start-up, SQLite store, JSON out)
 * with `--concurrency 50`, curl's default parallelism, and its default scanning on (a round of unchanged tags loads no
 * scan pipeline); the round's own duration (from its JSON) is shown beside the
 * whole process. Target: within 1.5x of the floor.
 * Peer: there is no tool that keeps such a ledger (Docker Tag Monitor is a hosted service), so no peer column.
 * Run alone: `node_modules/.bin/node bench/monitor.ts`.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { systemClock, withLimits } from '../src/core/index.ts';
import { runRound, watchKeyOf } from '../src/monitor/index.ts';
import { mediaTypes } from '../src/oci/image/index.ts';
import { manifestAcceptTypes, RegistryClient } from '../src/oci/registry/index.ts';
import { openStore } from '../src/store/index.ts';
import { fixture, fixturesMissing } from '../test/helpers/fixtures.ts';
import { startRegistry } from '../test/helpers/registry.ts';
import { headline, quick, skipped } from './lib/headline.ts';
import { fastestRun, runTimed } from './lib/measure.ts';
import { fmt, table } from './lib/report.ts';

const tags = quick ? 200 : 1000;
const parallel = 50;
const runs = quick ? 1 : 3;
const bin = resolve(import.meta.dirname, '..', 'bin', 'sgci.js');

async function main(): Promise<void> {
  const skip = fixturesMissing();
  if (skip) {
    skipped(skip);
    return;
  }
  const registry = await startRegistry({ auth: 'none' });
  const work = mkdtempSync(join(tmpdir(), 'sgci-bench-monitor-'));
  try {
    await registry.push(fixture('distroless-static').ociDir, 'bench/base:seed');
    const manifest = await fetch(`${registry.url}/v2/bench/base/manifests/seed`, {
      headers: { accept: mediaTypes.ociManifest },
    });
    const bytes = new Uint8Array(await manifest.arrayBuffer());
    const contentType = manifest.headers.get('content-type') ?? mediaTypes.ociManifest;
    const names = Array.from({ length: tags }, (_, i) => `t${String(i).padStart(4, '0')}`);
    for (let i = 0; i < names.length; i += parallel) {
      await Promise.all(
        names.slice(i, i + parallel).map(async (name) => {
          const put = await fetch(`${registry.url}/v2/bench/base/manifests/${name}`, {
            method: 'PUT',
            headers: { 'content-type': contentType },
            body: bytes,
          });
          if (put.status !== 201) throw new Error(`PUT ${name}: ${put.status}`);
        }),
      );
    }

    // the watches and their first round (each tag's first digest described), outside the measurement
    const home = join(work, 'home');
    const limits = withLimits();
    const seedStore = await openStore({ dataDir: join(home, 'db'), databaseUrl: '' });
    const clock = systemClock();
    for (const name of names) {
      await seedStore.monitor.addWatch(watchKeyOf(`${registry.host}/bench/base:${name}`), 3600, clock());
    }
    const seeded = await runRound(
      {
        monitor: seedStore.monitor,
        clock,
        limits,
        openClient: (onResponse) => new RegistryClient({ limits, retry: { attempts: 1 }, onResponse }),
      },
      { all: true, concurrency: parallel },
    );
    await seedStore.close();
    if (seeded.changes.length !== tags) throw new Error(`seed round saw ${seeded.changes.length} tags`);

    const env = { ...process.env, SGCI_HOME: home, DATABASE_URL: '', XDG_CACHE_HOME: join(work, 'cache') };
    const sgciRuns = Array.from({ length: runs }, () => {
      const run = runTimed(
        process.execPath,
        [bin, 'monitor', 'run', '--all', '--concurrency', String(parallel), '-o', 'json'],
        { env },
      );
      if (run.status !== 0) throw new Error(`sgci monitor run failed: ${run.stderr}`);
      const result = JSON.parse(run.stdout) as { unchanged: number; requests: number; durationMs: number };
      if (result.unchanged !== tags) throw new Error(`round saw ${result.unchanged} unchanged tags, not ${tags}`);
      return {
        seconds: run.wallSeconds,
        rssMb: run.rssMiB,
        requests: result.requests,
        roundSeconds: result.durationMs / 1000,
        cpuSeconds: run.cpuSeconds,
      };
    });

    const config = join(work, 'curl.conf');
    writeFileSync(
      config,
      names.map((name) => `url = "${registry.url}/v2/bench/base/manifests/${name}"\noutput = "/dev/null"\n`).join(''),
    );
    const curlRuns = Array.from({ length: runs }, () => {
      const run = runTimed('curl', [
        '--parallel',
        '--parallel-max',
        String(parallel),
        '--silent',
        '--fail',
        '--head',
        '--header',
        `Accept: ${manifestAcceptTypes.join(', ')}`,
        '--config',
        config,
      ]);
      if (run.status !== 0) throw new Error(`curl failed: ${run.stderr}`);
      return {
        seconds: run.wallSeconds,
        rssMb: run.rssMiB,
        requests: tags,
        roundSeconds: run.wallSeconds,
        cpuSeconds: run.cpuSeconds,
      };
    });

    const sgci = fastestRun(sgciRuns);
    const floor = fastestRun(curlRuns);
    // CPU time is what a loaded machine disturbs least: the least of the runs, each process's own
    const leastCpu = (runs: readonly { cpuSeconds: number }[]) =>
      runs.reduce((least, r) => Math.min(least, r.cpuSeconds), Number.POSITIVE_INFINITY);
    const reference = { name: 'curl --parallel', value: floor.seconds, rssMiB: floor.rssMb };
    const target = { on: 'ratio', direction: '<=', limit: 1.5, source: '#15' } as const;
    headline({
      what: `sgci monitor run, ${tags} unchanged tags (whole process)`,
      value: sgci.seconds,
      unit: 's',
      reference,
      target,
      rssMiB: { sgci: sgci.rssMb },
    });
    headline({
      what: `sgci monitor run, ${tags} unchanged tags (the round alone)`,
      value: sgci.roundSeconds,
      unit: 's',
      reference,
      target,
      rssMiB: { sgci: sgci.rssMb },
    });
    process.stdout.write(
      `monitor round over ${tags} unchanged tags on a loopback docker-registry, fastest of ${runs}, ${parallel} in parallel\n`,
    );
    process.stdout.write(
      table(
        ['', 'requests', 'seconds', 'round s', 'CPU s', 'peak RSS MiB', 'x floor (s)', 'x floor (round)'],
        [
          [
            'sgci monitor run',
            String(sgci.requests),
            fmt(sgci.seconds),
            fmt(sgci.roundSeconds),
            fmt(leastCpu(sgciRuns)),
            fmt(sgci.rssMb, 0),
            fmt(sgci.seconds / floor.seconds),
            fmt(sgci.roundSeconds / floor.seconds),
          ],
          [
            'floor: curl --parallel HEAD',
            String(floor.requests),
            fmt(floor.seconds),
            fmt(floor.seconds),
            fmt(leastCpu(curlRuns)),
            fmt(floor.rssMb, 0),
            '1.00',
            '1.00',
          ],
        ],
        'start',
      ),
    );
    process.stdout.write('\n');
    process.stdout.write(
      '`seconds`: the whole process (Node start-up, module loading, store, round); `round s`: the round alone, as\n' +
        'the command reports it (the part a long-running `sgci serve` pays per round); `CPU s`: user + system time\n' +
        'of the process, least of the runs\n',
    );
    process.stdout.write(
      `load average (1, 5, 15 min) at the end: ${loadavg()
        .map((l) => fmt(l))
        .join(', ')}\n`,
    );
    process.stdout.write(
      `target: within 1.5x of the floor: whole process ${sgci.seconds / floor.seconds <= 1.5 ? 'met' : 'NOT met'}, round ${sgci.roundSeconds / floor.seconds <= 1.5 ? 'met' : 'NOT met'}\n`,
    );
  } finally {
    await registry.stop();
    rmSync(work, { recursive: true, force: true });
  }
}

await main();
