import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PhaseRecorder } from './phases.ts';

test('a phase covers the union of its spans; the spans add up beside it; transfers are every download at once', () => {
  const phases = new PhaseRecorder();
  const t = performance.now();
  // two downloads side by side (0–2 and 1–3 s) and a third later (5–6 s)
  phases.record('download index', t, t + 2000, 10);
  phases.record('download .deb', t + 1000, t + 3000, 5);
  phases.record('download .deb', t + 5000, t + 6000, 7);
  phases.record('resolve', t + 3000, t + 5000);
  const report = phases.report();
  const deb = report.phases.find((p) => p.phase === 'download .deb');
  assert.deepEqual(
    { seconds: deb?.seconds, busy: deb?.busySeconds, spans: deb?.spans, bytes: deb?.bytes },
    { seconds: 3, busy: 3, spans: 2, bytes: 12 },
  );
  assert.equal(report.transferSeconds, 4);
  assert.equal(report.transferBytes, 22);
  assert.deepEqual(
    report.phases.map((p) => p.phase),
    ['download index', 'resolve', 'download .deb'],
    'in the order a cold build meets them',
  );
});

test('time() records a span of work that ended, with what it counted', async () => {
  const phases = new PhaseRecorder();
  const text = await phases.time(
    'decompress index',
    async () => Buffer.alloc(42),
    (b) => b.length,
  );
  assert.equal(text.length, 42);
  assert.equal(
    phases.timeSync('parse index', () => 'parsed'),
    'parsed',
  );
  const [decompress, parse] = phases.report().phases;
  assert.equal(decompress?.bytes, 42);
  assert.equal(parse?.spans, 1);
});
