export { buildReport, type ReportInputs } from './build.ts';
export { renderJson, reportJsonSchema } from './json.ts';
export { type CheckReport, reportSchemaVersion, ScanReport } from './model.ts';
