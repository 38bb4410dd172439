import { loadSigner, passwordFromEnvironment } from '../attest/index.ts';
import { BlobCache, defaultCacheMaxBytes } from '../cache/index.ts';
import {
  advisoriesUpdateJob,
  advisoriesWatchJob,
  type CatalogueServices,
  catalogueVexSource,
  ensureAdvisoriesWatch,
  ensureMonitorRounds,
  type JobDefinition,
  monitorRoundJob,
  openCatalogue,
  pushVerdictJob,
  type ReevaluationSettings,
  rematchJob,
  scanJob,
  type VerdictSigning,
  WebhookSender,
  WebhookTargets,
  webhookJobs,
} from '../catalogue/index.ts';
import { type Logger, SgciError } from '../core/index.ts';
import { loadPolicy, parseDuration } from '../policy/index.ts';
import { openStore } from '../store/index.ts';
import type { ServerConfig } from './config.ts';
import { registryImageAccess } from './image-access.ts';
import { monitorRounds } from './monitor-rounds.ts';

/** Where the catalogue is reached when no public URL is configured: the address it listens on. */
export function publicBase(config: Pick<ServerConfig, 'publicUrl' | 'host' | 'port'>): string {
  if (config.publicUrl) return config.publicUrl.replace(/\/$/, '');
  const host = config.host.includes(':') ? `[${config.host}]` : config.host;
  return `http://${host}:${config.port}`;
}

/** The catalogue's key, when configured: its password from SGCI_PASSWORD (a server has no terminal to ask). */
async function verdictSigning(config: ServerConfig): Promise<VerdictSigning | undefined> {
  if (!config.signingKey) return undefined;
  const signer = await loadSigner(config.signingKey, async () => {
    const password = passwordFromEnvironment();
    if (password === undefined) throw new SgciError('PASSWORD_INVALID', config.signingKey ?? '', 'set SGCI_PASSWORD');
    return password;
  });
  const base = publicBase(config);
  return { signer, verifierId: base, policyUri: `${base}/api/v1/policy` };
}

/** The configuration's `reevaluation` as the jobs read it. */
export function reevaluationSettings(config: Pick<ServerConfig, 'reevaluation'>): ReevaluationSettings {
  const { suspendAfter, watchIntervalSeconds, osvMirror, ecosystems } = config.reevaluation;
  return {
    // the schema admits only durations parseDuration reads
    suspendAfterMs: parseDuration(suspendAfter, 'reevaluation.suspendAfter') ?? 0,
    watchIntervalMs: watchIntervalSeconds * 1000,
    feeds: { ...(osvMirror ? { mirror: osvMirror } : {}), ...(ecosystems ? { ecosystems } : {}) },
  };
}

/**
 * What `sgci serve` and `sgci worker` run on: the admission policy and the signing key (read first: a bad one
 * stops the start before the database is opened), the catalogue, and the registries through the shared blob cache.
 */
export async function openCatalogueServices(config: ServerConfig, logger: Logger): Promise<CatalogueServices> {
  const policy = await loadPolicy(config.policy);
  const signing = await verdictSigning(config);
  const catalogue = await openCatalogue();
  // embedded: advisories in the CLI's SQLite store, which `sgci db import|update` write while this process reads
  const advisories = process.env.DATABASE_URL ? catalogue.store : await openStore();
  const cache = new BlobCache({ maxBytes: defaultCacheMaxBytes(), logger });
  const images = registryImageAccess({
    config,
    logger,
    catalogue,
    policy,
    cache,
    ...(config.credentialsKey ? { credentialsKey: config.credentialsKey } : {}),
  });
  const webhooks = {
    sender: new WebhookSender({ targets: new WebhookTargets({ allow: config.allowWebhook }) }),
    key: config.credentialsKey,
  };
  // the watch reschedules itself; a process that starts makes sure it runs (it may have failed for good)
  await ensureAdvisoriesWatch(catalogue);
  // the tags `sgci monitor add` watches in the same store are asked by the server's rounds (docs/monitor.md)
  const monitor = monitorRounds({ config, logger, catalogue, store: advisories, policy, cache });
  await ensureMonitorRounds(catalogue);
  return {
    monitor,
    catalogue,
    policy,
    images,
    advisories,
    vex: catalogueVexSource(catalogue),
    webhooks,
    reevaluation: reevaluationSettings(config),
    ...(signing ? { signing } : {}),
  };
}

/** Every kind of job the catalogue queues, on one process's services: the same list in serve and worker. */
export function catalogueJobs(services: CatalogueServices): JobDefinition<unknown>[] {
  return [
    scanJob(services),
    pushVerdictJob(services),
    rematchJob(services),
    advisoriesWatchJob(services),
    advisoriesUpdateJob(services),
    ...(services.webhooks ? webhookJobs(services.webhooks) : []),
    ...(services.monitor ? [monitorRoundJob(services.catalogue, services.monitor)] : []),
  ] as JobDefinition<unknown>[];
}
