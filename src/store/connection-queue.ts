/**
 * The turnstile of an engine with exactly one connection (PGlite, SQLite): kysely acquires the connection for a
 * query or a whole transaction, and the next holder waits in FIFO order until it is released.
 */
export class ConnectionQueue {
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
