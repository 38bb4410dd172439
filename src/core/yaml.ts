import { createRequire } from 'node:module';
import type { z } from 'zod';
import { describe, type ErrorCode, SgciError } from './errors.ts';

/**
 * A YAML (or JSON) file of ours read against its zod schema: not YAML, an alias bomb or the first field the schema
 * refuses is one SgciError with `code`, naming `input` and the field (`packages.paths.tzdata.include.0: …`).
 * yaml loads on first use, so commands that read no YAML file do not pay for it at start-up.
 */
export function parseYamlFile<S extends z.ZodType>(
  text: string,
  input: string,
  code: ErrorCode,
  schema: S,
): z.output<S> {
  const { parseDocument } = createRequire(import.meta.url)('yaml') as typeof import('yaml');
  const doc = parseDocument(text, { prettyErrors: false });
  if (doc.errors.length > 0)
    throw new SgciError(code, input, `not valid YAML: ${doc.errors[0]?.message.split('\n')[0]}`);
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: 100 });
  } catch (error) {
    throw new SgciError(code, input, describe(error), { cause: error });
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.length ? issue.path.map(String).join('.') : '(top level)';
    throw new SgciError(code, input, `${where}: ${issue?.message ?? 'invalid'}`);
  }
  return parsed.data;
}
