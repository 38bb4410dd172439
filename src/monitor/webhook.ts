import { type Clock, describe, SgciError, webhookHeaders, webhookSignature } from '../core/index.ts';
import type { MonitorNotification } from './notification.ts';

const timeoutMs = 10_000;

/**
 * POSTs the notification as JSON. With a secret it is signed by `webhookSignature`, as the catalogue's webhooks are,
 * so one receiver verifies both. A non-2xx answer or no answer within 10 s is an error naming
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
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    [webhookHeaders.event]: notification.type,
  };
  if (secret) {
    headers[webhookHeaders.timestamp] = String(timestamp);
    headers[webhookHeaders.signature] = webhookSignature(secret, timestamp, body);
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
