/**
 * The .debs of a build that assembles while it still downloads them: each is opened (on `DebWorkers`) as soon as
 * its download is verified, while the others still download, and the assembly, started before the downloads end,
 * awaits each where it takes it. Both runs of the reproducibility proof build this way, so over a slow line the
 * decompression of the packages that arrived runs while the rest are still on their way.
 */
import { SgciError } from '../../core/index.ts';
import type { ExpandedDeb } from './read-deb.ts';
import type { DebRequest, DebWorkers, OpenedDebs } from './read-debs.ts';

/** A package to open on arrival: one with the sha256 its download is verified against. */
export type ArrivingDeb = DebRequest & { readonly sha256: string };

export class DebArrivals {
  /** An entry for each package to open, there from the start: the assembly's `opened`. */
  readonly opened: OpenedDebs = new Map();
  readonly #toOpen = new Map<string, { request: ArrivingDeb; tars: PromiseWithResolvers<ExpandedDeb> }>();
  readonly #arrivals = new Map<string, PromiseWithResolvers<void>>();
  readonly #workers: DebWorkers;

  /**
   * `all`: the sha256 of every .deb to come; `toOpen`: those to open as they arrive (the others come from a cache
   * and need their .deb only when it fails them).
   */
  constructor(all: Iterable<string>, toOpen: readonly ArrivingDeb[], workers: DebWorkers) {
    this.#workers = workers;
    for (const sha256 of all) this.#arrival(sha256);
    for (const request of toOpen) {
      const tars = Promise.withResolvers<ExpandedDeb>();
      // a failure is reported where the assembly takes the package, or not at all when the build stopped before
      tars.promise.catch(() => undefined);
      this.opened.set(request.sha256, tars.promise);
      this.#toOpen.set(request.sha256, { request, tars });
      this.#arrival(request.sha256);
    }
  }

  #arrival(sha256: string): void {
    if (this.#arrivals.has(sha256)) return;
    const arrival = Promise.withResolvers<void>();
    arrival.promise.catch(() => undefined);
    this.#arrivals.set(sha256, arrival);
  }

  /** The .deb with this sha256 is verified at its path: opened now when it is one to open. */
  arrived(sha256: string): void {
    this.#arrivals.get(sha256)?.resolve();
    const waiting = this.#toOpen.get(sha256);
    if (waiting === undefined) return;
    this.#toOpen.delete(sha256);
    waiting.tars.resolve(this.#workers.open(waiting.request));
  }

  /**
   * The package with this sha256 comes as `tars`, opened elsewhere (the first run of the proof expanded it from its
   * verified .deb): taken as if it had been opened here on arrival.
   */
  handedOver(sha256: string, tars: Promise<ExpandedDeb>): void {
    this.#arrivals.get(sha256)?.resolve();
    const waiting = this.#toOpen.get(sha256);
    if (waiting === undefined) return;
    this.#toOpen.delete(sha256);
    waiting.tars.resolve(tars);
  }

  /** Settles once the .deb with this sha256 is verified at its path (or never will be). */
  fetched(sha256: string): Promise<void> {
    return (
      this.#arrivals.get(sha256)?.promise ??
      Promise.reject(new SgciError('IO_ERROR', `sha256:${sha256}`, 'not a package of this build'))
    );
  }

  /** No more will arrive: each package that has not fails with `why`. */
  ended(why: (sha256: string) => Error): void {
    for (const [sha256, arrival] of this.#arrivals) arrival.reject(why(sha256));
    for (const [sha256, { tars }] of this.#toOpen) tars.reject(why(sha256));
    this.#toOpen.clear();
  }
}
