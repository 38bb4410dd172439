import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { registerHooks } from 'node:module';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import cvssCalculator from 'ae-cvss-calculator';
import fc from 'fast-check';
import type { Package } from '../../catalog/index.ts';
import type { Sbom } from '../../sbom/index.ts';
import type { OsvRecord } from '../osv/record.ts';
import type { AdvisoryReader } from '../ports.ts';
import type { Severity } from '../types.ts';
import { cvss3BaseScore, cvss4Score } from './cvss.ts';
import { findVulnerabilities } from './match.ts';
import { overallSeverity, scoresOf } from './severity.ts';

// @pandatix/js-cvss, the independent oracle (a TypeScript port of go-cvss), ships ES modules with extensionless
// relative imports and no "type": "module", which Node cannot load as published: these hooks, scoped to that
// package's own files, add the extension and declare the format. Test-only; sgci itself never loads it.
registerHooks({
  resolve(specifier, context, nextResolve) {
    const inOracle = context.parentURL?.includes('/node_modules/@pandatix/js-cvss/') ?? false;
    return nextResolve(
      inOracle && specifier.startsWith('./') && !specifier.endsWith('.js') ? `${specifier}.js` : specifier,
      context,
    );
  },
  load(url, context, nextLoad) {
    return nextLoad(url, url.includes('/node_modules/@pandatix/js-cvss/') ? { ...context, format: 'module' } : context);
  },
});
const oracle = await import('@pandatix/js-cvss');

const corpus = resolve(import.meta.dirname, '..', '..', '..', '..', 'shared', 'corpus', 'osv');

/** FIRST's qualitative bands (CVSS 3.1 and 4.0 specification), written out independently of `ratingOf`. */
function band(score: number): Severity {
  if (score === 0) return 'NONE';
  if (score >= 0.1 && score <= 3.9) return 'LOW';
  if (score >= 4.0 && score <= 6.9) return 'MEDIUM';
  if (score >= 7.0 && score <= 8.9) return 'HIGH';
  if (score >= 9.0 && score <= 10.0) return 'CRITICAL';
  throw new Error(`score ${score} is in no band`);
}

const v4 = (vector: string) => {
  const r = cvss4Score(vector);
  assert.ok(r.ok, `${vector}: ${r.ok ? '' : r.reason}`);
  return r.score;
};

test('CVSS 4.0 scores of vectors whose scores FIRST and the advisories publish', () => {
  // FIRST's specification/calculator examples and scores that GitHub shows on the corpus advisories.
  const known: [string, number][] = [
    ['CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N', 9.3],
    ['CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H', 10],
    ['CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:N/VA:N/SC:N/SI:N/SA:N', 0],
    ['CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:N/VA:H/SC:N/SI:N/SA:N', 8.7],
    ['CVSS:4.0/AV:L/AC:L/AT:N/PR:L/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N', 8.5],
    ['CVSS:4.0/AV:N/AC:L/AT:P/PR:N/UI:P/VC:N/VI:N/VA:N/SC:L/SI:L/SA:L', 2.3],
    // Threat metrics: unreported exploitation lowers the 9.3 base; "attacked" is the assumed worst case.
    ['CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/E:U', 8.1],
    ['CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/E:A', 9.3],
    // An exact half: FIRST's calculator rounds it up since its rounding fix of November 2024.
    ['CVSS:4.0/AV:L/AC:H/AT:N/PR:H/UI:N/VC:N/VI:H/VA:L/SC:N/SI:N/SA:N', 5.7],
  ];
  for (const [vector, score] of known) assert.equal(v4(vector), score, vector);
});

const baseMetrics: readonly (readonly [string, readonly string[]])[] = [
  ['AV', ['N', 'A', 'L', 'P']],
  ['AC', ['L', 'H']],
  ['AT', ['N', 'P']],
  ['PR', ['N', 'L', 'H']],
  ['UI', ['N', 'P', 'A']],
  ['VC', ['H', 'L', 'N']],
  ['VI', ['H', 'L', 'N']],
  ['VA', ['H', 'L', 'N']],
  ['SC', ['H', 'L', 'N']],
  ['SI', ['H', 'L', 'N']],
  ['SA', ['H', 'L', 'N']],
];
const optionalMetrics: readonly (readonly [string, readonly string[]])[] = [
  ['E', ['X', 'A', 'P', 'U']],
  ['CR', ['X', 'H', 'M', 'L']],
  ['IR', ['X', 'H', 'M', 'L']],
  ['AR', ['X', 'H', 'M', 'L']],
  ['MAV', ['X', 'N', 'A', 'L', 'P']],
  ['MAC', ['X', 'L', 'H']],
  ['MAT', ['X', 'N', 'P']],
  ['MPR', ['X', 'N', 'L', 'H']],
  ['MUI', ['X', 'N', 'P', 'A']],
  ['MVC', ['X', 'N', 'L', 'H']],
  ['MVI', ['X', 'N', 'L', 'H']],
  ['MVA', ['X', 'N', 'L', 'H']],
  ['MSC', ['X', 'N', 'L', 'H']],
  ['MSI', ['X', 'N', 'L', 'H', 'S']],
  ['MSA', ['X', 'N', 'L', 'H', 'S']],
  ['S', ['X', 'N', 'P']],
  ['AU', ['X', 'N', 'Y']],
  ['R', ['X', 'A', 'U', 'I']],
  ['V', ['X', 'D', 'C']],
  ['RE', ['X', 'L', 'M', 'H']],
  ['U', ['X', 'Clear', 'Green', 'Amber', 'Red']],
];

