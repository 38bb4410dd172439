import type { NotificationListener } from '../../store/index.ts';
import type { Catalogue } from './open.ts';

/** The channel the catalogue's triggers notify when a table the public catalogue reads changed (migration 0008). */
export const catalogueChannel = 'sgci_catalogue';

/** How long after a lost or failed listening session the next request tries again (catalogue clock). */
const retryMs = 5_000;

/**
 * A count of the committed changes to what the public catalogue shows, in this process: every notification on
 * `sgci_catalogue` (sent by statement triggers of the tables the public reads, whichever process wrote them) adds
 * one. Whatever was computed at one generation is current while the generation is the same.
 */
export interface CatalogueChanges {
  /**
   * The generation once every change committed before the call is counted; undefined while no listening session
   * is up (nothing may be reused then: a change could pass unnoticed).
   */
  current(): Promise<number | undefined>;
}

class ChangeCounter implements CatalogueChanges {
  readonly #catalogue: Catalogue;
  #generation = 0;
  #listener: NotificationListener | undefined;
  #connecting: Promise<void> | undefined;
  /** When the next attempt may start, in catalogue-clock milliseconds. */
  #retryAt = Number.NEGATIVE_INFINITY;

  constructor(catalogue: Catalogue) {
    this.#catalogue = catalogue;
  }

  async current(): Promise<number | undefined> {
    if (!this.#listener && !this.#connecting && this.#catalogue.now().getTime() >= this.#retryAt)
      this.#connecting = this.#connect().finally(() => {
        this.#connecting = undefined;
      });
    if (this.#connecting) await this.#connecting;
    const listener = this.#listener;
    if (!listener) return undefined;
    try {
      await listener.sync();
    } catch {
      this.#lose(listener);
      return undefined;
    }
    return this.#listener === listener ? this.#generation : undefined;
  }

  async #connect(): Promise<void> {
    let listener: NotificationListener | undefined;
    try {
      listener = await this.#catalogue.store.listen(catalogueChannel, {
        notify: () => {
          this.#generation++;
        },
        lost: () => {
          if (listener) this.#lose(listener);
        },
      });
      // whatever changed while nobody listened went uncounted: count it now
      this.#generation++;
      this.#listener = listener;
    } catch {
      this.#retryAt = this.#catalogue.now().getTime() + retryMs;
    }
  }

  #lose(listener: NotificationListener): void {
    if (this.#listener !== listener) return;
    this.#listener = undefined;
    this.#generation++;
    this.#retryAt = this.#catalogue.now().getTime() + retryMs;
    void listener.close().catch(() => undefined);
  }
}

const counters = new WeakMap<Catalogue, CatalogueChanges>();

/**
 * The change count of this catalogue: one listening session per opened catalogue (per process), opened on first
 * use, closed with the catalogue; reopened on the first use 5 s after it was lost.
 */
export function catalogueChanges(catalogue: Catalogue): CatalogueChanges {
  let counter = counters.get(catalogue);
  if (!counter) {
    counter = new ChangeCounter(catalogue);
    counters.set(catalogue, counter);
  }
  return counter;
}
