import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { test } from 'node:test';
import { Ajv } from 'ajv';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { create } from 'xmlbuilder2';
import type { z } from 'zod';
import { sarif210Schema } from '../../test/helpers/schemas/sarif-2.1.0.ts';
import type { Evidence } from '../checks/index.ts';
import { markdownText } from '../core/index.ts';
import {
  renderJunit,
  renderMarkdown,
  renderReport,
  renderSarif,
  renderTable,
  reportFormats,
  reportJsonSchema,
  reportSchemaVersion,
} from './index.ts';
import { ScanReport } from './model.ts';
import { renderScanSummary } from './summary.ts';
import { sampleReport } from './testing.ts';

const addFormats = addFormatsModule as unknown as (ajv: Ajv) => void;
const schemaPath = resolve(import.meta.dirname, '..', '..', 'schema', `report-${reportSchemaVersion}.json`);

test('the report covers every result kind, the policy and the exception', async () => {
  const report = await sampleReport();
  assert.equal(report.results.length, 42); // 43 checks, one turned off by the policy
  assert.deepEqual(report.policy.disabled, ['SGCI-BUILD-011']);
  const counts = report.summary.byResult;
  for (const status of ['pass', 'fail', 'warn', 'manual', 'not-applicable'] as const)
    assert.ok(counts[status] > 0, status);
  assert.equal(counts.pass + counts.fail + counts.warn + counts.manual + counts['not-applicable'], 42);
  const run011 = report.results.find((r) => r.id === 'SGCI-RUN-011');
  assert.equal(run011?.exception?.status, 'applied');
  assert.equal(report.summary.waived, 1);
  assert.equal(ScanReport.safeParse(report).success, true);
});

test('the report model says of evidence what the checks type by hand (they load no zod), both ways', async () => {
  type ModelEvidence = z.infer<typeof ScanReport>['results'][number]['evidence'][number];
  // tsc rejects this line when either side has a kind, a field or an optionality the other lacks
  const agree: [Evidence, ModelEvidence] extends [ModelEvidence, Evidence] ? true : false = true;
  assert.equal(agree, true);
  // and every kind the checks wrote into the sample report is one the model accepts
  const report = await sampleReport();
  const kinds = new Set(report.results.flatMap((r) => r.evidence.map((e) => e.kind)));
  assert.ok(kinds.size >= 5, [...kinds].join(', '));
  assert.equal(ScanReport.safeParse(report).success, true);
});

test('schema/report-<version>.json is generated from the model (UPDATE_GOLDEN=1 rewrites it) and validates the report', async () => {
  const generated = `${JSON.stringify(reportJsonSchema(), null, 2)}\n`;
  if (process.env.UPDATE_GOLDEN === '1') await writeFile(schemaPath, generated);
  assert.equal(readFileSync(schemaPath, 'utf8'), generated);
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  const validate = ajv.compile(JSON.parse(generated));
  const report = JSON.parse(renderReport(await sampleReport(), 'json'));
  assert.equal(validate(report), true, JSON.stringify(validate.errors?.slice(0, 3)));
  assert.equal(validate({ ...report, gate: {} }), false);
});

test('the JSON rendering is deterministic', async () => {
  assert.equal(renderReport(await sampleReport(), 'json'), renderReport(await sampleReport(), 'json'));
});

// sgci's own SARIF 2.1.0 schema, written from the OASIS specification (the official schema file is not vendored).
function sarifValidator() {
  const ajv = new Ajv({ strict: false, allErrors: true });
  addFormats(ajv);
  return ajv.compile(sarif210Schema);
}

test('SARIF validates against the SARIF 2.1.0 schema and carries every check', async () => {
  const validate = sarifValidator();
  const sarif = JSON.parse(renderSarif(await sampleReport()));
  assert.equal(validate(sarif), true, JSON.stringify(validate.errors?.slice(0, 3)));
  const results = sarif.runs[0].results as { ruleId: string; kind: string; level: string; suppressions?: unknown[] }[];
  assert.equal(results.length, 42);
  assert.ok(results.some((r) => r.kind === 'fail' && r.level === 'error'));
  assert.ok(results.some((r) => r.kind === 'notApplicable'));
  assert.ok(results.find((r) => r.ruleId === 'SGCI-RUN-011')?.suppressions);
  // a broken document is rejected, so the validator is not vacuous
  assert.equal(validate({ ...sarif, version: '2.0.0' }), false);
});

