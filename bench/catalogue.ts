/**
 * The catalogue server under load (issue #13 item 10), side by side in one run:
 * - the API at 10,000 admitted versions (2,000 images × 5, rows from the fixtures' real scans): p50/p95 and
 *   requests/s of `GET /api/v1/images`, two searches and an image page, against a plain node:http server returning
 *   a static JSON body of the same size (the floor), with the ratio (targets: within 3× of the floor; search
 *   p95 under 50 ms), each as the public reads it (the response cache answers) and cold (`Cache-Control: no-cache`:
 *   every request computed from the database); and the same for the pages (catalogue, search, filter, image page;
 *   target p95 under 50 ms);
 * - submissions per minute with one `sgci worker` and with two, each scanning digests it has never seen.
 * The server and the workers are real `sgci` processes on a PostgreSQL started here; peak RSS is the server's.
 *
 * Run alone: node_modules/.bin/node bench/catalogue.ts [--requests N] [--submissions N]
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { sql } from 'kysely';
import { type Catalogue, createUser, openCatalogue, type Principal, submit } from '../src/catalogue/index.ts';
import { silentLogger } from '../src/core/index.ts';
import { defaultPolicy } from '../src/policy/index.ts';
import { registryImageAccess } from '../src/server/index.ts';
import { importAdvisories, parseAdvisorySource } from '../src/vuln/index.ts';
import { corpusDir, fixture, fixturesMissing } from '../test/helpers/fixtures.ts';
import { postgresMissing, startPostgres } from '../test/helpers/postgres.ts';
import { freePort, startRegistry } from '../test/helpers/registry.ts';
import { fixtureResults, seedCatalogue } from './lib/catalogue.ts';
import { headline, quick, skipped } from './lib/headline.ts';
import { type LoadFigures, load } from './lib/http-load.ts';
import { fmt, table } from './lib/report.ts';
import { layoutVariant } from './lib/variants.ts';

const repo = resolve(import.meta.dirname, '..');
const node = join(repo, 'node_modules', '.bin', 'node');
const sgci = join(repo, 'bin', 'sgci.js');
const args = process.argv.slice(2);
const option = (name: string, fallback: number) => {
  const at = args.indexOf(name);
  return at >= 0 ? Number(args[at + 1]) : fallback;
};
const requests = option('--requests', quick ? 300 : 2_000);
const submissions = option('--submissions', quick ? 3 : 12);
const connections = 10;
const warmUp = quick ? 200 : 1_000;
/** Images seeded, five admitted versions each; the image page measured is one of them. */
const images = quick ? 400 : 2_000;
const imageName = quick ? 'image-00234' : 'image-01234';

function environment(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, ...extra };
  for (const name of ['SGCI_CONFIG', 'SGCI_LISTEN', 'SGCI_POLICY', 'SGCI_SIGNING_KEY', 'SGCI_WORKERS'])
    delete env[name];
  return env;
}

/** Starts a child and waits until `ready` answers 200. */
async function startProcess(argv: readonly string[], env: NodeJS.ProcessEnv, ready?: string): Promise<ChildProcess> {
  const child = spawn(node, argv, { env, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (chunk) => {
    stderr += chunk;
  });
  if (!ready) return child;
  for (let i = 0; i < 600; i++) {
    if (child.exitCode !== null) throw new Error(`${argv.join(' ')} exited: ${stderr}`);
    const ok = await fetch(ready).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return child;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`${argv.join(' ')} did not become ready: ${stderr}`);
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await exited;
}

/** Peak resident set of a running process (VmHWM), MiB. */
function peakRssMiB(pid: number | undefined): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? Number.NaN) / 1024;
}

/** A node:http server answering every request with these bytes: the least an API can do. */
function staticServerScript(file: string, port: number): string {
  return `
const body = require('node:fs').readFileSync(${JSON.stringify(file)});
require('node:http').createServer((req, res) => {
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': body.length });
  res.end(body);
}).listen(${port}, '127.0.0.1');`;
}

