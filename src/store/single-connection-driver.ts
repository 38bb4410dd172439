import { CompiledQuery, type DatabaseConnection, type Driver } from 'kysely';

/**
 * The turnstile of an engine with exactly one connection (PGlite, SQLite): kysely acquires the connection for a
 * query or a whole transaction, and the next holder waits in FIFO order until it is released.
 */
class ConnectionQueue {
  /** Settles when the last holder in line has released. */
  #tail: Promise<void> = Promise.resolve();
  #release: (() => void) | undefined;

  async acquire(): Promise<void> {
    const previous = this.#tail;
    let release!: () => void;
    this.#tail = new Promise<void>((resolve) => {
      release = resolve;
    });
    await previous;
    this.#release = release;
  }

  release(): void {
    const release = this.#release;
    this.#release = undefined;
    release?.();
  }

  /** Waits until every holder in line has released (before closing the engine). */
  async drained(): Promise<void> {
    await this.#tail;
  }
}

/** How an engine with one connection opens, begins a transaction and closes. */
export interface SingleConnection {
  readonly connection: DatabaseConnection;
  /** The statement that starts a transaction (`begin`, SQLite's `begin immediate`). */
  readonly begin: string;
  ready(): Promise<void>;
  close(): Promise<void>;
}

/** The kysely driver of an engine with exactly one connection: one holder at a time, a transaction included. */
export class SingleConnectionDriver implements Driver {
  readonly #engine: SingleConnection;
  readonly #queue = new ConnectionQueue();

  constructor(engine: SingleConnection) {
    this.#engine = engine;
  }

  async init(): Promise<void> {
    await this.#engine.ready();
  }

  async acquireConnection(): Promise<DatabaseConnection> {
    await this.#queue.acquire();
    return this.#engine.connection;
  }

  async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw(this.#engine.begin));
  }

  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('commit'));
  }

  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('rollback'));
  }

  async releaseConnection(): Promise<void> {
    this.#queue.release();
  }

  async destroy(): Promise<void> {
    await this.#queue.drained();
    await this.#engine.close();
  }
}