/** Valid 4.0 vectors: every base metric, each optional metric present or not, all in the specification's order. */
const validVector4 = fc
  .tuple(
    fc.tuple(...baseMetrics.map(([key, values]) => fc.constantFrom(...values).map((v) => `${key}:${v}`))),
    fc.tuple(
      ...optionalMetrics.map(([key, values]) => fc.option(fc.constantFrom(...values).map((v) => `${key}:${v}`))),
    ),
  )
  .map(([base, optional]) => ['CVSS:4.0', ...base, ...optional.filter((m): m is string => m !== null)].join('/'));

/** The independent implementation's score with FIRST's current rounding (add 10^-6, round half up). */
function oracleScore(vector: string): number {
  let raw: number | undefined;
  const cls = oracle.CVSS40 as unknown as { roundup(x: number): number };
  const roundup = cls.roundup;
  cls.roundup = (x: number) => {
    raw = x;
    return roundup(x);
  };
  try {
    const rounded = new oracle.CVSS40(vector).Score();
    // No roundup call means the oracle returned early (no impact at all: 0).
    return raw === undefined ? rounded : Math.round((Math.min(10, Math.max(0, raw)) + 1e-6) * 10) / 10;
  } finally {
    cls.roundup = roundup;
  }
}

test('property: every valid CVSS 4.0 vector scores in [0, 10] with one decimal, in its band, equal to the oracle', () => {
  let checked = 0;
  fc.assert(
    fc.property(validVector4, (vector) => {
      const score = v4(vector);
      assert.ok(score >= 0 && score <= 10, `${vector}: ${score}`);
      assert.equal(Math.round(score * 10) / 10, score, `${vector}: one decimal`);
      const s = scoresOf({ id: 'X', modified: '2024-01-01T00:00:00Z', severity: [{ type: 'CVSS_V4', score: vector }] });
      assert.deepEqual(s, [{ type: 'CVSS_V4', vector, score, rating: band(score) }]);
      assert.equal(score, oracleScore(vector), `${vector}: @pandatix/js-cvss disagrees`);
      checked++;
    }),
    { numRuns: 2000, seed: 4_2024 },
  );
  console.log(`cvss4: ${checked} generated vectors equal to the oracle`);
});

/** Ways a vector goes wrong in advisories: a metric missing, repeated, out of order, an unknown value or metric. */
const malformedVector4 = fc.oneof(
  fc.tuple(validVector4, fc.integer({ min: 1, max: 11 })).map(([v, i]) => v.split('/').toSpliced(i, 1).join('/')),
  fc.tuple(validVector4, fc.integer({ min: 1, max: 11 })).map(([v, i]) => {
    const parts = v.split('/');
    return parts.toSpliced(i, 0, parts[i] as string).join('/');
  }),
  fc.tuple(validVector4, fc.integer({ min: 1, max: 10 })).map(([v, i]) => {
    const parts = v.split('/');
    return parts.toSpliced(i, 2, parts[i + 1] as string, parts[i] as string).join('/');
  }),
  fc.tuple(validVector4, fc.integer({ min: 1, max: 11 })).map(([v, i]) => {
    const parts = v.split('/');
    return parts.toSpliced(i, 1, `${parts[i]?.split(':')[0]}:Q`).join('/');
  }),
  validVector4.map((v) => `${v}/FOO:B`),
  validVector4.map((v) => v.replace('CVSS:4.0', 'CVSS:4.1')),
  validVector4.map((v) => `${v}/`),
  fc.string({ maxLength: 300 }).map((s) => `CVSS:4.0/${s}`),
  fc.string({ minLength: 300, maxLength: 400 }),
);

test('property: malformed CVSS 4.0 vectors get no score and a note, never a throw', () => {
  fc.assert(
    fc.property(malformedVector4, (vector) => {
      const result = cvss4Score(vector);
      assert.equal(result.ok, false, vector);
      assert.ok(!result.ok && result.reason.length > 0 && result.reason.length < 600);
      const [s] = scoresOf({
        id: 'X',
        modified: '2024-01-01T00:00:00Z',
        severity: [{ type: 'CVSS_V4', score: vector }],
      });
      assert.equal(s?.rating, 'UNKNOWN');
      assert.equal(s?.score, undefined);
      assert.ok(s?.note);
    }),
    { numRuns: 1000, seed: 4_2025 },
  );
  // The library alone would have scored these: a missing base metric as 0, a repeated one by its last value.
  assert.equal(cvss4Score('CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N').ok, false);
  assert.equal(cvss4Score('CVSS:4.0/AV:N/AV:L/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N').ok, false);
});

