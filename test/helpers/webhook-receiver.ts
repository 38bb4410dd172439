/**
 * A webhook receiver on loopback (node:http), as a customer would write one from docs/server-webhooks.md: it
 * verifies every delivery with the documented algorithm, written out here with node:crypto (not sgci's own
 * helper), against the secret shown at registration and the test's clock.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedDelivery {
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
  /** The signature matches and the timestamp is within five minutes of the test clock. */
  readonly verified: boolean;
}

/** How the receiver answers one request; the default is 204. */
export type Answer = (response: ServerResponse) => void;

/** The documented check: HMAC-SHA256 over `timestamp + "." + body`, keyed by the secret's UTF-8 bytes. */
export function verifiesAsDocumented(secret: string, headers: IncomingHttpHeaders, body: string, now: Date): boolean {
  const timestamp = String(headers['x-sgci-timestamp'] ?? '');
  const signature = String(headers['x-sgci-signature'] ?? '');
  if (!/^\d+$/.test(timestamp)) return false;
  if (Math.abs(Math.floor(now.getTime() / 1000) - Number(timestamp)) > 300) return false;
  const expected = Buffer.from(`sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`);
  const given = Buffer.from(signature);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

export class WebhookReceiver implements AsyncDisposable {
  readonly received: ReceivedDelivery[] = [];
  /** Secrets by path: each webhook of a test gets its own path. */
  readonly secrets = new Map<string, string>();
  /** Answers by path, used up in order; then 204. */
  readonly answers = new Map<string, Answer[]>();
  readonly #server: Server;
  readonly #now: () => Date;

  private constructor(server: Server, now: () => Date) {
    this.#server = server;
    this.#now = now;
  }

  static async start(now: () => Date): Promise<WebhookReceiver> {
    const server = createServer();
    const receiver = new WebhookReceiver(server, now);
    server.on('request', (request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const path = request.url ?? '/';
        const body = Buffer.concat(chunks).toString('utf8');
        const secret = receiver.secrets.get(path);
        const verified = secret !== undefined && verifiesAsDocumented(secret, request.headers, body, receiver.#now());
        receiver.received.push({ path, headers: request.headers, body, verified });
        const answer = receiver.answers.get(path)?.shift();
        if (answer) answer(response);
        else response.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return receiver;
  }

  get port(): number {
    return (this.#server.address() as AddressInfo).port;
  }

  /** `127.0.0.1:PORT`: what the operator allows. */
  get host(): string {
    return `127.0.0.1:${this.port}`;
  }

  url(path: string): string {
    return `http://${this.host}${path}`;
  }

  at(path: string): ReceivedDelivery[] {
    return this.received.filter((r) => r.path === path);
  }

  async [Symbol.asyncDispose](): Promise<void> {
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }
}

export const answer = {
  status:
    (status: number, body = ''): Answer =>
    (response) =>
      response.writeHead(status, { 'content-type': 'text/plain' }).end(body),
  redirect:
    (location: string): Answer =>
    (response) =>
      response.writeHead(302, { location }).end(),
  /** Never answers: the sender's deadline must end the attempt. */
  silence: (): Answer => () => undefined,
};
