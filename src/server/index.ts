export { createApp } from './app.ts';
export { loadServerConfig, type ServerConfig, type ServerConfigInput, serverConfigJsonSchema } from './config.ts';
export type { ServerDeps } from './deps.ts';
export { type ImageAccessOptions, registryImageAccess } from './image-access.ts';
export { Metrics } from './metrics.ts';
export type { App, AppEnv } from './router.ts';
export {
  defaultShutdownBounds,
  type RunningProcess,
  type ShutdownBounds,
  startServer,
  startWorker,
} from './serve.ts';
export { catalogueJobs, openCatalogueServices, publicBase } from './services.ts';
