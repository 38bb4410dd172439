import type { JobDefinition } from '../jobs/worker.ts';
import { type WebhookDelivery, webhookDeliverJob } from './deliver-job.ts';
import { webhookDispatchJob } from './dispatch-job.ts';

/** The webhooks' jobs, for every worker: the periodic dispatcher and the deliveries it queues. */
export function webhookJobs(delivery: WebhookDelivery): JobDefinition<unknown>[] {
  return [webhookDispatchJob(), webhookDeliverJob(delivery)] as JobDefinition<unknown>[];
}
