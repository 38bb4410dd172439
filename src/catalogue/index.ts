export { isAdmin, isMember, isReviewer, type Principal } from './accounts/principal.ts';
export { type Actor, actorId, appendEvent, type EventInput } from './db/events.ts';
export { type Catalogue, type CatalogueDb, type CatalogueOptions, type CatalogueTx, openCatalogue } from './db/open.ts';
export type { CatalogueDatabase, GlobalRole, SubmissionInputs } from './db/schema.ts';
export { type ClaimedJob, enqueueJob, JobQueue, retryDelayMs } from './jobs/queue.ts';
export { type JobContext, type JobDefinition, LeaseLost, Worker, type WorkerOptions } from './jobs/worker.ts';
