/**
 * `sgci serve` and `sgci worker` as operators run them: real processes from bin/sgci.js, real sockets, real
 * signals, on the embedded PGlite and on a PostgreSQL started here.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { after, before, describe, test } from 'node:test';
import { z } from 'zod';
import {
  advisoriesUpdateJobKind,
  advisoriesWatchJobKind,
  enqueueJob,
  type JobDefinition,
  monitorRoundJobKind,
  openCatalogue,
  pushVerdictJobKind,
  rematchJobKind,
  scanJobKind,
  webhookDispatchKind,
} from '../../src/catalogue/index.ts';
import { silentLogger } from '../../src/core/index.ts';
import { defaultPolicy } from '../../src/policy/index.ts';
import { loadServerConfig, registryImageAccess, startServer } from '../../src/server/index.ts';
import { runSgci } from '../helpers/cli.ts';
import { postgresMissing, startPostgres, type TestPostgres } from '../helpers/postgres.ts';

const repo = resolve(import.meta.dirname, '..', '..');
/** Every kind of job both processes run (server/services.ts catalogueJobs). */
const jobKinds = [
  scanJobKind,
  pushVerdictJobKind,
  rematchJobKind,
  advisoriesWatchJobKind,
  advisoriesUpdateJobKind,
  webhookDispatchKind,
  'sgci.webhook-deliver',
  monitorRoundJobKind,
];
const node = resolve(repo, 'node_modules', '.bin', 'node');
const bin = resolve(repo, 'bin', 'sgci.js');

/** Settings a developer may have exported, which would change what these processes do. */
const unset = [
  'DATABASE_URL',
  'SGCI_CONFIG',
  'SGCI_LISTEN',
  'SGCI_PUBLIC_URL',
  'SGCI_POLICY',
  'SGCI_SIGNING_KEY',
  'SGCI_ALLOW_REGISTRY',
  'SGCI_INSECURE_REGISTRY',
  'SGCI_WORKERS',
  'SGCI_HEALTH_LISTEN',
  'SGCI_LOG_LEVEL',
];

function environment(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of unset) delete env[name];
  return { ...env, ...extra };
}

interface LogLine {
  readonly msg: string;
  readonly [field: string]: unknown;
}

/** Every child still running: killed when the file ends, so a failed assertion never leaves a server behind. */
const running = new Set<ChildProcess>();
after(() => {
  for (const child of running) child.kill('SIGKILL');
});

/** One running sgci process whose stdout is JSON lines, read as they come. */
class SgciProcess {
  readonly child: ChildProcess;
  readonly lines: LogLine[] = [];
  readonly stdout: string[] = [];
  stderr = '';
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  readonly #waiters: (() => void)[] = [];

  constructor(args: readonly string[], env: Record<string, string>) {
    this.child = spawn(node, [bin, ...args], { cwd: repo, env: environment(env), stdio: ['ignore', 'pipe', 'pipe'] });
    running.add(this.child);
    this.child.once('exit', () => running.delete(this.child));
    this.child.stderr?.on('data', (chunk: Buffer) => {
      this.stderr += chunk.toString();
    });
    createInterface({ input: this.child.stdout as NodeJS.ReadableStream }).on('line', (line) => {
      this.stdout.push(line);
      this.lines.push(JSON.parse(line) as LogLine);
      for (const wake of this.#waiters.splice(0)) wake();
    });
    this.exited = new Promise((done) => this.child.once('exit', (code, signal) => done({ code, signal })));
    void this.exited.then(() => {
      for (const wake of this.#waiters.splice(0)) wake();
    });
  }

  /** The first log line with this message; fails when the process exits or `ms` pass first. */
  async line(msg: string, ms = 30_000): Promise<LogLine> {
    const deadline = Date.now() + ms;
    for (;;) {
      const found = this.lines.find((l) => l.msg === msg);
      if (found) return found;
      if (this.child.exitCode !== null || Date.now() > deadline)
        assert.fail(`no "${msg}" log line; stdout:\n${this.stdout.join('\n')}\nstderr:\n${this.stderr}`);
      await new Promise<void>((wake) => {
        const timer = setTimeout(wake, deadline - Date.now());
        this.#waiters.push(() => {
          clearTimeout(timer);
          wake();
        });
      });
    }
  }

  /** Sends `signal` and resolves with the exit status, failing when the process takes longer than `ms`. */
  async stop(signal: NodeJS.Signals = 'SIGTERM', ms = 15_000): Promise<{ code: number | null; ms: number }> {
    const started = Date.now();
    this.child.kill(signal);
    const timer = setTimeout(() => this.child.kill('SIGKILL'), ms);
    const { code } = await this.exited;
    clearTimeout(timer);
    return { code, ms: Date.now() - started };
  }
}

async function get(url: string): Promise<{ status: number; body: string }> {
  const res = await fetch(url);
  return { status: res.status, body: await res.text() };
}

/**
 * A request whose last header line is held back: the connection is busy, not idle, so a graceful stop must
 * answer it. `finish()` sends the rest and returns the raw response.
 */
