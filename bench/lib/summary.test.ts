import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { type Headline, headline, skipped, summaryFileVariable } from './headline.ts';
import {
  type BenchOutcome,
  cellsOf,
  formatNumber,
  formatTarget,
  type MachineFacts,
  readSummaryLines,
  rowsOf,
  summaryJson,
  summaryMarkdown,
  summaryText,
  verdictOf,
} from './summary.ts';

const scan: Headline = {
  what: 'sgci scan debian-full',
  value: 1.2,
  unit: 's',
  reference: { name: 'gzip -dc', value: 1, rssMiB: 2 },
  target: { on: 'ratio', direction: '<=', limit: 1.3, source: '#17' },
  rssMiB: { sgci: 150 },
  rssLimitMiB: 200,
};

const machine: MachineFacts = {
  startedAt: '2026-12-07T08:00:00.000Z',
  seconds: 1234.5,
  cores: 2,
  cpu: 'Test CPU',
  memoryGiB: 7.6,
  loadAtStart: [1, 2, 3],
  loadAtEnd: [4, 5, 6],
  node: 'v24.0.0',
  os: 'Linux 6.1 x64',
  commit: 'abc1234',
  quick: false,
};

const outcome = (lines: readonly Record<string, unknown>[] | readonly string[], exit: number | string = 0) =>
  ({
    name: 'scan',
    exit,
    seconds: 1,
    lines: lines.map((l) => (typeof l === 'string' ? l : JSON.stringify(l))),
  }) satisfies BenchOutcome;

test('a ratio target passes at its limit and misses above it', () => {
  assert.deepEqual(verdictOf(scan), { verdict: 'PASS' });
  assert.deepEqual(verdictOf({ ...scan, value: 1.3 }), { verdict: 'PASS' });
  assert.deepEqual(verdictOf({ ...scan, value: 1.31 }), { verdict: 'MISS', why: 'ratio' });
});

test('each direction is honoured: at least, more than, less than', () => {
  const rate: Headline = {
    what: 'import',
    value: 5000,
    unit: 'records/s',
    target: { on: 'value', direction: '>=', limit: 5000 },
  };
  assert.equal(verdictOf(rate).verdict, 'PASS');
  assert.equal(verdictOf({ ...rate, value: 4999 }).verdict, 'MISS');
  assert.equal(verdictOf({ ...rate, target: { on: 'value', direction: '>', limit: 5000 } }).verdict, 'MISS');
  const latency: Headline = {
    what: 'match',
    value: 20,
    unit: 'ms',
    target: { on: 'value', direction: '<', limit: 20 },
  };
  assert.deepEqual(verdictOf(latency), { verdict: 'MISS', why: 'value' });
  assert.equal(verdictOf({ ...latency, value: 19.9 }).verdict, 'PASS');
});

test('a peak RSS above its limit misses even when the time is met, naming the process', () => {
  assert.deepEqual(verdictOf({ ...scan, rssMiB: { sgci: 150, worker: 201 } }), {
    verdict: 'MISS',
    why: 'peak RSS of worker',
  });
  assert.deepEqual(verdictOf({ ...scan, value: 2, rssMiB: { sgci: 300 } }), {
    verdict: 'MISS',
    why: 'ratio, peak RSS of sgci',
  });
});

test('what was not measured is missing, never passed', () => {
  assert.deepEqual(verdictOf({ ...scan, value: Number.NaN }), { verdict: 'MISSING', why: 'not measured' });
  assert.deepEqual(verdictOf({ ...scan, reference: { name: 'cdxgen', value: Number.NaN } }), {
    verdict: 'MISSING',
    why: 'no cdxgen to compare with',
  });
  const { reference: _, ...withoutReference } = scan;
  assert.equal(verdictOf(withoutReference).verdict, 'MISSING');
  assert.deepEqual(verdictOf({ ...scan, rssMiB: {} }), { verdict: 'MISSING', why: 'no peak RSS' });
  assert.deepEqual(verdictOf({ ...scan, rssMiB: { sgci: Number.NaN } }), {
    verdict: 'MISSING',
    why: 'no peak RSS of sgci',
  });
  // a part that missed outweighs a part not measured
  assert.equal(verdictOf({ ...scan, value: 5, rssMiB: {} }).verdict, 'MISS');
});

test('a figure without a target is information', () => {
  const { target: _t, rssLimitMiB: _r, ...info } = scan;
  assert.deepEqual(verdictOf(info), { verdict: 'INFO' });
});

test('a bounded figure says its bound, and a pass on memory alone says so', () => {
  const bound = 'node -e 0 alone is 1.9x the floor';
  const { target: _t, rssLimitMiB: _r, ...info } = scan;
  assert.deepEqual(verdictOf({ ...info, bounded: bound }), { verdict: 'INFO', why: bound });
  const { target: _u, ...memoryOnly } = scan;
  assert.deepEqual(verdictOf({ ...memoryOnly, bounded: bound }), {
    verdict: 'PASS',
    why: `peak RSS; no time target: ${bound}`,
  });
  assert.equal(verdictOf({ ...memoryOnly, bounded: bound, rssMiB: { sgci: 500 } }).verdict, 'MISS');
});

