import { createHmac } from 'node:crypto';
import { type Clock, describe, SgciError } from '../core/index.ts';
import type { MonitorNotification } from './notification.ts';

const timeoutMs = 10_000;

/**
 * POSTs the notification as JSON. With a secret it is signed as the catalogue's webhooks are
 * (docs/server-webhooks.md): `X-Sgci-Signature: sha256=<hex HMAC-SHA256(secret, timestamp + "." + body)>` and
 * `X-Sgci-Timestamp`, so one receiver verifies both. A non-2xx answer or no answer within 10 s is an error naming
 * the URL; the response body is not read.
 */
export async function postWebhook(
  url: string,
  notification: MonitorNotification,
  secret: string | undefined,
  clock: Clock,
): Promise<void> {
  const target = new URL(url);
  if (target.protocol !== 'https:' && target.protocol !== 'http:') {
    throw new SgciError('USAGE', url, 'a webhook URL is http(s)');
  }
  const body = JSON.stringify(notification);
  const timestamp = Math.floor(clock().getTime() / 1000);
  const headers: Record<string, string> = { 'content-type': 'application/json', 'x-sgci-event': notification.type };
  if (secret) {
    headers['x-sgci-timestamp'] = String(timestamp);
    headers['x-sgci-signature'] = `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
  }
  let response: Response;
  try {
    response = await fetch(target, {
      method: 'POST',
      headers,
      body,
      signal: AbortSignal.timeout(timeoutMs),
      redirect: 'error',
    });
  } catch (error) {
    throw new SgciError('IO_ERROR', url, `webhook not delivered: ${describe(error)}`, { cause: error });
  }
  await response.body?.cancel();
  if (!response.ok) throw new SgciError('IO_ERROR', url, `webhook answered HTTP ${response.status}`);
}
