import { constants } from 'node:os';
import type { Command } from 'commander';
import { createLogger, isSgciError, type Logger, SgciError } from '../../core/index.ts';
import type { RunningProcess, ServerConfig, ServerConfigInput } from '../../server/index.ts';
import { collect } from '../flags.ts';

/** Flags both processes take: what the jobs need (policy, key, registries) is the same in each. */
interface ProcessFlags {
  readonly config?: string;
  readonly publicUrl?: string;
  readonly policy?: string;
  readonly signingKey?: string;
  readonly allowRegistry: string[];
  readonly insecureRegistry: string[];
  readonly allowWebhook: string[];
  readonly logLevel?: string;
}

interface ServeFlags extends ProcessFlags {
  readonly listen?: string;
  readonly workers?: string;
}

interface WorkerFlags extends ProcessFlags {
  readonly concurrency?: string;
  readonly healthListen?: string;
}

const logLevels = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

function processOptions(command: Command): Command {
  return command
    .option('--config <file>', 'YAML configuration (schema/server-config-1.0.0.json); env SGCI_CONFIG')
    .option('--public-url <url>', 'the URL users reach the catalogue at; env SGCI_PUBLIC_URL')
    .option('--policy <file>', 'the admission policy (sgci-policy.yaml; default built in); env SGCI_POLICY')
    .option('--signing-key <file>', 'the key that signs verdicts (password in SGCI_PASSWORD); env SGCI_SIGNING_KEY')
    .option(
      '--allow-registry <host[:port]>',
      'allow this registry even on a loopback, private or link-local address (repeatable); env SGCI_ALLOW_REGISTRY',
      collect,
      [],
    )
    .option(
      '--insecure-registry <host[:port]>',
      'reach this registry over plain HTTP or unverified TLS (repeatable); env SGCI_INSECURE_REGISTRY',
      collect,
      [],
    )
    .option(
      '--allow-webhook <host[:port]>',
      'deliver webhooks to this host over plain HTTP or on a private address (repeatable); env SGCI_ALLOW_WEBHOOK',
      collect,
      [],
    )
    .option('--log-level <level>', `${logLevels.join(', ')}; env SGCI_LOG_LEVEL, default info`);
}

function wholeNumber(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^[0-9]{1,3}$/.test(value)) throw new SgciError('USAGE', flag, `expected a whole number, got ${value}`);
  return Number(value);
}

/** JSON lines on stdout, where container platforms collect them; `info` unless asked otherwise. */
function processLogger(flags: ProcessFlags): Logger {
  const [input, level] = flags.logLevel
    ? ['--log-level', flags.logLevel]
    : ['SGCI_LOG_LEVEL', process.env.SGCI_LOG_LEVEL || 'info'];
  if (!logLevels.includes(level)) throw new SgciError('USAGE', input, `expected one of ${logLevels.join(', ')}`);
  return createLogger({ destination: 1, level });
}

/** Flags over env over file; an empty repeatable flag leaves the env's or file's list alone. */
async function processConfig(flags: ProcessFlags, own: ServerConfigInput): Promise<ServerConfig> {
  const { loadServerConfig } = await import('../../server/index.ts');
  const list = (values: string[]) => (values.length > 0 ? values : undefined);
  return loadServerConfig({
    file: flags.config ?? (process.env.SGCI_CONFIG || undefined),
    flags: {
      ...own,
      publicUrl: flags.publicUrl,
      policy: flags.policy,
      signingKey: flags.signingKey,
      allowRegistry: list(flags.allowRegistry),
      insecureRegistry: list(flags.insecureRegistry),
      allowWebhook: list(flags.allowWebhook),
    },
  });
}

/** `--health-listen` is checked by the same rule as `listen`, and named as itself when wrong. */
async function probeAddress(value: string | undefined): Promise<{ host: string; port: number } | undefined> {
  if (!value) return undefined;
  const { loadServerConfig } = await import('../../server/index.ts');
  try {
    return loadServerConfig({ env: {}, flags: { listen: value } });
  } catch (error) {
    if (!isSgciError(error, 'CONFIG_INVALID')) throw error;
    throw new SgciError('USAGE', `--health-listen ${value}`, 'expected HOST:PORT with a port up to 65535');
  }
}