test('CVSS 3.0 and 3.1: the formula equals ae-cvss-calculator on every base vector', () => {
  const values = [
    ['N', 'A', 'L', 'P'],
    ['L', 'H'],
    ['N', 'L', 'H'],
    ['N', 'R'],
    ['U', 'C'],
    ['H', 'L', 'N'],
    ['H', 'L', 'N'],
    ['H', 'L', 'N'],
  ];
  const keys = ['AV', 'AC', 'PR', 'UI', 'S', 'C', 'I', 'A'];
  let vectors: string[] = [''];
  for (const [i, options] of values.entries())
    vectors = vectors.flatMap((prefix) => options.map((v) => `${prefix}/${keys[i]}:${v}`));
  let checked = 0;
  for (const version of ['3.0', '3.1'] as const) {
    for (const tail of vectors) {
      const vector = `CVSS:${version}${tail}`;
      const expected = (
        version === '3.0' ? new cvssCalculator.Cvss3P0(vector) : new cvssCalculator.Cvss3P1(vector)
      ).calculateScores().base;
      assert.equal(cvss3BaseScore(vector), expected, vector);
      checked++;
    }
  }
  assert.equal(checked, 2 * 2592);
  console.log(`cvss3: ${checked} base vectors equal to ae-cvss-calculator`);
});

function corpusRecord(id: string): OsvRecord {
  return JSON.parse(readFileSync(join(corpus, 'npm', `${id}.json`), 'utf8')) as OsvRecord;
}

test('severity precedence on real GHSA records: CVSS 3.x, then CVSS 4.0, then the database word', () => {
  // GHSA-m6fv-jmcg-4jfg: CVSS 3.1 5.0 (MEDIUM), CVSS 4.0 2.3 (LOW), GitHub's word MODERATE.
  const record = corpusRecord('GHSA-m6fv-jmcg-4jfg');
  const scores = scoresOf(record);
  assert.deepEqual(
    scores.map((s) => [s.type, s.score, s.rating]),
    [
      ['CVSS_V3', 5, 'MEDIUM'],
      ['CVSS_V4', 2.3, 'LOW'],
      ['ecosystem', undefined, 'MEDIUM'],
    ],
  );
  assert.equal(overallSeverity(scores), 'MEDIUM');
  const v4only = scores.filter((s) => s.type !== 'CVSS_V3');
  assert.equal(overallSeverity(v4only), 'LOW', 'a computed CVSS 4.0 score decides before the database word');
  assert.equal(overallSeverity(scores.filter((s) => s.type === 'ecosystem')), 'MEDIUM');
  // An unscorable vector never decides: the word does, and the vector keeps a note.
  const broken = scoresOf({ ...record, id: 'BROKEN', severity: [{ type: 'CVSS_V4', score: 'CVSS:4.0/AV:N' }] });
  assert.equal(overallSeverity(broken), 'MEDIUM');
  assert.match(broken.find((s) => s.type === 'CVSS_V4')?.note ?? '', /malformed CVSS 4\.0 vector/);
});

test('a finding whose CVSS 4.0 vector cannot be scored is still found, judged by its word, and the report says why', async () => {
  const record: OsvRecord = {
    id: 'GHSA-test-0000-0000',
    modified: '2024-01-01T00:00:00Z',
    severity: [{ type: 'CVSS_V4', score: 'CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/SA:H' }],
    database_specific: { severity: 'HIGH' },
    affected: [
      {
        package: { ecosystem: 'npm', name: 'left-pad' },
        ranges: [{ type: 'SEMVER', events: [{ introduced: '0' }, { fixed: '1.3.0' }] }],
      },
    ],
  };
  const reader: AdvisoryReader = {
    findByPackages: async (keys) =>
      keys.filter((k) => k.name === 'left-pad').map((k) => ({ ...k, id: record.id, affected: record.affected ?? [] })),
    getMany: async (ids) =>
      ids.includes(record.id)
        ? [{ id: record.id, source: 'test', raw: record as unknown as Record<string, unknown> }]
        : [],
    summary: async () => ({ advisories: 1 }),
    severities: async () => [],
  };
  const leftPad: Package = {
    id: 'id-left-pad',
    name: 'left-pad',
    version: '1.1.0',
    ecosystem: 'npm',
    type: 'library',
    purl: 'pkg:npm/left-pad@1.1.0',
    locations: [],
    licenses: [],
    foundBy: 'test',
    layer: 0,
    metadata: { kind: 'language' },
  };
  const sbom: Sbom = {
    subject: { name: 'test' },
    packages: [leftPad],
    relationships: [],
    unidentifiedExecutables: [],
    unknowns: [],
    tool: { name: 'sgci', version: 'test' },
  };
  const { findings, notes } = await findVulnerabilities(sbom, reader);
  assert.equal(findings.length, 1);
  assert.equal(findings[0]?.vulnerability.severity, 'HIGH');
  assert.deepEqual(
    notes.filter((n) => n.includes('CVSS')),
    [
      'GHSA-test-0000-0000: malformed CVSS 4.0 vector "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/SA:H"',
    ],
  );
});
