export type { AdvisoryRecord, AdvisoryStatus, Feed, StoredAdvisory } from './advisories.ts';
export { AdvisoryRepository } from './advisories.ts';
export { migrations } from './migrations/index.ts';
export { ScanRepository, type StoredScan } from './scans.ts';
export type { Database } from './schema.ts';
export { openStore, redactDatabaseUrl, type Store, type StoreOptions, type StoreRepositories } from './store.ts';
export { VexRepository } from './vex.ts';