async function heldRequest(url: string, path: string): Promise<{ finish(): Promise<string> }> {
  const { hostname, port } = new URL(url);
  const socket = connect(Number(port), hostname);
  await new Promise<void>((done, fail) => socket.once('connect', done).once('error', fail));
  socket.write(`GET ${path} HTTP/1.1\r\nHost: ${hostname}\r\n`);
  let response = '';
  socket.on('data', (chunk: Buffer) => {
    response += chunk.toString();
  });
  const closed = new Promise<void>((done) => socket.once('close', () => done()));
  return {
    async finish() {
      socket.write('Connection: close\r\n\r\n');
      await closed;
      return response;
    },
  };
}

describe('sgci serve on the embedded PGlite', () => {
  let home: string;
  before(() => {
    home = mkdtempSync(join(tmpdir(), 'sgci-serve-'));
  });
  after(() => rmSync(home, { recursive: true, force: true }));

  test('serves probes, logs JSON lines, answers a held request with 503 while stopping and exits 0', async (t) => {
    const started = Date.now();
    const serve = new SgciProcess(['serve', '--listen', '127.0.0.1:0'], { SGCI_HOME: home });
    const listening = await serve.line('sgci serve listening');
    const startupMs = Date.now() - started;
    const url = String(listening.url);
    assert.match(url, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.equal(listening.engine, 'pglite');
    assert.equal(listening.store, join(home, 'db', 'pglite'));
    assert.equal(listening.workers, 1);
    assert.deepEqual(listening.jobKinds, jobKinds);

    assert.deepEqual(await get(`${url}/healthz`), { status: 200, body: 'ok\n' });
    assert.deepEqual(await get(`${url}/readyz`), { status: 200, body: 'ready\n' });
    const metrics = await get(`${url}/metrics`);
    assert.match(metrics.body, /sgci_http_requests_total\{method="GET",route="\/readyz",status="200"\} 1/);
    const request = serve.lines.find((l) => l.msg === 'request' && l.path === '/readyz');
    assert.match(String(request?.requestId), /^[0-9a-f-]{36}$/);

    const held = await heldRequest(url, '/readyz');
    const stopping = serve.stop();
    await serve.line('shutting down');
    const during = await held.finish();
    assert.match(during, /^HTTP\/1\.1 503 /);
    assert.match(during, /shutting down\n$/);
    const { code, ms } = await stopping;
    assert.equal(code, 0, serve.stderr);
    assert.equal(serve.stderr, '');
    await assert.rejects(fetch(`${url}/healthz`), 'no connection is accepted after the stop');
    assert.ok(serve.lines.some((l) => l.msg === 'stopped'));
    for (const line of serve.stdout) assert.doesNotMatch(line, /password|secret/i);
    t.diagnostic(`sgci serve on PGlite: started in ${startupMs} ms, stopped in ${ms} ms after SIGTERM`);
  });

  test('bad input is one line naming it, exit 2, no stack trace', async () => {
    const config = join(home, 'serve.yaml');
    writeFileSync(config, 'listen: "127.0.0.1:0"\nworker: 2\n');
    const env = { SGCI_HOME: home };
    const [listen, key, level, policy, worker, database] = await Promise.all([
      runSgci(['serve', '--listen', 'localhost'], { env, unset }),
      runSgci(['serve', '--config', config], { env, unset }),
      runSgci(['serve', '--log-level', 'loud'], { env, unset }),
      runSgci(['serve', '--policy', join(home, 'missing-policy.yaml')], { env, unset }),
      runSgci(['worker'], { env, unset }),
      runSgci(['serve', '--listen', '127.0.0.1:0'], {
        env: { ...env, DATABASE_URL: 'postgres://sgci:hunter2@127.0.0.1:1/catalogue' },
        unset,
      }),
    ]);
    const expected: [typeof listen, RegExp][] = [
      [listen, /^sgci: configuration: listen: expected HOST:PORT\n$/],
      [key, new RegExp(`^sgci: ${config}: \\(root\\): Unrecognized key: "worker"\\n$`)],
      [level, /^sgci: --log-level: expected one of fatal, error, warn, info, debug, trace, silent\n$/],
      [policy, /^sgci: \/.*\/missing-policy\.yaml: cannot read policy file: .*ENOENT/],
      [worker, /^sgci: DATABASE_URL: not set: sgci worker shares a PostgreSQL database/],
      [database, /^sgci: postgres:\/\/sgci@127\.0\.0\.1:1\/catalogue: cannot migrate database: .*ECONNREFUSED/],
    ];
    for (const [result, line] of expected) {
      assert.equal(result.code, 2, result.stderr);
      assert.match(result.stderr, line);
      assert.equal(result.stderr.trimEnd().split('\n').length, 1, result.stderr);
      assert.equal(result.stdout, '');
    }
    assert.doesNotMatch(database.stderr, /hunter2/);
  });
});

describe('sgci serve and sgci worker on one PostgreSQL', { skip: postgresMissing() }, () => {
  let postgres: TestPostgres;
  before(async () => {
    postgres = await startPostgres();
  });
  after(async () => postgres?.stop());

  test('both start at once (migrations do not collide), probe and stop on SIGTERM with exit 0', async (t) => {
    const env = { DATABASE_URL: postgres.url, SGCI_HOME: mkdtempSync(join(tmpdir(), 'sgci-serve-pg-')) };
    const started = Date.now();
    const serve = new SgciProcess(['serve', '--listen', '127.0.0.1:0', '--workers', '2'], env);
    const worker = new SgciProcess(['worker', '--concurrency', '3', '--health-listen', '127.0.0.1:0'], env);
    try {
      const [listening, working] = await Promise.all([
        serve.line('sgci serve listening'),
        worker.line('sgci worker started'),
      ]);
      const startupMs = Date.now() - started;
      assert.equal(listening.engine, 'postgres');
      assert.equal(working.engine, 'postgres');
      assert.equal(working.concurrency, 3);
      assert.deepEqual(working.jobKinds, jobKinds);
      assert.notEqual(listening.workerId, working.workerId);
      const url = String(listening.url);
      const probes = String(working.probes);

      assert.equal((await get(`${url}/readyz`)).status, 200);
      assert.deepEqual(await get(`${probes}/healthz`), { status: 200, body: 'ok\n' });
      assert.deepEqual(await get(`${probes}/readyz`), { status: 200, body: 'ready\n' });
      assert.match((await get(`${probes}/metrics`)).body, /# TYPE sgci_jobs gauge/);
      assert.equal((await get(`${probes}/api/v1/openapi.json`)).status, 404, 'a worker serves probes only');

      const taken = await runSgci(['serve', '--listen', url.replace('http://', '')], { env, unset });
      assert.equal(taken.code, 2, taken.stderr);
      assert.match(taken.stderr, /^sgci: 127\.0\.0\.1:\d+: cannot listen: .*EADDRINUSE.*\n$/);

      const [served, worked] = await Promise.all([serve.stop(), worker.stop()]);
      assert.equal(served.code, 0, serve.stderr);
      assert.equal(worked.code, 0, worker.stderr);
      t.diagnostic(
        `sgci serve + sgci worker on PostgreSQL: both started in ${startupMs} ms; stopped in ${served.ms} / ${worked.ms} ms`,
      );
    } finally {
      serve.child.kill('SIGKILL');
      worker.child.kill('SIGKILL');
      rmSync(env.SGCI_HOME, { recursive: true, force: true });
    }
  });

  test('SIGINT stops gracefully; a second SIGINT exits at once without waiting for a held request', async () => {
    const serve = new SgciProcess(['serve', '--listen', '127.0.0.1:0'], { DATABASE_URL: postgres.url });
    try {
      const url = String((await serve.line('sgci serve listening')).url);
      await heldRequest(url, '/healthz');
      serve.child.kill('SIGINT');
      await serve.line('shutting down');
      const { code, ms } = await serve.stop('SIGINT');
      assert.equal(code, 130, serve.stderr);
      assert.ok(ms < 5_000, `exited ${ms} ms after the second signal, not after the 10 s drain`);
      assert.ok(serve.lines.some((l) => l.msg === 'second signal: exiting without waiting'));
    } finally {
      serve.child.kill('SIGKILL');
    }
  });

  test('a stop waits for a running job that ends and hands back one that does not end within the grace', async () => {
    const started = new Set<number>();
    const bothRunning = Promise.withResolvers<void>();
    const release = Promise.withResolvers<void>();
    const job: JobDefinition<{ n: number }> = {
      kind: 'sgci.test-stop',
      payload: z.object({ n: z.number() }),
      async run({ n }, ctx) {
        started.add(n);
        if (started.size === 2) bothRunning.resolve();
        // job 1 ends when the test releases it; job 2 only when the stop aborts it
        await (n === 1
          ? release.promise
          : new Promise((_, fail) => ctx.signal.addEventListener('abort', () => fail(ctx.signal.reason))));
      },
    };
    const catalogue = await openCatalogue({ databaseUrl: postgres.url });
    const ids = [
      await enqueueJob(catalogue.db, job.kind, { n: 1 }, catalogue.now()),
      await enqueueJob(catalogue.db, job.kind, { n: 2 }, catalogue.now()),
    ];
    const config = loadServerConfig({ env: {}, flags: { listen: '127.0.0.1:0', workers: 2 } });
    const running = await startServer({
      config,
      catalogue,
      images: registryImageAccess({ config, logger: silentLogger }),
      policy: defaultPolicy,
      definitions: [job as JobDefinition<never>],
      logger: silentLogger,
      shutdown: { jobGraceMs: 300 },
    });
    await bothRunning.promise;
    const stopped = running.stop();
    release.resolve();
    await stopped;
    await using after = await openCatalogue({ databaseUrl: postgres.url });
    const rows = await after.db
      .selectFrom('jobs')
      .select(['id', 'state', 'attempts', 'locked_by'])
      .where('id', 'in', ids)
      .orderBy('id')
      .execute();
    assert.deepEqual(
      rows.map((r) => [String(r.id), r.state, r.attempts, r.locked_by]),
      [
        [ids[0], 'done', 1, null],
        [ids[1], 'queued', 0, null],
      ],
    );
  });
});
