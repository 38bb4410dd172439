import { type Kysely, sql } from 'kysely';

/**
 * Where a version's result is not compressed with lz4 (PGlite, or a server built without lz4: migration 0009 could
 * not set it), it is stored uncompressed, out of line (`storage external`). Every re-evaluation reads the whole result
 * (100–300 KB of JSON) and writes it again, even when only its `evaluatedAt` changed; pglz takes a few milliseconds
 * each way, on PGlite in the worker's own process (measured: 10–15 % of a re-match batch's CPU). The price is disk:
 * such a result takes about three times the space. Values are stored so as they are next written.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`do $$ begin
      if (select attcompression from pg_attribute
           where attrelid = 'submissions'::regclass and attname = 'result') <> 'l' then
        alter table submissions alter column result set storage external;
      end if;
    end $$`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`alter table submissions alter column result set storage extended`.execute(db);
}
