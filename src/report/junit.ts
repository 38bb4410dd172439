import { describeEvidence } from '../checks/index.ts';
import { sectionOrder } from './i18n.ts';
import type { ScanReport } from './model.ts';

function xml(text: string): string {
  // XML 1.0 forbids most control characters even as references: drop them.
  return text
    .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');
}

/** JUnit XML for CI test tabs: one testsuite per section, one testcase per check; fail -> failure, manual/n.a. -> skipped. */
export function renderJunit(report: ScanReport): string {
  const out: string[] = ['<?xml version="1.0" encoding="UTF-8"?>'];
  const failures = report.results.filter((r) => r.result === 'fail').length;
  const skipped = report.results.filter((r) => r.result === 'manual' || r.result === 'not-applicable').length;
  out.push(
    `<testsuites name="sgci check ${xml(report.image.reference)}" tests="${report.results.length}" failures="${failures}" errors="0" skipped="${skipped}" timestamp="${xml(report.generatedAt)}">`,
  );
  for (const section of sectionOrder) {
    const results = report.results.filter((r) => r.section === section);
    if (results.length === 0) continue;
    const f = results.filter((r) => r.result === 'fail').length;
    const s = results.filter((r) => r.result === 'manual' || r.result === 'not-applicable').length;
    out.push(`  <testsuite name="${section}" tests="${results.length}" failures="${f}" errors="0" skipped="${s}">`);
    for (const r of results) {
      const evidence = r.evidence.map((e) => describeEvidence(e)).join('\n');
      out.push(`    <testcase classname="sgci.${section}" name="${xml(`${r.id} ${r.title.en}`)}">`);
      if (r.result === 'fail')
        out.push(`      <failure message="${xml(r.remediation ?? '')}" type="${r.level}">${xml(evidence)}</failure>`);
      else if (r.result === 'manual' || r.result === 'not-applicable')
        out.push(`      <skipped message="${xml(`${r.result}: ${r.reason ?? ''}`)}"/>`);
      const system = [
        r.result === 'warn' ? `WARN: ${r.remediation ?? ''}` : '',
        evidence,
        r.exception ? `exception ${r.exception.status}: ${r.exception.justification}` : '',
      ]
        .filter(Boolean)
        .join('\n');
      if (system) out.push(`      <system-out>${xml(system)}</system-out>`);
      out.push('    </testcase>');
    }
    out.push('  </testsuite>');
  }
  out.push('</testsuites>');
  return `${out.join('\n')}\n`;
}
