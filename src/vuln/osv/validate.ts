import { readFileSync } from 'node:fs';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import type { OsvRecord } from './record.ts';

// ajv-formats is CommonJS; under Node's ESM loader the default import is the plugin function itself.
const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => void;

// compiled on first use, not when the module loads: every command that names a vulnerability type loads this folder
let compiled: ValidateFunction | undefined;
function schemaValidator(): ValidateFunction {
  if (!compiled) {
    const schema = JSON.parse(readFileSync(new URL('./osv-schema.json', import.meta.url), 'utf8')) as object;
    const ajv = new Ajv2020({ allErrors: true, strict: false });
    addFormats(ajv);
    compiled = ajv.compile(schema);
  }
  return compiled;
}

/** Problems with one record, in words; empty when the record is valid OSV. */
export function validateOsv(value: unknown): string[] {
  const validateSchema = schemaValidator();
  if (!validateSchema(value)) {
    return (validateSchema.errors ?? [])
      .slice(0, 5)
      .map((e) => `${e.instancePath || '/'} ${e.message ?? 'is invalid'}`);
  }
  return lint(value as OsvRecord);
}

/** The OSV linter rules a JSON Schema cannot express. */
function lint(record: OsvRecord): string[] {
  const problems: string[] = [];
  for (const [i, affected] of (record.affected ?? []).entries()) {
    for (const [j, range] of (affected.ranges ?? []).entries()) {
      const where = `/affected/${i}/ranges/${j}`;
      if (!range.events.some((e) => e.introduced !== undefined)) problems.push(`${where} has no introduced event`);
      const values = range.events.flatMap((e) => Object.values(e).filter((v) => typeof v === 'string'));
      if (new Set(values).size !== values.length) problems.push(`${where} has events that are not distinct`);
      if (range.type !== 'GIT' && !affected.package)
        problems.push(`${where} is an ${range.type} range without a package`);
    }
    if ((affected.versions?.length ?? 0) > 0 && !affected.package)
      problems.push(`/affected/${i} lists versions without a package`);
  }
  return problems;
}
