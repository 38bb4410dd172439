import { randomBytes, randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { hostname } from 'node:os';
import { createAdaptorServer } from '@hono/node-server';
import { type Catalogue, type CatalogueServices, type JobDefinition, Worker } from '../catalogue/index.ts';
import { describe, type Logger, SgciError, toolVersion } from '../core/index.ts';
import { createApp } from './app.ts';
import type { ServerConfig } from './config.ts';
import type { ServerDeps } from './deps.ts';
import { Metrics } from './metrics.ts';
import { type App, router } from './router.ts';
import { healthRoutes } from './routes/health.ts';

/**
 * How long a stop waits. Both phases run side by side and stay under Kubernetes' default
 * terminationGracePeriodSeconds (30 s), so the kubelet's SIGKILL never cuts a job's hand-back.
 */
export interface ShutdownBounds {
  /** In-flight HTTP requests finish within this, then their connections are closed. */
  readonly httpDrainMs: number;
  /** Running jobs finish within this, then they are aborted and handed back to the queue. */
  readonly jobGraceMs: number;
}

export const defaultShutdownBounds: ShutdownBounds = { httpDrainMs: 10_000, jobGraceMs: 20_000 };

/** A started `sgci serve` or `sgci worker`. */
export interface RunningProcess {
  /** Where HTTP is served as bound (`http://127.0.0.1:41234` for port 0); undefined for a worker without probes. */
  readonly url: string | undefined;
  /** The id this process claims jobs under: `HOST:PID:RANDOM`, unique across machines and restarts. */
  readonly workerId: string;
  /**
   * Graceful shutdown, once however often called: readyz answers 503 at once, no new connection is accepted,
   * in-flight requests and running jobs finish within their bounds (jobs past it are handed back), then the
   * catalogue is closed.
   */
  stop(): Promise<void>;
}

/** The catalogue (taken over: closed by `stop()`, and at once when the process cannot start), images and policy. */
export interface StartServerOptions extends CatalogueServices {
  readonly config: ServerConfig;
  /** What the process's worker runs: built by the caller on the same services. */
  readonly definitions: readonly JobDefinition<unknown>[];
  readonly logger: Logger;
  readonly shutdown?: Partial<ShutdownBounds>;
}

export interface StartWorkerOptions extends StartServerOptions {
  /** Jobs run at once; at least 1. */
  readonly concurrency: number;
  /**
   * Serve `/healthz`, `/readyz` and `/metrics` (nothing else) here for Kubernetes probes; a worker without it
   * opens no port.
   */
  readonly probes?: { readonly host: string; readonly port: number };
}

/** One process runs the HTTP API and `config.workers` jobs at once, on one catalogue. */
export async function startServer(options: StartServerOptions): Promise<RunningProcess> {
  const { config, catalogue, definitions, logger } = options;
  const workerId = newWorkerId();
  const state = { accepting: true };
  const worker =
    config.workers > 0
      ? new Worker({ catalogue, definitions, id: workerId, concurrency: config.workers, logger })
      : undefined;
  const http = await listen(createApp(serverDeps(options, state, worker)), config, catalogue);
  worker?.start();
  logger.info(
    {
      url: http.url,
      store: catalogue.store.location,
      engine: catalogue.store.kind,
      workers: config.workers,
      workerId,
      jobKinds: worker?.kinds ?? [],
      version: toolVersion,
    },
    'sgci serve listening',
  );
  return running(http.url, workerId, state, options, [http.close, (ms) => worker?.stop(ms.jobGraceMs)]);
}

/** A process that only runs jobs: `sgci worker`, with probes on `options.probes` if given. */
export async function startWorker(options: StartWorkerOptions): Promise<RunningProcess> {
  const { catalogue, definitions, concurrency, logger, probes } = options;
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    await catalogue.close();
    throw new SgciError('CONFIG_INVALID', 'workers', `sgci worker runs at least one job at once, not ${concurrency}`);
  }
  const workerId = newWorkerId();
  const state = { accepting: true };
  const worker = new Worker({ catalogue, definitions, id: workerId, concurrency, logger });
  const http = probes ? await listen(probeApp(serverDeps(options, state, worker)), probes, catalogue) : undefined;
  worker.start();
  logger.info(
    {
      probes: http?.url,
      store: catalogue.store.location,
      engine: catalogue.store.kind,
      concurrency,
      workerId,
      jobKinds: worker.kinds,
      version: toolVersion,
    },
    'sgci worker started',
  );
  return running(http?.url, workerId, state, options, [(ms) => http?.close(ms), (ms) => worker.stop(ms.jobGraceMs)]);
}

