/**
 * The catalogue on each engine it runs on, for suites that must behave the same on the embedded PGlite and on a
 * real PostgreSQL (started per suite in a temp dir). A settable clock replaces waiting.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Catalogue, openCatalogue } from '../../src/catalogue/index.ts';
import { postgresMissing, startPostgres, type TestPostgres } from './postgres.ts';

export type CatalogueEngine = 'pglite' | 'postgres';

/** Each engine with the reason it is skipped here, if it is. */
export const catalogueEngines: readonly { engine: CatalogueEngine; skip: string | undefined }[] = [
  { engine: 'pglite', skip: undefined },
  { engine: 'postgres', skip: postgresMissing() },
];

/** A clock the test moves by hand. */
export class TestClock {
  #now: number;
  constructor(start = '2026-12-01T09:00:00Z') {
    this.#now = Date.parse(start);
  }
  readonly now = (): Date => new Date(this.#now);
  advance(ms: number): void {
    this.#now += ms;
  }
}

/** Opens fresh catalogues on one engine; `open` may be called several times (two processes on one database). */
export class TestCatalogues implements AsyncDisposable {
  readonly engine: CatalogueEngine;
  readonly clock = new TestClock();
  #server: TestPostgres | undefined;
  #dir: string | undefined;
  readonly #open: Catalogue[] = [];

  constructor(engine: CatalogueEngine) {
    this.engine = engine;
  }

  /** The database URL (PostgreSQL) or directory (PGlite) this suite's catalogues share. */
  async location(): Promise<{ databaseUrl?: string; dataDir?: string }> {
    if (this.engine === 'postgres') {
      this.#server ??= await startPostgres();
      return { databaseUrl: this.#server.url };
    }
    this.#dir ??= mkdtempSync(join(tmpdir(), 'sgci-catalogue-'));
    return { dataDir: join(this.#dir, 'db') };
  }

  async open(): Promise<Catalogue> {
    // an empty DATABASE_URL keeps a developer's own from leaking into PGlite suites
    const catalogue = await openCatalogue({ databaseUrl: '', ...(await this.location()), now: this.clock.now });
    this.#open.push(catalogue);
    return catalogue;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    for (const c of this.#open.splice(0)) await c.close().catch(() => undefined);
    await this.#server?.stop();
    if (this.#dir) rmSync(this.#dir, { recursive: true, force: true });
  }
}