/**
 * SIGTERM and SIGINT from the moment a command starts (one arriving while the database opens is not lost): the
 * first stops the process gracefully once it runs, a second exits at once (128 + its number), for an operator
 * who will not wait for the jobs' grace period.
 */
function stopSignals(logger: Logger): { readonly first: Promise<NodeJS.Signals> } & Disposable {
  const { promise, resolve } = Promise.withResolvers<NodeJS.Signals>();
  let received = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (received) {
      logger.warn({ signal }, 'second signal: exiting without waiting');
      process.exit(128 + constants.signals[signal]);
    }
    received = true;
    resolve(signal);
  };
  process.on('SIGTERM', onSignal).on('SIGINT', onSignal);
  return { first: promise, [Symbol.dispose]: () => process.off('SIGTERM', onSignal).off('SIGINT', onSignal) };
}

async function runUntilSignalled(running: RunningProcess, signals: Promise<NodeJS.Signals>, logger: Logger) {
  logger.info({ signal: await signals }, 'signal received');
  await running.stop();
}

/**
 * `sgci serve`: the catalogue's HTTP API with in-process workers, on the embedded PGlite under $SGCI_HOME or on
 * DATABASE_URL; `sgci worker`: jobs only, beside any number of `sgci serve` on the same PostgreSQL.
 */
export function registerServe(program: Command): void {
  processOptions(
    program
      .command('serve')
      .description(
        'run the catalogue server: HTTP API and in-process workers, on the embedded database or DATABASE_URL',
      ),
  )
    .option('--listen <host:port>', 'address to serve HTTP on (default 127.0.0.1:8080); env SGCI_LISTEN')
    .option('--workers <n>', 'jobs run at once in this process, 0 for none (default 1); env SGCI_WORKERS')
    .action(async (flags: ServeFlags) => {
      const logger = processLogger(flags);
      using signals = stopSignals(logger);
      const config = await processConfig(flags, {
        listen: flags.listen,
        workers: wholeNumber('--workers', flags.workers),
      });
      const { startServer, openCatalogueServices, catalogueJobs } = await import('../../server/index.ts');
      const services = await openCatalogueServices(config, logger);
      const running = await startServer({
        ...services,
        config,
        definitions: catalogueJobs(services),
        logger,
      });
      await runUntilSignalled(running, signals.first, logger);
    });

  processOptions(
    program
      .command('worker')
      .description('run catalogue jobs only, beside sgci serve on the same PostgreSQL (DATABASE_URL)'),
  )
    .option('--concurrency <n>', 'jobs run at once (default 1); env SGCI_WORKERS')
    .option(
      '--health-listen <host:port>',
      'serve /healthz, /readyz and /metrics here for probes (default: no port); env SGCI_HEALTH_LISTEN',
    )
    .action(async (flags: WorkerFlags) => {
      const logger = processLogger(flags);
      using signals = stopSignals(logger);
      const config = await processConfig(flags, { workers: wholeNumber('--concurrency', flags.concurrency) });
      const probes = await probeAddress(flags.healthListen ?? process.env.SGCI_HEALTH_LISTEN);
      // PGlite is one process's database: a second process on its directory would corrupt it
      if (!process.env.DATABASE_URL)
        throw new SgciError(
          'USAGE',
          'DATABASE_URL',
          'not set: sgci worker shares a PostgreSQL database with sgci serve (on the embedded database, sgci serve runs the jobs itself)',
        );
      const { startWorker, openCatalogueServices, catalogueJobs } = await import('../../server/index.ts');
      const services = await openCatalogueServices(config, logger);
      const running = await startWorker({
        ...services,
        config,
        definitions: catalogueJobs(services),
        concurrency: config.workers,
        logger,
        ...(probes ? { probes } : {}),
      });
      await runUntilSignalled(running, signals.first, logger);
    });
}
