import type { Actor } from '../db/events.ts';
import type { GlobalRole } from '../db/schema.ts';

/** Who is asking, once authenticated: by session (browser) or API token (automation). */
export interface Principal {
  readonly userId: string;
  readonly login: string;
  readonly displayName: string;
  /** reviewer or admin for the whole catalogue; null: a contributor where `organisations` say so. */
  readonly role: GlobalRole | null;
  /** The organisations the user contributes for. */
  readonly organisations: readonly string[];
  readonly via: { readonly kind: 'session' } | { readonly kind: 'token'; readonly prefix: string };
}

export function isReviewer(p: Principal | undefined): boolean {
  return p?.role === 'reviewer' || p?.role === 'admin';
}

export function isAdmin(p: Principal | undefined): boolean {
  return p?.role === 'admin';
}

export function isMember(p: Principal | undefined, organisation: string): boolean {
  return p?.organisations.includes(organisation) === true;
}

/** Whether the user contributes for an organisation: only then can they submit (and follow) images. */
export function isContributor(p: Principal | undefined): boolean {
  return (p?.organisations.length ?? 0) > 0;
}

/** The principal as the audit log names it: the user, or the user's token by its shown prefix. */
export function actorOf(p: Principal): Actor {
  return p.via.kind === 'token'
    ? { kind: 'token', prefix: p.via.prefix, userId: p.userId }
    : { kind: 'user', id: p.userId };
}
