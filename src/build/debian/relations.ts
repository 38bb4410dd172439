/**
 * Package relationship fields (deb-control(5), Debian Policy 7.1): `Depends: a (>= 1) | b:any, c`.
 * Each comma-separated item is a list of alternatives; each alternative names a package, an optional
 * architecture qualifier and an optional version relation.
 */
import { SgciError } from '../../core/index.ts';
import { compareDpkgVersions } from '../../version/index.ts';

export type VersionOperator = '<<' | '<=' | '=' | '>=' | '>>';

export interface Relation {
  readonly name: string;
  /** `any`, `native` or an architecture name, after `:`. */
  readonly arch?: string;
  readonly operator?: VersionOperator;
  readonly version?: string;
}

/** One comma-separated item: satisfied by any one of its alternatives. */
export type Alternatives = readonly Relation[];

const relationPattern =
  /^([a-z0-9][a-z0-9+.-]*)(?::([a-z0-9-]+))?\s*(?:\(\s*(<<|<=|>=|>>|=|<|>)\s*([^()\s]+)\s*\))?\s*(?:\[[^\]]*\]\s*)?(?:<[^>]*>\s*)*$/i;

/** `<` and `>` are the obsolete spellings of `<=` and `>=` (dpkg still reads them so). */
const operators: Readonly<Record<string, VersionOperator>> = {
  '<<': '<<',
  '<=': '<=',
  '<': '<=',
  '=': '=',
  '>=': '>=',
  '>': '>=',
  '>>': '>>',
};

export function parseRelation(text: string, input: string): Relation {
  const match = relationPattern.exec(text.trim());
  if (!match) throw new SgciError('REPOSITORY_INVALID', input, `not a package relation: ${JSON.stringify(text)}`);
  const [, name = '', arch, operator, version] = match;
  return {
    name: name.toLowerCase(),
    ...(arch ? { arch: arch.toLowerCase() } : {}),
    ...(operator && version ? { operator: operators[operator], version } : {}),
  };
}

export function parseRelations(value: string | undefined, input: string): Alternatives[] {
  if (!value) return [];
  const out: Alternatives[] = [];
  for (const item of value.split(',')) {
    if (item.trim() === '') continue;
    out.push(item.split('|').map((alternative) => parseRelation(alternative, input)));
  }
  return out;
}

export function formatRelation(relation: Relation): string {
  const arch = relation.arch ? `:${relation.arch}` : '';
  const version = relation.operator ? ` (${relation.operator} ${relation.version})` : '';
  return `${relation.name}${arch}${version}`;
}

export function formatAlternatives(alternatives: Alternatives): string {
  return alternatives.map(formatRelation).join(' | ');
}

/** Whether `version` stands in `operator` to `wanted`, by dpkg's version order. */
export function versionSatisfies(version: string, operator: VersionOperator, wanted: string): boolean {
  const c = compareDpkgVersions(version, wanted);
  switch (operator) {
    case '<<':
      return c < 0;
    case '<=':
      return c <= 0;
    case '=':
      return c === 0;
    case '>=':
      return c >= 0;
    case '>>':
      return c > 0;
  }
}
