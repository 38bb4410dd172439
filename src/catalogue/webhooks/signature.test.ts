import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { test } from 'node:test';
import { webhookSignature } from '../../core/index.ts';
import { newWebhookSecret } from './signature.ts';

const secret = 'sgci_whsec_test';
const body = '{"id":"1","type":"submission"}';
const timestamp = 1_796_115_600;

test('the signature is HMAC-SHA256 over timestamp.body, keyed by the secret, in hex', () => {
  const expected = createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');
  assert.equal(webhookSignature(secret, timestamp, body), `sha256=${expected}`);
});

test('secrets are 256 random bits behind a recognisable prefix', () => {
  const a = newWebhookSecret();
  assert.match(a, /^sgci_whsec_[A-Za-z0-9_-]{43}$/);
  assert.notEqual(a, newWebhookSecret());
});
