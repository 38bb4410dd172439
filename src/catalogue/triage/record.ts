import { type ExpressionBuilder, sql } from 'kysely';
import { SgciError } from '../../core/index.ts';
import { actorOf, isMember, isReviewer, type Principal } from '../accounts/principal.ts';
import { appendEvent } from '../db/events.ts';
import type { Catalogue, CatalogueDb } from '../db/open.ts';
import type { CatalogueDatabase } from '../db/schema.ts';
import { publicStatuses } from '../submissions/states.ts';
import { canSee } from '../submissions/view.ts';
import {
  type DecisionDraft,
  type DecisionScope,
  decisionOf,
  maxDecisionLifetimeMs,
  type VexDecision,
  type VexDecisionRow,
} from './decision.ts';
import { type DecisionImpact, decisionImpact } from './impact.ts';
import type { CatalogueVexSource } from './source.ts';
import { type NearMiss, unmatchedDecisions } from './unmatched.ts';

/** Whom a scope belongs to: the organisation that owns it (null for a catalogue-wide package URL) and its image. */
interface ScopeOwner {
  readonly organisation: string | null;
  readonly image: string | null;
}

/**
 * Who may record or withdraw a decision for a scope: reviewers (and admins) for any scope; contributors for their
 * organisation's images and for their organisation. A catalogue-wide package URL is for reviewers only. An image
 * the principal may not see is NOT_FOUND, as everywhere.
 */
async function authorise(db: CatalogueDb, principal: Principal, scope: DecisionScope): Promise<ScopeOwner> {
  const reviewer = isReviewer(principal);
  if (scope.kind === 'purl') {
    if (!reviewer)
      throw new SgciError('FORBIDDEN', 'scope', 'only reviewers decide for a package across the catalogue');
    return { organisation: null, image: null };
  }
  if (scope.kind === 'organisation') {
    const org = await db
      .selectFrom('organisations')
      .select('slug')
      .where('slug', '=', scope.organisation)
      .executeTakeFirst();
    if (!org) throw new SgciError('NOT_FOUND', 'scope/organisation', `no organisation ${scope.organisation}`);
    if (!reviewer && !isMember(principal, org.slug))
      throw new SgciError('FORBIDDEN', 'scope', `only reviewers and members of ${org.slug} decide for its images`);
    return { organisation: org.slug, image: null };
  }
  const image = await db
    .selectFrom('images')
    .select(['name', 'organisation'])
    .where('name', '=', scope.image)
    .executeTakeFirst();
  const published = image
    ? await db
        .selectFrom('submissions')
        .select('id')
        .where('image', '=', image.name)
        .where('status', 'in', [...publicStatuses])
        .executeTakeFirst()
    : undefined;
  if (!image || (!reviewer && !isMember(principal, image.organisation) && !published))
    throw new SgciError('NOT_FOUND', 'scope/image', `no image ${scope.image}`);
  if (!reviewer && !isMember(principal, image.organisation))
    throw new SgciError('FORBIDDEN', 'scope', `only reviewers and members of ${image.organisation} decide for it`);
  return { organisation: image.organisation, image: image.name };
}

function checkExpiry(expires: Date, now: Date): void {
  if (expires.getTime() <= now.getTime())
    throw new SgciError('USAGE', 'expires', 'a decision must expire in the future');
  if (expires.getTime() - now.getTime() > maxDecisionLifetimeMs)
    throw new SgciError('USAGE', 'expires', 'a decision expires at most 366 days ahead: look at it again by then');
}

/** The draft as the decision it would become, recorded now by `principal` (id `draft`). */
export function draftDecision(principal: Principal, draft: DecisionDraft, now: Date): VexDecision {
  return {
    id: 'draft',
    vulnerability: draft.vulnerability,
    scope: draft.scope,
    status: draft.status,
    ...(draft.justification ? { justification: draft.justification } : {}),
    ...(draft.impactStatement ? { impactStatement: draft.impactStatement } : {}),
    ...(draft.actionStatement ? { actionStatement: draft.actionStatement } : {}),
    author: { id: principal.userId, name: principal.displayName },
    createdAt: now.toISOString(),
    expiresAt: new Date(draft.expires).toISOString(),
    state: 'in-force',
  };
}

const allVersions = () => true;

/**
 * `POST /api/v1/vex/decisions/dry-run`: which findings of which versions the draft would change, from their stored
 * findings, with nothing saved. Checked as a recording would be (rights, expiry).
 */
