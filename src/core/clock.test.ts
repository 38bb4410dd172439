import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isSgciError, parseRfc3339, systemClock } from './index.ts';

test('SGCI_NOW fixes the process clock to its RFC 3339 time, zone honoured', () => {
  const clock = systemClock({ SGCI_NOW: '2026-03-01T12:00:00+02:00' });
  assert.equal(clock().toISOString(), '2026-03-01T10:00:00.000Z');
  // each call hands out its own Date: a caller moving one does not move the clock
  clock().setTime(0);
  assert.equal(clock().toISOString(), '2026-03-01T10:00:00.000Z');
});

test('without SGCI_NOW the clock is the system time', () => {
  const before = Date.now();
  const now = systemClock({})().getTime();
  assert.ok(now >= before && now <= Date.now());
});

test('a time without a zone or in another format is one USAGE line naming SGCI_NOW', () => {
  for (const value of ['2026-03-01T12:00:00', '2026-03-01', 'yesterday', '2026-13-45T99:00:00Z']) {
    assert.throws(
      () => systemClock({ SGCI_NOW: value }),
      (error: unknown) => isSgciError(error, 'USAGE') && error.message.startsWith('SGCI_NOW: not an RFC 3339'),
      value,
    );
  }
  assert.equal(parseRfc3339('2026-03-01 12:00:00.5Z', 'x').toISOString(), '2026-03-01T12:00:00.500Z');
});
