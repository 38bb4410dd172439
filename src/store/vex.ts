import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { VexStatement } from '../vuln/index.ts';
import { VexReads } from './advisory-reads.ts';
import { kyselyReads } from './read-queries.ts';
import type { Database } from './schema.ts';

/** VEX statements authored with `sgci vex add`; ids are content hashes so adding twice is a no-op. */
export class VexRepository extends VexReads {
  readonly #db: Kysely<Database>;

  constructor(db: Kysely<Database>) {
    super(kyselyReads(db));
    this.#db = db;
  }

  static idOf(statement: VexStatement): string {
    return createHash('sha256').update(canonicalJson(statement)).digest('hex').slice(0, 16);
  }

  async add(statement: VexStatement, now: Date = new Date()): Promise<string> {
    const id = statement.id ?? VexRepository.idOf(statement);
    await this.#db
      .insertInto('vex_statements')
      .values({
        id,
        vulnerability: statement.vulnerability.id,
        statement: JSON.stringify({ ...statement, id }),
        created_at: now,
      })
      .onConflict((oc) => oc.column('id').doNothing())
      .execute();
    return id;
  }

  async remove(id: string): Promise<boolean> {
    const result = await this.#db.deleteFrom('vex_statements').where('id', '=', id).executeTakeFirst();
    return result.numDeletedRows > 0n;
  }
}

/** JSON with object keys sorted at every level, so equal statements hash equally. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}
