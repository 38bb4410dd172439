import { requireOnFirstUse } from '../core/index.ts';
import type { ScanReport } from './model.ts';
import { reportSchemaVersion } from './schema-version.ts';

// the zod model and zod load only for the published schema: rendering a report needs neither (issue 17)
const model = requireOnFirstUse<typeof import('./model.ts')>(import.meta.url, './model.ts');
const zod = requireOnFirstUse<typeof import('zod')>(import.meta.url, 'zod');

/** The report as JSON: two-space indented, key order fixed by the model, lists in catalogue order. */
export function renderJson(report: ScanReport): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}

/** The published JSON Schema of the report (schema/report-<version>.json), generated from the zod model. */
export function reportJsonSchema(): Record<string, unknown> {
  return {
    ...zod().z.toJSONSchema(model().ScanReport, { target: 'draft-2020-12', io: 'output' }),
    $id: `https://sgci.example/schema/report-${reportSchemaVersion}.json`,
    title: 'sgci check report',
  };
}