async function apiFigures(databaseUrl: string, work: string): Promise<string[][]> {
  const port = await freePort();
  const server = await startProcess(
    [sgci, 'serve', '--listen', `127.0.0.1:${port}`, '--workers', '0', '--log-level', 'silent'],
    environment({ DATABASE_URL: databaseUrl, SGCI_HOME: join(work, 'home') }),
    `http://127.0.0.1:${port}/readyz`,
  );
  const base = `http://127.0.0.1:${port}`;
  // [label, path, whether the response cache keeps it (then measured cold too)]
  const targets = [
    ['GET /api/v1/images (20 per page)', '/api/v1/images', true],
    ['search "gehärtet"', `/api/v1/images?q=${encodeURIComponent('gehärtet')}`, true],
    ['search "hardened runtime"', `/api/v1/images?q=${encodeURIComponent('hardened runtime')}`, true],
    ['GET /api/v1/images/{name}', `/api/v1/images/${imageName}`, true],
    // the pages (issue #14) on the same reads: the list, a search, a filter, an image page (HTML, uncompressed)
    ['page /de/katalog', '/de/katalog', true],
    ['page /de/katalog?q=gehärtet', `/de/katalog?q=${encodeURIComponent('gehärtet')}`, true],
    ['page /de/katalog?fixable=high', '/de/katalog?fixable=high', true],
    ['page /de/katalog/{name}', `/de/katalog/${imageName}`, true],
  ] as const;
  const rows: string[][] = [];
  // the cold path: what every request costs when the response cache cannot answer it (a change since, another query)
  const cold = { 'cache-control': 'no-cache' };
  try {
    for (const [label, path, cachedByServer] of targets) {
      const body = Buffer.from(await (await fetch(`${base}${path}`)).arrayBuffer());
      const file = join(work, 'static.json');
      writeFileSync(file, body);
      const staticPort = await freePort();
      writeFileSync(join(work, 'static.cjs'), staticServerScript(file, staticPort));
      const floor = await startProcess([join(work, 'static.cjs')], process.env);
      await new Promise((r) => setTimeout(r, 300));
      const measured: [string, LoadFigures][] = [];
      let floorFigures: LoadFigures;
      try {
        // warm all (connections, query plans, the JIT), then measure
        await load(`${base}${path}`, { connections, requests: warmUp });
        measured.push(['', await load(`${base}${path}`, { connections, requests })]);
        if (cachedByServer) {
          await load(`${base}${path}`, { connections, requests: warmUp, headers: cold });
          measured.push([', cold', await load(`${base}${path}`, { connections, requests, headers: cold })]);
        }
        await load(`http://127.0.0.1:${staticPort}/`, { connections, requests: warmUp });
        floorFigures = await load(`http://127.0.0.1:${staticPort}/`, { connections, requests });
      } finally {
        await stop(floor);
      }
      for (const [variant, figures] of measured) {
        const reference = 'node:http, same body';
        const rssMiB = { 'sgci serve': peakRssMiB(server.pid) };
        // searches and pages: p95 under 50 ms; the other reads: within 3x of the floor's requests per second as the
        // public reads them (the cold path is shown beside, without a target)
        headline(
          /^(search|page)/.test(label)
            ? {
                what: `${label}${variant}, p95`,
                value: figures.p95Ms,
                unit: 'ms',
                reference: { name: reference, value: floorFigures.p95Ms },
                target: { on: 'value', direction: '<', limit: 50, source: '#13' },
                rssMiB,
              }
            : {
                what: `${label}${variant}, throughput`,
                value: figures.requestsPerSecond,
                unit: 'req/s',
                reference: { name: reference, value: floorFigures.requestsPerSecond },
                ...(variant ? {} : { target: { on: 'ratio', direction: '>=', limit: 1 / 3, source: '#13' } as const }),
                rssMiB,
              },
        );
        rows.push([
          `${label}${variant}`,
          `${fmt(body.length / 1024, 1)} KiB`,
          fmt(figures.p50Ms, 1),
          fmt(figures.p95Ms, 1),
          fmt(figures.requestsPerSecond, 0),
          fmt(floorFigures.p95Ms, 1),
          fmt(floorFigures.requestsPerSecond, 0),
          `${fmt(floorFigures.requestsPerSecond / figures.requestsPerSecond, 2)}x`,
        ]);
      }
    }
    rows.push(['peak RSS of sgci serve', `${fmt(peakRssMiB(server.pid), 0)} MiB`, '', '', '', '', '', '']);
  } finally {
    await stop(server);
  }
  return rows;
}

