import { type RawBuilder, sql } from 'kysely';

/** How many maintainers an image has, how many are not disabled, and how many of those were seen lately. */
export interface MaintainerCounts {
  readonly all: number;
  readonly enabled: number;
  readonly active: number;
}

export interface Orphaned {
  readonly orphaned: boolean;
  /** Why, in both languages; null while a maintainer is active. */
  readonly reason: { readonly code: string; readonly de: string; readonly en: string } | null;
}

const day = 86_400_000;

/** The moment before which a maintainer who was not seen since counts as gone. */
export function orphanCutoff(now: Date, afterDays: number): Date {
  return new Date(now.getTime() - afterDays * day);
}

/**
 * The maintainer counts of the image named by `image` (an SQL column), as one jsonb value. A user never seen is
 * judged by when the account was created: a maintainer added and never signed in goes silent like any other.
 */
export function maintainerCountsSql(image: RawBuilder<unknown>, cutoff: Date): RawBuilder<MaintainerCounts> {
  return sql<MaintainerCounts>`(select jsonb_build_object(
      'all', count(*),
      'enabled', count(*) filter (where u.disabled_at is null),
      'active', count(*) filter (where u.disabled_at is null and coalesce(u.last_seen_at, u.created_at) > ${cutoff}))
    from maintainers m join users u on u.id = m.user_id where m.image = ${image})`;
}

/**
 * An image is orphaned when none of its maintainers is left to act: all disabled, or none seen for `afterDays`
 * (sign-in sets `users.last_seen_at`). The page and the API show it with the reason.
 */
export function orphanOf(counts: MaintainerCounts, afterDays: number): Orphaned {
  if (counts.active > 0) return { orphaned: false, reason: null };
  if (counts.all === 0)
    return {
      orphaned: true,
      reason: { code: 'no-maintainer', de: 'Das Image hat keine Maintainer.', en: 'The image has no maintainers.' },
    };
  if (counts.enabled === 0)
    return {
      orphaned: true,
      reason: {
        code: 'maintainers-disabled',
        de: 'Alle Maintainer sind deaktiviert.',
        en: 'All maintainers are disabled.',
      },
    };
  return {
    orphaned: true,
    reason: {
      code: 'maintainers-silent',
      de: `Kein Maintainer war in den letzten ${afterDays} Tagen angemeldet.`,
      en: `No maintainer has signed in for ${afterDays} days.`,
    },
  };
}
