import { type RoundChange, watchKeyOf } from '../../monitor/index.ts';
import { appendEvents, type EventInput } from '../db/events.ts';
import type { CatalogueTx } from '../db/open.ts';

/** The statuses of a version the catalogue publishes: whose organisation wants to hear that its base moved. */
const published = ['admitted', 'at-risk'] as const;

/**
 * One `tag-moved` event per image whose repository holds a tag the round saw move (not a first observation), on the
 * image's newest published version: the catalogue's webhooks deliver it to that image's organisation. The event
 * carries the move as the round reported it (from, to, the change with its SBOM and vulnerability diffs, evidence).
 */
export async function recordTagMoves(tx: CatalogueTx, changes: readonly RoundChange[], now: Date): Promise<void> {
  const events: EventInput[] = [];
  for (const move of changes) {
    if (move.from === undefined) continue;
    const key = watchKeyOf(move.watch, move.platform);
    const versions = await tx
      .selectFrom('submissions as s')
      .innerJoin('images as i', 'i.name', 's.image')
      .select(['s.id', 's.image'])
      .where('i.repository', '=', `${key.registry}/${key.repository}`)
      .where('s.status', 'in', published)
      .orderBy('s.image')
      .orderBy('s.admitted_at', 'desc')
      .orderBy('s.id')
      .execute();
    const seen = new Set<string>();
    for (const version of versions) {
      if (seen.has(version.image)) continue;
      seen.add(version.image);
      events.push({
        actor: { kind: 'system' },
        subject: { kind: 'submission', id: version.id },
        kind: 'tag-moved',
        after: {
          tag: move.watch,
          platform: move.platform,
          from: move.from,
          to: move.to,
          change: move.change,
          ...(move.evidence ? { evidence: move.evidence } : {}),
        },
        at: now,
      });
    }
  }
  await appendEvents(tx, events);
}
