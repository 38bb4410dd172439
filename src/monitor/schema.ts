import { z } from 'zod';

/** A signed ledger export's predicate as read back: strict on what the monitor writes, the change left as recorded. */
export const HistoryPredicate = z.object({
  tag: z.string(),
  platform: z.string(),
  observer: z.object({ tool: z.literal('sgci'), version: z.string() }),
  exportedAt: z.string(),
  entries: z.array(
    z.object({
      digest: z.string(),
      platformDigest: z.string(),
      configDigest: z.string(),
      diffIds: z.array(z.string()),
      firstSeen: z.string(),
      lastSeen: z.string(),
      source: z.enum(['head', 'get']),
      change: z.unknown(),
    }),
  ),
  alarms: z.array(
    z.object({ kind: z.string(), digest: z.string().optional(), raisedAt: z.string(), detail: z.string() }),
  ),
});
export type HistoryPredicate = z.infer<typeof HistoryPredicate>;