export async function dryRunDecision(
  catalogue: Catalogue,
  source: CatalogueVexSource,
  principal: Principal,
  draft: DecisionDraft,
): Promise<DecisionImpact> {
  const now = catalogue.now();
  await authorise(catalogue.db, principal, draft.scope);
  checkExpiry(new Date(draft.expires), now);
  return decisionImpact(
    catalogue.db,
    source,
    { kind: 'add', decision: draftDecision(principal, draft, now) },
    now,
    (v) => canSee(principal, v),
  );
}

/** The versions whose findings a change alters, for the event: what re-evaluation and webhooks start from. */
function changedVersions(impact: DecisionImpact): string[] {
  return impact.versions.map((v) => v.submission);
}

/**
 * Records a decision once for its vulnerability and scope; the event (with the versions whose findings it changes)
 * is written in the same transaction. It applies from now on to every matching version: the scan job and
 * re-evaluation read it through the catalogue's VEX source.
 */
export async function recordDecision(
  catalogue: Catalogue,
  source: CatalogueVexSource,
  principal: Principal,
  draft: DecisionDraft,
): Promise<VexDecision> {
  const now = catalogue.now();
  const owner = await authorise(catalogue.db, principal, draft.scope);
  const expires = new Date(draft.expires);
  checkExpiry(expires, now);
  const impact = await decisionImpact(
    catalogue.db,
    source,
    { kind: 'add', decision: draftDecision(principal, draft, now) },
    now,
    allVersions,
  );
  return catalogue.transaction(async (tx) => {
    const row = await tx
      .insertInto('vex_decisions')
      .values({
        vulnerability: draft.vulnerability,
        scope_kind: draft.scope.kind,
        scope_purl: draft.scope.purl ?? null,
        scope_image: owner.image,
        organisation: owner.organisation,
        status: draft.status,
        justification: draft.justification ?? null,
        impact_statement: draft.impactStatement ?? null,
        action_statement: draft.actionStatement ?? null,
        author: principal.userId,
        author_name: principal.displayName,
        created_at: now,
        expires_at: expires,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    const decision = decisionOf(row, now);
    await appendEvent(tx, {
      actor: actorOf(principal),
      subject: { kind: 'vex-decision', id: decision.id },
      kind: 'created',
      after: { ...decision, versions: changedVersions(impact) },
      at: now,
    });
    return decision;
  });
}

/** Decisions `principal` may read: catalogue-wide ones, their organisation's, and those about published images. */
function visibleTo(principal: Principal | undefined) {
  return (eb: ExpressionBuilder<CatalogueDatabase, 'vex_decisions'>) => {
    if (isReviewer(principal)) return eb.lit(true);
    const published = eb
      .selectFrom('submissions')
      .select(sql.lit(1).as('one'))
      .where('submissions.status', 'in', [...publicStatuses])
      .where((s) =>
        s.or([
          s.and([
            s('vex_decisions.scope_kind', '=', 'image'),
            s('submissions.image', '=', s.ref('vex_decisions.scope_image')),
          ]),
          s.and([
            s('vex_decisions.scope_kind', '=', 'organisation'),
            s('submissions.organisation', '=', s.ref('vex_decisions.organisation')),
          ]),
        ]),
      );
    const organisations = principal?.organisations ?? [];
    return eb.or([
      eb('vex_decisions.scope_kind', '=', 'purl'),
      ...(organisations.length > 0 ? [eb('vex_decisions.organisation', 'in', [...organisations])] : []),
      eb.exists(published),
    ]);
  };
}

/** One decision, or NOT_FOUND when there is none or `principal` may not read it. */
export async function decisionById(
  db: CatalogueDb,
  principal: Principal | undefined,
  id: string,
  now: Date,
): Promise<VexDecision> {
  const row = await db
    .selectFrom('vex_decisions')
    .selectAll()
    .where('id', '=', id)
    .where(visibleTo(principal))
    .executeTakeFirst();
  if (!row) throw new SgciError('NOT_FOUND', id, 'no such decision');
  return decisionOf(row, now);
}

/**
 * Withdraws a decision: from now on it applies nowhere (its findings read as the other statements say). Who may
 * record it may withdraw it. The event lists the versions whose findings change.
 */
export async function withdrawDecision(
  catalogue: Catalogue,
  source: CatalogueVexSource,
  principal: Principal,
  id: string,
  reason: string,
): Promise<VexDecision> {
  const now = catalogue.now();
  const current = await decisionById(catalogue.db, principal, id, now);
  await authorise(catalogue.db, principal, current.scope);
  const impact = await decisionImpact(catalogue.db, source, { kind: 'withdraw', decision: current }, now, allVersions);
  return catalogue.transaction(async (tx) => {
    const row = await tx
      .updateTable('vex_decisions')
      .set({ withdrawn_at: now, withdrawn_by: principal.userId, withdrawal_reason: reason })
      .where('id', '=', id)
      .where('withdrawn_at', 'is', null)
      .returningAll()
      .executeTakeFirst();
    if (!row) throw new SgciError('CONFLICT', id, 'the decision is already withdrawn');
    const decision = decisionOf(row, now);
    await appendEvent(tx, {
      actor: actorOf(principal),
      subject: { kind: 'vex-decision', id },
      kind: 'withdrawn',
      before: { state: current.state },
      after: { state: decision.state, reason, versions: changedVersions(impact) },
      at: now,
    });
    return decision;
  });
}

export interface DecisionFilter {
  readonly vulnerability?: string;
  readonly image?: string;
  readonly organisation?: string;
  readonly purl?: string;
  readonly status?: VexDecision['status'];
  readonly state?: VexDecision['state'];
  /** Only decisions that expire at or before this time (with `state` in-force: those that expire soon). */
  readonly expiresBefore?: Date;
  /** Only decisions (not withdrawn) whose scope and vulnerability match no finding of any live version. */
  readonly unmatched?: boolean;
  /** Decisions with an id below this one (the `next` of the previous page). */
  readonly cursor?: string;
  readonly limit: number;
}

export interface DecisionListItem extends VexDecision {
  /** With `unmatched`: the findings the decision nearly names, and why they do not match. */
  readonly nearMisses?: readonly NearMiss[];
}

function filtered(db: CatalogueDb, principal: Principal | undefined, filter: DecisionFilter, now: Date) {
  let query = db.selectFrom('vex_decisions').selectAll().where(visibleTo(principal));
  if (filter.vulnerability) query = query.where('vulnerability', '=', filter.vulnerability);
  if (filter.image) query = query.where('scope_image', '=', filter.image);
  if (filter.organisation) query = query.where('organisation', '=', filter.organisation);
  if (filter.purl) query = query.where('scope_purl', '=', filter.purl);
  if (filter.status) query = query.where('status', '=', filter.status);
  if (filter.state === 'withdrawn') query = query.where('withdrawn_at', 'is not', null);
  if (filter.state === 'in-force') query = query.where('withdrawn_at', 'is', null).where('expires_at', '>', now);
  if (filter.state === 'expired') query = query.where('withdrawn_at', 'is', null).where('expires_at', '<=', now);
  if (filter.unmatched) query = query.where('withdrawn_at', 'is', null);
  if (filter.expiresBefore) query = query.where('expires_at', '<=', filter.expiresBefore);
  return query.orderBy('id', 'desc');
}

/**
 * A page of decisions, newest first, and the cursor of the next page (null on the last). With `unmatched`, the
 * decisions are tried against the findings page by page until the page is full.
 */
export async function listDecisions(
  catalogue: Catalogue,
  source: CatalogueVexSource,
  principal: Principal | undefined,
  filter: DecisionFilter,
): Promise<{ items: DecisionListItem[]; next: string | null }> {
  const now = catalogue.now();
  const items: DecisionListItem[] = [];
  let cursor = filter.cursor;
  for (;;) {
    let query = filtered(catalogue.db, principal, filter, now).limit(filter.limit + 1);
    if (cursor) query = query.where('id', '<', cursor);
    const rows: VexDecisionRow[] = await query.execute();
    const page = rows.slice(0, filter.limit).map((row) => decisionOf(row, now));
    const more = rows.length > filter.limit;
    if (!filter.unmatched) return { items: page, next: more ? (page.at(-1)?.id ?? null) : null };
    const unmatched = await unmatchedDecisions(catalogue.db, source, page, now, (v) => canSee(principal, v));
    for (const decision of page) {
      const nearMisses = unmatched.get(decision.id);
      if (nearMisses) items.push({ ...decision, nearMisses });
      if (items.length === filter.limit) {
        const rest = page.slice(page.indexOf(decision) + 1).length > 0 || more;
        return { items, next: rest ? decision.id : null };
      }
    }
    if (!more) return { items, next: null };
    cursor = page.at(-1)?.id;
  }
}
