/** The version of the JSON report (schema/report-<version>.json); its zod model is `model.ts`. */
export const reportSchemaVersion = '1.1.0';
