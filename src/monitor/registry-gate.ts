import { type Clock, SgciError } from '../core/index.ts';
import type { RegistryResponseInfo } from '../oci/registry/index.ts';
import { rateLimitOf } from './rate-limit.ts';

export interface GateOptions {
  /** Requests in flight to this registry at once. */
  readonly concurrency: number;
  /** Below this many requests left in the registry's window, the round pauses (or defers) this registry. */
  readonly floor: number;
  /** The longest pause a round waits out; past it, the rest of the registry's watches wait for the next round. */
  readonly maxPauseMs: number;
  readonly clock: Clock;
  readonly sleep: (ms: number) => Promise<void>;
}

/** A pause the round took (or refused to take) for one registry, and why. */
export interface RegistryPause {
  readonly registry: string;
  readonly ms: number;
  readonly reason: 'retry-after' | 'below-floor';
}

/**
 * One registry's share of a round: at most `concurrency` requests at once, and a pause when the registry asks for
 * one (429 with Retry-After) or its rate-limit budget falls below the floor. A pause longer than `maxPauseMs`, or
 * one of unknown length, defers the registry's remaining watches: RATE_LIMITED, and they stay due.
 */
export class RegistryGate {
  readonly registry: string;
  readonly pauses: RegistryPause[] = [];
  readonly #options: GateOptions;
  readonly #waiting: (() => void)[] = [];
  #active = 0;
  #pausedUntil = 0;

  constructor(registry: string, options: GateOptions) {
    this.registry = registry;
    this.#options = options;
  }

  /** Runs one request (or a few in a row) of a watch within the registry's limits. */
  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.#active >= this.#options.concurrency) {
      await new Promise<void>((resolve) => this.#waiting.push(resolve));
    } else this.#active++;
    try {
      await this.#waitOutPause();
      return await task();
    } finally {
      const next = this.#waiting.shift();
      if (next) next();
      else this.#active--;
    }
  }

  /** Reads a response of this registry: Retry-After and the remaining budget set the next pause. */
  observe(info: RegistryResponseInfo): void {
    const now = this.#options.clock();
    const signal = rateLimitOf(info, now);
    if (signal.retryAfterMs !== undefined) this.#pause(now, signal.retryAfterMs, 'retry-after');
    else if (signal.remaining !== undefined && signal.remaining < this.#options.floor) {
      // a budget below the floor without a reset time: the window is unknown, so the round stops asking
      this.#pause(now, signal.resetMs ?? Number.POSITIVE_INFINITY, 'below-floor');
    }
  }

  #pause(now: Date, ms: number, reason: RegistryPause['reason']): void {
    const until = now.getTime() + ms;
    if (until <= this.#pausedUntil) return;
    this.#pausedUntil = until;
    this.pauses.push({ registry: this.registry, ms, reason });
  }

  async #waitOutPause(): Promise<void> {
    const until = this.#pausedUntil;
    const wait = until - this.#options.clock().getTime();
    if (wait <= 0) return;
    if (wait > this.#options.maxPauseMs) {
      throw new SgciError(
        'RATE_LIMITED',
        this.registry,
        Number.isFinite(wait)
          ? `registry asked for a pause of ${Math.ceil(wait / 1000)} s, longer than a round waits: the rest waits for the next round`
          : 'registry budget is below the floor and it names no reset time: the rest waits for the next round',
      );
    }
    await this.#options.sleep(wait);
    // waited as long as asked: a clock that does not move while sleeping (SGCI_NOW) must not keep the pause alive
    if (this.#pausedUntil === until) this.#pausedUntil = 0;
  }
}
