import { sql } from 'kysely';
import { create } from 'xmlbuilder2';
import { toolVersion } from '../../core/index.ts';
import type { CatalogueDb } from '../db/open.ts';
import { publicStatuses } from '../submissions/states.ts';
import { versionPath } from './detail.ts';
import type { Publisher } from './documents.ts';

const atom = 'http://www.w3.org/2005/Atom';
const xmlNamespace = 'http://www.w3.org/XML/1998/namespace';

/** Characters XML 1.0 cannot carry even escaped (control characters a reason may contain) become U+FFFD. */
function xmlText(text: string): string {
  return text.replace(/[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, '\uFFFD');
}

interface FeedEvent {
  readonly id: string;
  readonly at: Date;
  readonly kind: string;
  readonly before: unknown;
  readonly after: unknown;
  readonly image: string;
  readonly digest: string;
}

const statusWords: Readonly<Record<string, string>> = {
  admitted: 'zugelassen',
  'at-risk': 'gefährdet',
  suspended: 'ausgesetzt',
  withdrawn: 'zurückgezogen',
};

function field(value: unknown, key: string): string | undefined {
  const v = value && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined;
  return typeof v === 'string' ? v : undefined;
}

/** An entry's German title, category and summary. */
function describeEvent(event: FeedEvent): { title: string; term: string; label: string; summary: string } {
  const version = `${event.image}@${event.digest}`;
  if (event.kind === 'finding-new') {
    const vulnerability = field(event.after, 'vulnerability') ?? 'unbekannt';
    const severity = field(event.after, 'severity') ?? 'UNKNOWN';
    const purl = field(event.after, 'purl');
    return {
      title: `${event.image}: neue Schwachstelle ${vulnerability} (${severity})`,
      term: 'finding-new',
      label: 'neue Schwachstelle',
      summary: `${vulnerability} (${severity})${purl ? ` in ${purl}` : ''} betrifft die Version ${version}.`,
    };
  }
  const to = field(event.after, 'status') ?? '';
  const from = field(event.before, 'status');
  const again = to === 'admitted' && from !== undefined && from !== 'awaiting-review';
  const word = again ? 'wieder zugelassen' : (statusWords[to] ?? to);
  const reason = field(event.after, 'reason');
  return {
    title: `${event.image}: Version ${word}`,
    term: to,
    label: word,
    summary: `Die Version ${version} ist ${word}.${reason ? ` Grund: ${reason}` : ''}`,
  };
}

/**
 * The Atom feed of the catalogue's admissions and security changes, newest first: status changes of versions to
 * or from public (admitted, at-risk, suspended, withdrawn from public) and new findings of versions found after
 * their admission. German titles; ids and links name the version.
 */
export async function catalogueFeed(db: CatalogueDb, publisher: Publisher, limit = 100): Promise<string> {
  const statuses = sql.join(publicStatuses);
  const rows = await db
    .selectFrom('events as e')
    .innerJoin('submissions as s', 's.id', 'e.subject_id')
    .select(['e.id', 'e.at', 'e.kind', 'e.before', 'e.after', 's.image', 's.digest'])
    .where('e.subject_kind', '=', 'submission')
    .where('e.kind', 'in', ['status', 'finding-new'])
    .where(
      sql<boolean>`((e.kind = 'status' and (e.after->>'status' in (${statuses})
          or (e.after->>'status' = 'withdrawn' and e.before->>'status' in (${statuses}))))
        or (e.kind = 'finding-new' and s.status in (${statuses}) and e.at >= s.admitted_at))`,
    )
    .orderBy('e.id', 'desc')
    .limit(limit)
    .execute();
  const events: FeedEvent[] = rows.map((r) => ({ ...r, id: String(r.id) }));
  const base = publisher.url.replace(/\/$/, '');
  const self = `${base}/api/v1/feed.atom`;
  // the newest entry dates the feed: the same events give the same bytes (and ETag)
  const updated = (events[0]?.at ?? new Date(0)).toISOString();
  const feed = create({ version: '1.0', encoding: 'UTF-8' }).ele(atom, 'feed').att(xmlNamespace, 'xml:lang', 'de');
  feed.ele(atom, 'id').txt(self);
  feed.ele(atom, 'title').txt(xmlText(`${publisher.name}: Zulassungen und Sicherheitsänderungen`));
  feed.ele(atom, 'updated').txt(updated);
  feed.ele(atom, 'link').att('rel', 'self').att('type', 'application/atom+xml').att('href', self);
  feed.ele(atom, 'link').att('rel', 'alternate').att('href', `${base}/`);
  feed.ele(atom, 'author').ele(atom, 'name').txt(xmlText(publisher.name));
  feed.ele(atom, 'generator').att('version', toolVersion).txt('sgci');
  for (const event of events) {
    const { title, term, label, summary } = describeEvent(event);
    const version = `${base}${versionPath(event.image, event.digest)}`;
    const entry = feed.ele(atom, 'entry');
    entry.ele(atom, 'id').txt(`${version}#event-${event.id}`);
    entry.ele(atom, 'title').txt(xmlText(title));
    entry.ele(atom, 'updated').txt(event.at.toISOString());
    entry.ele(atom, 'link').att('rel', 'alternate').att('href', `${base}/api/v1/images/${event.image}`);
    entry.ele(atom, 'link').att('rel', 'related').att('href', `${version}/vulns`);
    entry.ele(atom, 'category').att('term', term).att('label', label);
    entry.ele(atom, 'summary').txt(xmlText(summary));
  }
  return `${feed.end({ prettyPrint: true })}\n`;
}
