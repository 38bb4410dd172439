export type { AdvisoryRecord, AdvisoryStatus, Feed, StoredAdvisory } from './advisories.ts';
export { AdvisoryRepository } from './advisories.ts';
export type { AdvisoryReads, VexReads } from './advisory-reads.ts';
export type { IndexExport, IndexInstall } from './index-file.ts';
export { type Lookups, openLookups } from './lookups.ts';
export {
  MonitorRepository,
  type NewObservation,
  type StoredAlarm,
  type StoredObservation,
  type StoredWatch,
  type WatchKey,
} from './monitor.ts';
export { type MonitorStore, openMonitorStore } from './monitor-store.ts';
export type { NotificationHandlers, NotificationListener } from './notifications.ts';
export { ScanRepository, type StoredScan } from './scans.ts';
export type { Database } from './schema.ts';
export {
  openStore,
  redactDatabaseUrl,
  type Store,
  type StoreKind,
  type StoreOptions,
  type StoreRepositories,
  storeExists,
  storeLocation,
} from './store.ts';
export { VexRepository } from './vex.ts';