test('the SARIF schema rejects logs that break the specification', async () => {
  const validate = sarifValidator();
  const sarif = JSON.parse(renderSarif(await sampleReport()));
  const broken = (edit: (log: typeof sarif) => void) => {
    const log = structuredClone(sarif);
    edit(log);
    return log;
  };
  const cases: [string, unknown][] = [
    ['no runs', broken((log) => delete log.runs)],
    ['driver without name', broken((log) => delete log.runs[0].tool.driver.name)],
    ['rule without id', broken((log) => delete log.runs[0].tool.driver.rules[0].id)],
    ['level outside the enum', broken((log) => (log.runs[0].results[0].level = 'critical'))],
    ['kind outside the enum', broken((log) => (log.runs[0].results[0].kind = 'warn'))],
    ['message without text or id', broken((log) => (log.runs[0].results[0].message = { markdown: 'x' }))],
    ['ruleIndex below -1', broken((log) => (log.runs[0].results[0].ruleIndex = -2))],
    [
      'startLine 0',
      broken(
        (log) =>
          (log.runs[0].results[0].locations = [
            { physicalLocation: { artifactLocation: { uri: 'a' }, region: { startLine: 0 } } },
          ]),
      ),
    ],
    ['suppression without kind', broken((log) => (log.runs[0].results[0].suppressions = [{ status: 'accepted' }]))],
    ['unknown member in a result', broken((log) => (log.runs[0].results[0].severity = 'high'))],
    ['fingerprint that is not a string', broken((log) => (log.runs[0].results[0].partialFingerprints = { a: 1 }))],
    [
      'kind pass with level error',
      broken((log) => Object.assign(log.runs[0].results[0], { kind: 'pass', level: 'error' })),
    ],
  ];
  for (const [name, log] of cases) assert.equal(validate(log), false, name);
  // the unbroken log still passes, so each rejection comes from its one edit
  assert.equal(validate(sarif), true, JSON.stringify(validate.errors?.slice(0, 3)));
});

test('JUnit XML is well-formed: one suite per section, failures and skips counted', async () => {
  const report = await sampleReport();
  const doc = create(renderJunit(report)).end({ format: 'object' }) as {
    testsuites: { '@failures': string; '@tests': string; testsuite: unknown[] };
  };
  assert.equal(doc.testsuites['@tests'], '42');
  assert.equal(doc.testsuites['@failures'], String(report.summary.byResult.fail));
  assert.equal(doc.testsuites.testsuite.length, 6);
});

