import assert from 'node:assert/strict';
import { test } from 'node:test';
import { nextLink } from './client.ts';
import { isLoopbackHost, parseRetryAfter } from './transport.ts';

test('loopback hosts are 127.0.0.0/8, localhost and ::1, with or without a port', () => {
  for (const host of [
    '127.0.0.1:5000',
    '127.1.2.3',
    'localhost',
    'LOCALHOST:5000',
    '[::1]:5000',
    'registry.localhost',
  ]) {
    assert.equal(isLoopbackHost(host), true, host);
  }
  for (const host of [
    '128.0.0.1',
    '10.0.0.1:5000',
    'example.com',
    'localhost.example.com',
    '[::2]:5000',
    '127.example.com',
  ]) {
    assert.equal(isLoopbackHost(host), false, host);
  }
});

test('Retry-After is read as seconds or as an HTTP date', () => {
  assert.equal(parseRetryAfter('3'), 3000);
  const now = Date.parse('2026-01-01T00:00:00Z');
  assert.equal(parseRetryAfter('Thu, 01 Jan 2026 00:00:05 GMT', now), 5000);
  assert.equal(parseRetryAfter('Thu, 01 Jan 2025 00:00:05 GMT', now), 0);
  assert.equal(parseRetryAfter('soon'), undefined);
  assert.equal(parseRetryAfter(undefined), undefined);
});

test('the next page of a tag list comes from the Link header with rel="next"', () => {
  assert.equal(nextLink('</v2/fixtures/x/tags/list?last=b&n=2>; rel="next"'), '/v2/fixtures/x/tags/list?last=b&n=2');
  assert.equal(nextLink('<https://a/prev>; rel="prev", <https://a/next?x=1,2>; rel="next"'), 'https://a/next?x=1,2');
  assert.equal(nextLink('<https://a/prev>; rel="prev"'), undefined);
  assert.equal(nextLink(undefined), undefined);
});
