import { z } from 'zod';
import { reportSchemaVersion, ScanReport } from './model.ts';

/** The report as JSON: two-space indented, key order fixed by the model, lists in catalogue order. */
export function renderJson(report: ScanReport): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}

/** The published JSON Schema of the report (schema/report-<version>.json), generated from the zod model. */
export function reportJsonSchema(): Record<string, unknown> {
  return {
    ...z.toJSONSchema(ScanReport, { target: 'draft-2020-12', io: 'output' }),
    $id: `https://sgci.example/schema/report-${reportSchemaVersion}.json`,
    title: 'sgci check report',
  };
}
