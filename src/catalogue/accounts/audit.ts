import type { CatalogueDb } from '../db/open.ts';

/** One entry of the audit log as exported: the event's row, its id a decimal string (bigserial). */
export interface AuditEntry {
  readonly id: string;
  readonly at: string;
  readonly actor: string;
  readonly subject: { readonly kind: string; readonly id: string };
  readonly kind: string;
  readonly before: unknown;
  readonly after: unknown;
}

/**
 * The events after `afterId` in the order they were written, at most `limit`: a page of the export, the last id the
 * cursor of the next. Ids grow with every append, so an export resumed from a cursor misses nothing and repeats
 * nothing.
 */
export async function auditPage(db: CatalogueDb, afterId: string, limit: number): Promise<AuditEntry[]> {
  const rows = await db.selectFrom('events').selectAll().where('id', '>', afterId).orderBy('id').limit(limit).execute();
  return rows.map((r) => ({
    id: String(r.id),
    at: r.at.toISOString(),
    actor: r.actor,
    subject: { kind: r.subject_kind, id: r.subject_id },
    kind: r.kind,
    before: r.before ?? null,
    after: r.after ?? null,
  }));
}