function newWorkerId(): string {
  return `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
}

function serverDeps(options: StartServerOptions, state: { accepting: boolean }, worker?: Worker): ServerDeps {
  return {
    catalogue: options.catalogue,
    images: options.images,
    policy: options.policy,
    config: options.config,
    logger: options.logger,
    metrics: new Metrics(),
    accepting: () => state.accepting,
    ...(worker ? { wake: () => worker.notify() } : {}),
  };
}

/** A worker's probes: health routes only, so a worker never answers API requests nobody routes to it. */
function probeApp(deps: ServerDeps): App {
  const app = router();
  app.use(async (c, next) => {
    c.set('deps', deps);
    c.set('requestId', randomUUID());
    c.set('principal', undefined);
    await next();
  });
  app.route('/', healthRoutes());
  return app;
}

type StopPhase = (bounds: ShutdownBounds) => Promise<void> | undefined;

function running(
  url: string | undefined,
  workerId: string,
  state: { accepting: boolean },
  options: StartServerOptions,
  phases: readonly StopPhase[],
): RunningProcess {
  const bounds = { ...defaultShutdownBounds, ...options.shutdown };
  const { catalogue, logger } = options;
  let stopped: Promise<void> | undefined;
  const stop = async () => {
    state.accepting = false;
    const started = performance.now();
    logger.info({ workerId }, 'shutting down');
    try {
      await Promise.all(phases.map((phase) => phase(bounds)));
    } finally {
      await catalogue.close();
      // the embedded server's advisory store is a second database (the CLI's SQLite file)
      if (options.advisories && options.advisories !== catalogue.store) await options.advisories.close();
    }
    logger.info({ workerId, ms: Math.round(performance.now() - started) }, 'stopped');
  };
  return {
    url,
    workerId,
    stop: () => {
      stopped ??= stop();
      return stopped;
    },
  };
}

interface HttpListener {
  readonly url: string;
  close(bounds: ShutdownBounds): Promise<void>;
}

/**
 * Binds `app` to `host:port`. Node's own bounds are lowered for untrusted clients: a client gets 15 s to send its
 * headers and 60 s for the whole request (a slow sender cannot hold a connection for Node's default 5 minutes).
 */
async function listen(
  app: App,
  address: { readonly host: string; readonly port: number },
  catalogue: Catalogue,
): Promise<HttpListener> {
  const server = createAdaptorServer({ fetch: app.fetch, hostname: address.host }) as Server;
  server.headersTimeout = 15_000;
  server.requestTimeout = 60_000;
  const named = `${address.host.includes(':') ? `[${address.host}]` : address.host}:${address.port}`;
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(address.port, address.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (error) {
    await catalogue.close().catch(() => undefined);
    throw new SgciError('CONFIG_INVALID', named, `cannot listen: ${describe(error)}`, { cause: error });
  }
  const bound = server.address() as AddressInfo;
  const host = bound.family === 'IPv6' ? `[${bound.address}]` : bound.address;
  return { url: `http://${host}:${bound.port}`, close: (bounds) => closeHttp(server, bounds.httpDrainMs) };
}

/**
 * Stops accepting connections and waits for the open ones: a connection is closed as soon as it is idle (its
 * request answered, a keep-alive client would otherwise hold it), and all of them once `drainMs` has passed.
 */
async function closeHttp(server: Server, drainMs: number): Promise<void> {
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  const idle = setInterval(() => server.closeIdleConnections(), 100);
  const deadline = setTimeout(() => server.closeAllConnections(), drainMs);
  try {
    await closed;
  } finally {
    clearInterval(idle);
    clearTimeout(deadline);
  }
}
