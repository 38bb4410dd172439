import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Ajv2020, ValidateFunction } from 'ajv/dist/2020.js';
import type { OsvRecord } from './record.ts';

let compiled: ValidateFunction | undefined;

/**
 * The OSV schema, compiled on first use, and ajv itself loaded then: together a fifth of a second at start-up
 * that only imports need, never lookups (every command that names a vulnerability type loads this folder). ajv
 * is CommonJS, so it loads synchronously here.
 */
function schemaValidator(): ValidateFunction {
  if (!compiled) {
    const require = createRequire(import.meta.url);
    const { Ajv2020: Ajv } = require('ajv/dist/2020.js') as { Ajv2020: typeof Ajv2020 };
    const addFormats = require('ajv-formats') as (ajv: Ajv2020) => void;
    const ajv = new Ajv({ allErrors: true, strict: false });
    addFormats(ajv);
    compiled = ajv.compile(JSON.parse(readFileSync(new URL('./osv-schema.json', import.meta.url), 'utf8')) as object);
  }
  return compiled;
}

/** Problems with one record, in words; empty when the record is valid OSV. */
export function validateOsv(value: unknown): string[] {
  const validate = schemaValidator();
  if (!validate(value)) {
    return (validate.errors ?? []).slice(0, 5).map((e) => `${e.instancePath || '/'} ${e.message ?? 'is invalid'}`);
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
