import type { PGlite } from '@electric-sql/pglite';
import { type Kysely, sql } from 'kysely';
import { SgciError } from '../core/index.ts';

/** What a listener is told. */
export interface NotificationHandlers {
  /** A notification on the channel, with its payload, after the transaction that sent it committed. */
  readonly notify: (payload: string) => void;
  /** The session is gone (the server restarted, the connection broke): nothing comes any more, some may be lost. */
  readonly lost: (error: unknown) => void;
}

/** A database session that listens on one channel (PostgreSQL's LISTEN/NOTIFY). */
export interface NotificationListener {
  /**
   * Resolves once every notification of a transaction that committed before the call has been handed to `notify`:
   * a reader that syncs first sees every change another process committed before it asked. Rejects when the
   * session is lost.
   */
  sync(): Promise<void>;
  close(): Promise<void>;
}

export type Listen = (channel: string, handlers: NotificationHandlers) => Promise<NotificationListener>;

const channelName = /^[a-z_][a-z0-9_]{0,62}$/;

function checkChannel(channel: string): void {
  if (!channelName.test(channel)) throw new SgciError('USAGE', channel, 'not a notification channel name');
}

/**
 * Coalesces concurrent syncs into round trips: a caller waits for the next round trip that starts after it asked
 * (one already on the wire may have passed the server before the caller's change committed), and everyone who asked
 * meanwhile shares it. Under load that is one round trip per batch of requests, not one per request; the first one
 * starts once the event loop has taken in the requests that arrived with it.
 */
function coalescedRoundTrips(roundTrip: () => Promise<unknown>): () => Promise<void> {
  let waiting: { resolve: () => void; reject: (error: unknown) => void }[] = [];
  let running = false;
  const run = async () => {
    while (waiting.length > 0) {
      const batch = waiting;
      waiting = [];
      try {
        await roundTrip();
        for (const w of batch) w.resolve();
      } catch (error) {
        for (const w of batch) w.reject(error);
      }
    }
    running = false;
  };
  return () =>
    new Promise<void>((resolve, reject) => {
      waiting.push({ resolve, reject });
      if (running) return;
      running = true;
      // the first round trip waits for the requests that arrived in the same turn of the event loop to ask too
      setImmediate(run);
    });
}

/**
 * A PostgreSQL server: one connection of its own, outside the pool (a LISTEN holds its session for good). `sync`
 * sends an empty query: the server delivers the notifications pending for a session before it reports that session
 * ready again, and a committing transaction signals its listeners before its COMMIT returns, so the reply to the
 * empty query comes after every notification of a transaction that committed earlier.
 */
export function postgresListen(connectionString: string | undefined): Listen {
  return async (channel, handlers) => {
    checkChannel(channel);
    const { default: pg } = await import('pg');
    // named, so an operator tells it from the pool's connections in pg_stat_activity
    const client = new pg.Client({ connectionString, application_name: 'sgci-listen' });
    // lost is reported once, and only for a session that was up: a failed start is the caller's error
    let live = false;
    let closed = false;
    const lose = (error: unknown) => {
      if (closed) return;
      closed = true;
      client.end().catch(() => undefined);
      if (live) handlers.lost(error);
    };
    client.on('error', lose);
    client.on('end', () => lose(new Error('the listening connection ended')));
    client.on('notification', (message) => {
      if (message.channel === channel) handlers.notify(message.payload ?? '');
    });
    try {
      await client.connect();
      await client.query(`listen ${channel}`);
      live = true;
    } catch (error) {
      closed = true;
      await client.end().catch(() => undefined);
      throw error;
    }
    return {
      sync: coalescedRoundTrips(() => client.query('')),
      close: async () => {
        if (closed) return;
        closed = true;
        await client.end();
      },
    };
  };
}

/**
 * PGlite: the one session of the in-process database. LISTEN goes through kysely's turnstile (never into the middle
 * of someone's transaction); PGlite hands each notification on while it parses the COMMIT's reply, before the
 * committing query resolves, so there is nothing to wait for in `sync`. Closing stops the callback only: the
 * session is shared, another listener may still need the channel.
 */
export function pgliteListen<DB>(pglite: PGlite, db: () => Kysely<DB>): Listen {
  return async (channel, handlers) => {
    checkChannel(channel);
    await sql.raw(`listen ${channel}`).execute(db());
    const off = pglite.onNotification((name, payload) => {
      if (name === channel) handlers.notify(payload);
    });
    return {
      sync: async () => undefined,
      close: async () => off(),
    };
  };
}
