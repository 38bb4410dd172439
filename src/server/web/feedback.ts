/**
 * Feedback on barriers (§ 12b BGG): stored as an event of the catalogue's audit log (subject
 * `accessibility-feedback`, kind `received`), where administrators read it with the audit export
 * (`GET /api/v1/audit`). No table of its own: the log is already kept, exported and backed up. Anyone may send
 * feedback, so each client address may send only a few messages an hour.
 */
import { randomUUID } from 'node:crypto';
import { actorOf, appendEvent, type Catalogue, type Principal } from '../../catalogue/index.ts';

export const feedbackSubject = 'accessibility-feedback';

export interface Feedback {
  readonly message: string;
  /** The page the barrier is on, as the sender names it. */
  readonly page: string;
  /** Where to answer; empty for an anonymous message. */
  readonly email: string;
  readonly lang: 'de' | 'en';
}

/** Records the feedback; returns its id. */
export async function recordFeedback(
  catalogue: Catalogue,
  principal: Principal | undefined,
  feedback: Feedback,
): Promise<string> {
  const id = randomUUID();
  await appendEvent(catalogue.db, {
    // an anonymous sender has no account: the site itself records what it received
    actor: principal ? actorOf(principal) : { kind: 'system' },
    subject: { kind: feedbackSubject, id },
    kind: 'received',
    after: { ...feedback, anonymous: principal === undefined },
    at: catalogue.now(),
  });
  return id;
}

/**
 * A sliding window per client address, in memory: enough to keep one sender from filling the log, without a table.
 * At most `maxAddresses` are tracked; past that the oldest are forgotten.
 */
export class FeedbackLimiter {
  readonly #sent = new Map<string, number[]>();
  readonly #perAddress: number;
  readonly #windowMs: number;
  readonly #maxAddresses: number;

  constructor(options: { perAddress?: number; windowMs?: number; maxAddresses?: number } = {}) {
    this.#perAddress = options.perAddress ?? 5;
    this.#windowMs = options.windowMs ?? 3_600_000;
    this.#maxAddresses = options.maxAddresses ?? 10_000;
  }

  /** Counts one message from `address` at `now` if the address is under its budget; false when it is not. */
  allow(address: string, now: Date): boolean {
    const since = now.getTime() - this.#windowMs;
    const recent = (this.#sent.get(address) ?? []).filter((t) => t > since);
    if (recent.length >= this.#perAddress) return false;
    recent.push(now.getTime());
    this.#sent.delete(address);
    this.#sent.set(address, recent);
    if (this.#sent.size > this.#maxAddresses) {
      const oldest = this.#sent.keys().next().value;
      if (oldest !== undefined) this.#sent.delete(oldest);
    }
    return true;
  }
}