test('Markdown and table name every failing check with its remediation; colour only when asked', async () => {
  const report = await sampleReport();
  const md = renderMarkdown(report, 'de');
  const table = renderTable(report);
  for (const r of report.results.filter((x) => x.result === 'fail')) {
    assert.ok(md.includes(r.id) && md.includes(markdownText(r.remediationDe ?? r.remediation ?? '-')), r.id);
    assert.ok(table.includes(r.id) && table.includes(r.remediation ?? '-'), r.id);
  }
  assert.ok(md.includes('Freigabe abgelehnt'));
  assert.ok(report.results.some((r) => r.remediationDe !== null));
  assert.doesNotMatch(table, /\u001b\[/);
  assert.match(renderTable(report, { color: true }), /\u001b\[31m/);
  assert.ok(table.indexOf('BASE  ') < table.indexOf('SEC  ') && table.indexOf('SEC  ') < table.indexOf('RUN  '));
});

test('every format renders the same checks', async () => {
  const report = await sampleReport();
  for (const format of reportFormats) {
    const text = renderReport(report, format, { lang: 'en' });
    for (const r of report.results) assert.ok(text.includes(r.id), `${format} lacks ${r.id}`);
  }
});

test('values from an image reach neither the terminal nor a Markdown comment as anything but text', async () => {
  const report = await sampleReport();
  const hostile = 'app\u001b]52;c;ZXZpbA==\u0007\u001b[2J\n# gate: passed\n![x](javascript:alert(1)) `x` | y';
  const poisoned = {
    ...report,
    image: { ...report.image, reference: hostile },
    results: report.results.map((r) =>
      r.result === 'fail'
        ? { ...r, evidence: [{ kind: 'file' as const, path: `/${hostile}`, layer: 1, message: hostile }] }
        : { ...r, reason: r.reason === null ? null : hostile, reasonDe: r.reasonDe === null ? null : hostile },
    ),
  };
  const table = renderTable(poisoned);
  assert.doesNotMatch(table, /[\u0000-\u0009\u000b-\u001f\u007f]/, 'no control character but newline');
  assert.ok(table.includes('\\x1b]52;c;ZXZpbA==\\x07'), 'shown escaped');
  assert.ok(!table.split('\n').some((line) => line.startsWith('# gate')), 'no forged line');
  for (const lang of ['de', 'en'] as const) {
    const md = renderMarkdown(poisoned, lang);
    assert.doesNotMatch(md, /[\u0000-\u0009\u000b-\u001f\u007f]/);
    const headings = md.split('\n').filter((line) => /^\s{0,3}#/.test(line));
    assert.ok(
      headings.every((h) => /^#{2,3} (sgci|❌|⚠️)/.test(h)),
      headings.join('\n'),
    );
    // outside code spans, no image or link can open: every [ and ] there is escaped
    const prose = md.replace(/(`+)[^\n]*?(?<!`)\1(?!`)/g, '');
    assert.doesNotMatch(prose, /(?<!\\)[[\]]/);
  }
});

test('the scan summary speaks one language: no English line in German, no German line in English', async () => {
  const checks = await sampleReport();
  const vulns = {
    schemaVersion: '1.0.0',
    subject: { name: 'x' },
    matches: [],
    summary: {
      active: { CRITICAL: 0, HIGH: 0, MEDIUM: 0, LOW: 0, NONE: 0, UNKNOWN: 0 },
      suppressed: 0,
      osOwnedUpstream: 0,
      overdue: 0,
    },
    database: { advisories: 0 },
    evaluatedAt: checks.generatedAt,
    notes: [],
  } as const;
  const summary = {
    checks,
    vulns,
    vulnsUnavailable: { en: 'no advisory database', de: 'keine Advisory-Datenbank' },
    packages: 3,
    secrets: 1,
    written: ['out/checks.json'],
  };
  const de = renderScanSummary(summary, 'de');
  const en = renderScanSummary(summary, 'en');
  for (const word of [
    'packages',
    'vulnerabilities',
    'not matched',
    'secrets',
    'checks:',
    'gate',
    'written',
    'failed',
    'advisory database',
  ])
    assert.ok(!de.includes(word), `German summary has "${word}"`);
  for (const word of [
    'Pakete',
    'Schwachstellen',
    'Geheimnisse',
    'Prüfungen',
    'Freigabe',
    'geschrieben',
    'fehlgeschlagen',
  ])
    assert.ok(!en.includes(word), `English summary has "${word}"`);
  assert.match(de, /^Freigabe: ABGELEHNT$/m);
  assert.match(en, /^gate: FAILED$/m);
});

test('the HTML report marks a reason without a German version as English on a German report, and only there', async () => {
  const report = await sampleReport();
  const english = 'no image configuration was given';
  const marked = {
    ...report,
    results: report.results.map((r, i) =>
      i === 0
        ? { ...r, reason: english, reasonDe: null }
        : i === 1
          ? { ...r, reason: english, reasonDe: 'deutsch' }
          : r,
    ),
  };
  const de = renderReport(marked, 'html', { lang: 'de' });
  assert.ok(de.includes(`<span lang="en">${english}</span>`), 'the English fallback is marked');
  assert.ok(de.includes('</strong> deutsch</p>'), 'a German reason is shown unmarked');
  const en = renderReport(marked, 'html', { lang: 'en' });
  assert.ok(en.includes(`</strong> ${english}</p>`) && !en.includes('<span lang="en">'), 'nothing to mark in English');
});
