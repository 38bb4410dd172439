import { Agent } from 'undici';
import { describe, isSgciError, toolVersion } from '../../core/index.ts';
import { HostRefusal } from '../../oci/registry/index.ts';
import type { WebhookTargets } from './targets.ts';

export interface WebhookSenderOptions {
  readonly targets: WebhookTargets;
  /** Bound of the TCP (and TLS) connect; default 5 s. */
  readonly connectTimeoutMs?: number;
  /** Bound of the whole attempt, from connect to the last byte read; default 10 s. */
  readonly timeoutMs?: number;
  /** How much of the receiver's answer is read and kept; default 4 KiB. */
  readonly excerptBytes?: number;
}

export interface WebhookPost {
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

/** One attempt as the delivery log records it. */
export interface WebhookAttemptResult {
  /** A 2xx answer. */
  readonly delivered: boolean;
  readonly statusCode: number | null;
  readonly durationMs: number;
  readonly error: string | null;
  /** The start of the answer's body, at most `excerptBytes`, as text. */
  readonly excerpt: string | null;
  /** false when trying again cannot help: the target is refused by the operator's policy. */
  readonly retryable: boolean;
}

/**
 * POSTs one delivery. Bounded everywhere, since the receiver is untrusted: the connect goes through the host
 * policy, redirects are never followed (a 3xx is a failed attempt; following one would let a receiver point the
 * server at an address the policy never saw), the whole attempt has a deadline, and only the first bytes of the
 * answer are read. No proxy is used: the policy must judge the address the server itself connects to.
 */
export class WebhookSender {
  readonly #targets: WebhookTargets;
  readonly #agent: Agent;
  readonly #connectTimeoutMs: number;
  readonly #timeoutMs: number;
  readonly #excerptBytes: number;

  constructor(options: WebhookSenderOptions) {
    this.#targets = options.targets;
    this.#connectTimeoutMs = options.connectTimeoutMs ?? 5_000;
    this.#timeoutMs = options.timeoutMs ?? 10_000;
    this.#excerptBytes = options.excerptBytes ?? 4_096;
    this.#agent = new Agent({
      connect: options.targets.connector({ timeout: this.#connectTimeoutMs }),
      headersTimeout: this.#timeoutMs,
      bodyTimeout: this.#timeoutMs,
      // one connection per delivery: a receiver cannot hold sockets open across attempts
      pipelining: 0,
    });
  }

  /** Sends `request`; every failure of the receiver becomes a result, only `signal` (shutdown) throws. */
  async send(request: WebhookPost, signal?: AbortSignal): Promise<WebhookAttemptResult> {
    const started = performance.now();
    const elapsed = () => Math.round(performance.now() - started);
    let url: URL;
    try {
      url = this.#targets.parse(request.url);
    } catch (error) {
      if (!isSgciError(error)) throw error;
      // the operator's allowance changed since registration: `url: plain http only …` without the field's name
      return failure(`refused: ${error.message.slice(`${error.input}: `.length)}`, elapsed(), false);
    }
    const deadline = AbortSignal.timeout(this.#timeoutMs);
    try {
      const response = await this.#agent.request({
        origin: url.origin,
        path: `${url.pathname}${url.search}`,
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'user-agent': `sgci-webhooks/${toolVersion}`,
          ...request.headers,
        },
        body: request.body,
        signal: signal ? AbortSignal.any([signal, deadline]) : deadline,
      });
      const excerpt = await this.#excerpt(response.body);
      const statusCode = response.statusCode;
      const delivered = statusCode >= 200 && statusCode < 300;
      const location = response.headers.location;
      const error = delivered
        ? null
        : statusCode >= 300 && statusCode < 400
          ? `redirect not followed (to ${String(location ?? 'nowhere').slice(0, 200)})`
          : `answered ${statusCode}`;
      return { delivered, statusCode, durationMs: elapsed(), error, excerpt, retryable: true };
    } catch (error) {
      if (signal?.aborted) throw error;
      const refusal = refusalIn(error);
      if (refusal) return failure(`refused: ${this.#targets.reason(refusal, url)}`, elapsed(), false);
      if (deadline.aborted) return failure(`no complete answer within ${this.#timeoutMs} ms`, elapsed(), true);
      if (codeOf(error) === 'UND_ERR_CONNECT_TIMEOUT')
        return failure(`could not connect within ${this.#connectTimeoutMs} ms`, elapsed(), true);
      return failure(describe(error), elapsed(), true);
    }
  }

  /** The first `excerptBytes` of the body, then the connection is dropped: a receiver cannot stream forever. */
  async #excerpt(body: AsyncIterable<Uint8Array> & { destroy(): unknown }): Promise<string | null> {
    const chunks: Uint8Array[] = [];
    let total = 0;
    for await (const chunk of body) {
      chunks.push(chunk);
      total += chunk.length;
      if (total >= this.#excerptBytes) {
        body.destroy();
        break;
      }
    }
    if (total === 0) return null;
    // PostgreSQL text holds no NUL; a cut multi-byte character becomes U+FFFD
    return Buffer.concat(chunks).subarray(0, this.#excerptBytes).toString('utf8').replaceAll('\u0000', '\uFFFD');
  }

  async close(): Promise<void> {
    await this.#agent.close();
  }
}

function failure(error: string, durationMs: number, retryable: boolean): WebhookAttemptResult {
  return { delivered: false, statusCode: null, durationMs, error, excerpt: null, retryable };
}

/** undici hands the connector's error through, sometimes as the cause of its own. */
function refusalIn(error: unknown): HostRefusal | undefined {
  for (let e = error, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    if (e instanceof HostRefusal) return e;
  }
  return undefined;
}

function codeOf(error: unknown): string | undefined {
  return error instanceof Error ? (error as NodeJS.ErrnoException).code : undefined;
}