test('a benchmark that crashed shows its figures and an ERROR row', () => {
  const rows = rowsOf(outcome([{ kind: 'figure', ...scan }], 1));
  assert.deepEqual(
    rows.map((r) => [r.what, r.verdict]),
    [
      ['sgci scan debian-full', 'PASS'],
      ['the benchmark', 'ERROR'],
    ],
  );
  assert.equal(rows[1]?.why, 'exited with 1 (the rows above were recorded before)');
  assert.deepEqual(
    rowsOf(outcome([], 'SIGKILL')).map((r) => [r.verdict, r.why]),
    [['ERROR', 'exited with SIGKILL']],
  );
});

test('a benchmark that recorded nothing is missing; a skipped one says why; a bad line is an error', () => {
  assert.deepEqual(
    rowsOf(outcome([])).map((r) => [r.verdict, r.why]),
    [['MISSING', 'no headline figure']],
  );
  assert.deepEqual(
    rowsOf(outcome([{ kind: 'skipped', reason: 'no fixtures' }])).map((r) => [r.verdict, r.why]),
    [['SKIPPED', 'no fixtures']],
  );
  assert.deepEqual(
    rowsOf(outcome(['{"kind":"figure"', JSON.stringify({ kind: 'other' }), ''])).map((r) => [r.what, r.verdict]),
    [
      ['line 1 of its summary', 'ERROR'],
      ['line 2 of its summary', 'ERROR'],
    ],
  );
});

test('headline and skipped append what rowsOf reads back, a NaN figure as missing', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'sgci-summary-test-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'scan.jsonl');
  assert.deepEqual(readSummaryLines(file), []);
  process.env[summaryFileVariable] = file;
  // skipped says so on stdout too: caught here, so the test run prints no skip that is not one
  const printed = t.mock.method(process.stdout, 'write', () => true);
  try {
    headline(scan);
    headline({ ...scan, what: 'sgci scan node-app', value: Number.NaN });
    skipped('no PostgreSQL');
  } finally {
    printed.mock.restore();
    delete process.env[summaryFileVariable];
  }
  assert.deepEqual(
    printed.mock.calls.map((c) => String(c.arguments[0])),
    ['bench summary.test skipped: no PostgreSQL\n'],
  );
  headline(scan); // run alone: nothing recorded
  const rows = rowsOf({ name: 'scan', exit: 0, seconds: 1, lines: readSummaryLines(file) });
  assert.deepEqual(
    rows.map((r) => [r.what, r.verdict]),
    [
      ['sgci scan debian-full', 'PASS'],
      ['sgci scan node-app', 'MISSING'],
      ['skipped', 'SKIPPED'],
    ],
  );
  assert.deepEqual(rows[0]?.figure, scan);
});

test('figures are shown with their reference, ratio, target and every peak RSS', () => {
  const [row] = rowsOf(outcome([{ kind: 'figure', ...scan }]));
  assert.ok(row);
  assert.deepEqual(cellsOf(row), [
    'scan',
    'sgci scan debian-full',
    '1.20 s',
    'gzip -dc 1.00 s',
    '1.20x',
    '≤ 1.3x, ≤ 200 MiB (#17)',
    'sgci 150, gzip -dc 2',
    'PASS',
  ]);
  assert.equal(
    formatTarget({ what: 'status', value: 0.1, unit: 's', target: { on: 'value', direction: '<=', limit: 0.15 } }),
    '≤ 0.15 s',
  );
  assert.equal(formatTarget({ what: 'pull', value: 1, unit: 's' }), '-');
  assert.equal(
    formatTarget({ ...scan, target: { on: 'ratio', direction: '>=', limit: 1 / 3 }, rssLimitMiB: undefined }),
    '≥ 0.33x',
  );
  assert.deepEqual([12345.6, 123.4, 12.34, 1.234, 0.1234, 0.01234, 0, Number.NaN].map(formatNumber), [
    '12,346',
    '123',
    '12.3',
    '1.23',
    '0.12',
    '0.012',
    '0.00',
    '-',
  ]);
});

test('the summary as text, Markdown and JSON carries every row, the tally and the machine', () => {
  const rows = [
    ...rowsOf(
      outcome([
        { kind: 'figure', ...scan },
        { kind: 'figure', ...scan, what: 'a | b', value: 2 },
      ]),
    ),
    ...rowsOf({ ...outcome([], 2), name: 'db' }),
  ];
  const benches = [outcome([]), { ...outcome([], 2), name: 'db', seconds: 158.4 }];
  const text = summaryText(rows, machine, benches);
  assert.match(text, /sgci scan debian-full .* PASS\n/);
  assert.match(text, /a \| b .* MISS: ratio\n/);
  assert.match(text, /db +the benchmark .* ERROR: exited with 2\n/);
  assert.match(text, /1 PASS, 1 MISS, 1 ERROR\n/);
  assert.match(text, /2 cores \(Test CPU\).*Node v24\.0\.0/);
  assert.match(text, /load average \(1, 5, 15 min\): 1\.00 2\.00 3\.00 at the start, 4\.00 5\.00 6\.00 at the end/);
  assert.match(text, /durations: scan 1\.00 s, db 158 s\n$/);
  const markdown = summaryMarkdown(rows, machine, benches);
  assert.match(markdown, /^- durations: scan 1\.00 s, db 158 s$/m);
  assert.match(markdown, /^\| bench \| figure \| sgci \|/m);
  assert.match(markdown, /^\| scan \| a \\\| b \| 2\.00 s \|/m);
  const json = JSON.parse(JSON.stringify(summaryJson(rows, machine, benches)));
  assert.equal(json.rows.length, 3);
  assert.equal(json.rows[0].ratio, 1.2);
  assert.equal(json.rows[2].verdict, 'ERROR');
  assert.equal(json.machine.cores, 2);
});