/** Submits `count` never-seen digests and times `workers` `sgci worker` processes until all are scanned. */
async function submissionsPerMinute(
  catalogue: Catalogue,
  principal: Principal,
  databaseUrl: string,
  work: string,
  workers: number,
  count: number,
): Promise<number> {
  await using registry = await startRegistry();
  const source = fixture('distroless-static').ociDir;
  for (let i = 0; i < count; i++) {
    const dir = join(work, `variant-${workers}-${i}`);
    layoutVariant(source, dir, `${workers}-${i}`);
    await registry.push(dir, `bench/static:${workers}-${i}`);
  }
  const services = {
    catalogue,
    policy: defaultPolicy,
    images: registryImageAccess({
      config: { insecureRegistry: [], allowRegistry: [registry.host] },
      logger: silentLogger,
    }),
  };
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const submitted = await submit(
      services,
      principal,
      {
        image: `${registry.host}/bench/static:${workers}-${i}`,
        name: `static-${workers}-${i}`,
        description: { de: 'Statisches Basis-Image', en: 'Static base image' },
        categories: ['base'],
        license: 'Apache-2.0',
        source: 'https://gitlab.opencode.de/behoerde-0/static',
        contact: 'team@behoerde-0.example',
      },
      { perUser: 10_000, perOrganisation: 10_000 },
    );
    ids.push(submitted.id);
  }
  const started = performance.now();
  const processes = await Promise.all(
    Array.from({ length: workers }, () =>
      startProcess(
        [sgci, 'worker', '--allow-registry', registry.host, '--log-level', 'silent'],
        environment({ DATABASE_URL: databaseUrl, SGCI_HOME: join(work, 'home'), DOCKER_CONFIG: '/nonexistent' }),
      ),
    ),
  );
  try {
    for (;;) {
      const open = await catalogue.db
        .selectFrom('submissions')
        .select((eb) => eb.fn.countAll<string>().as('n'))
        .where('id', 'in', ids)
        .where('status', 'in', ['submitted', 'scanning'])
        .executeTakeFirstOrThrow();
      if (Number(open.n) === 0) break;
      await new Promise((r) => setTimeout(r, 25));
    }
  } finally {
    await Promise.all(processes.map(stop));
  }
  return count / ((performance.now() - started) / 60_000);
}

async function main(): Promise<void> {
  const missing = postgresMissing() ?? fixturesMissing();
  if (missing) {
    skipped(missing);
    return;
  }
  const work = mkdtempSync(join(tmpdir(), 'sgci-bench-catalogue-'));
  try {
    await using postgres = await startPostgres();
    await using catalogue = await openCatalogue({ databaseUrl: postgres.url });
    const seedStarted = performance.now();
    await importAdvisories(
      catalogue.store,
      ['npm', 'pypi'].map((e) => parseAdvisorySource(join(corpusDir(), 'osv', e))),
      {},
    );
    const results = await fixtureResults(catalogue);
    await seedCatalogue(catalogue, results, images, 5);
    // a catalogue grown to this size over months has its statistics from autovacuum; this one grew in seconds
    await sql`analyze`.execute(catalogue.db);
    const user = await createUser(
      catalogue,
      { kind: 'system' },
      { login: 'submitter', role: null, organisations: ['behoerde-0'] },
    );
    const principal: Principal = {
      userId: user.id,
      login: 'submitter',
      displayName: 'submitter',
      role: null,
      organisations: ['behoerde-0'],
      via: { kind: 'session' },
    };
    const seedSeconds = (performance.now() - seedStarted) / 1000;

    const api = await apiFigures(postgres.url, work);
    process.stdout.write(
      `${table(
        ['request', 'body', 'p50 ms', 'p95 ms', 'req/s', 'floor p95 ms', 'floor req/s', 'floor/sgci'],
        api,
        'end',
      )}\n` +
        `${(images * 5).toLocaleString('en')} admitted versions (${images.toLocaleString('en')} images × 5) on PostgreSQL, seeded in ${fmt(seedSeconds, 1)} s; ${requests} ` +
        `requests over ${connections} keep-alive connections after ${warmUp} to warm up; floor: node:http serving the ` +
        'same body. API rows: anonymous reads as the public sends them, answered from the response cache while ' +
        'nothing changed; "cold": every request with Cache-Control: no-cache, computed from the database. Page ' +
        'rows likewise: anonymous pages go through the same cache. Targets: sgci within 3x of the floor, ' +
        'search p95 under 50 ms.\n',
    );

    const perMinute = [1, 2].map((w) => ({ workers: w, rate: 0 }));
    for (const entry of perMinute) {
      entry.rate = await submissionsPerMinute(catalogue, principal, postgres.url, work, entry.workers, submissions);
    }
    const [one, two] = perMinute;
    if (one && two)
      headline({
        what: `submissions scanned per minute, ${two.workers} sgci worker processes`,
        value: two.rate,
        unit: '/min',
        reference: { name: `${one.workers} worker`, value: one.rate },
      });
    process.stdout.write(
      `${table(
        ['sgci worker processes', 'submissions/min', 'speed-up'],
        perMinute.map((e) => [
          String(e.workers),
          fmt(e.rate, 1),
          `${fmt(e.rate / (perMinute[0]?.rate ?? Number.NaN), 2)}x`,
        ]),
        'end',
      )}\n` +
        `${submissions} never-seen digests of distroless-static each (a full pass over the layers); load average ` +
        `${loadavg()
          .map((l) => l.toFixed(1))
          .join(' ')} on ${cpus().length} cores\n`,
    );
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

await main();
