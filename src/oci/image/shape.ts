/**
 * Small hand-written validators for the JSON documents of an image (manifest, index, config, docker-archive
 * manifest). They replace zod on the image-reading path: loading zod costs a CLI run about 0.04 s and its first
 * parse compiles its checkers (issue 17), more than reading a small image's documents takes. They follow zod's
 * semantics, which `shape.test.ts` checks on generated documents: an object keeps only its declared keys (a loose
 * one keeps the rest after them), optional keys absent stay absent, nullish accepts null, and the result is a fresh
 * value, never the input. Only the first problem is reported, with its path, as the callers print only that one.
 */

type Key = string | number;

/** The first place a value does not fit, as zod reports it (`issues[0]`), so callers print `path: message`. */
export interface ShapeIssue {
  readonly path: readonly Key[];
  readonly message: string;
}

export type SafeParseResult<T> =
  | { readonly success: true; readonly data: T }
  | { readonly success: false; readonly error: { readonly issues: readonly ShapeIssue[] } };

/** Thrown inside a check and caught at its top; containers prefix their key on the way out. */
class Mismatch {
  readonly path: Key[] = [];
  readonly message: string;
  constructor(message: string) {
    this.message = message;
  }
}

export interface Shape<T> {
  /** The checked value; throws a ShapeIssue-like mismatch (use parse/safeParse from outside). */
  readonly check: (value: unknown) => T;
  readonly optional: boolean;
  parse(value: unknown): T;
  safeParse(value: unknown): SafeParseResult<T>;
}

/** A field that may be absent: its key is optional in the inferred object type. */
export interface OptionalShape<T> extends Shape<T> {
  readonly optional: true;
}

export type Infer<S> = S extends Shape<infer T> ? T : never;

/** A validation failure thrown by `parse`, naming where the value is wrong. */
export class ShapeError extends Error {
  readonly issues: readonly ShapeIssue[];
  constructor(issue: ShapeIssue) {
    super(`${issue.path.map(String).join('.') || '(root)'}: ${issue.message}`);
    this.name = 'ShapeError';
    this.issues = [issue];
  }
}

function shape<T, O extends boolean = false>(
  check: (value: unknown) => T,
  optional = false as O,
): Shape<T> & { readonly optional: O } {
  const safeParse = (value: unknown): SafeParseResult<T> => {
    try {
      return { success: true, data: check(value) };
    } catch (error) {
      if (!(error instanceof Mismatch)) throw error;
      return { success: false, error: { issues: [{ path: error.path, message: error.message }] } };
    }
  };
  const parse = (value: unknown): T => {
    const result = safeParse(value);
    if (result.success) return result.data;
    throw new ShapeError(result.error.issues[0] as ShapeIssue);
  };
  return { check, optional, safeParse, parse };
}

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

function expected(what: string, value: unknown): Mismatch {
  return new Mismatch(`expected ${what}, received ${typeName(value)}`);
}

function at<T>(key: Key, check: (value: unknown) => T, value: unknown): T {
  try {
    return check(value);
  } catch (error) {
    if (error instanceof Mismatch) error.path.unshift(key);
    throw error;
  }
}

export function string(pattern?: RegExp, message?: string): Shape<string> {
  return shape((value) => {
    if (typeof value !== 'string') throw expected('string', value);
    if (pattern && !pattern.test(value)) throw new Mismatch(message ?? `does not match ${pattern}`);
    return value;
  });
}

export function number(): Shape<number> {
  return shape((value) => {
    if (typeof value !== 'number' || !Number.isFinite(value)) throw expected('number', value);
    return value;
  });
}

/** zod's `z.number().int().nonnegative()`: a safe integer, 0 or more. */
export function count(): Shape<number> {
  return shape((value) => {
    if (typeof value !== 'number') throw expected('number', value);
    if (!Number.isSafeInteger(value) || value < 0) throw new Mismatch('expected a non-negative integer');
    return value;
  });
}

export function boolean(): Shape<boolean> {
  return shape((value) => {
    if (typeof value !== 'boolean') throw expected('boolean', value);
    return value;
  });
}

export function literal<const T extends string | number>(wanted: T): Shape<T> {
  return shape((value) => {
    if (value !== wanted) throw new Mismatch(`expected ${JSON.stringify(wanted)}`);
    return wanted;
  });
}

/** Anything, kept as it is (zod's `z.unknown()`). */
export function unknown(): Shape<unknown> {
  return shape((value) => value);
}

export function array<T>(item: Shape<T>): Shape<T[]> {
  return shape((value) => {
    if (!Array.isArray(value)) throw expected('array', value);
    const out = new Array<T>(value.length);
    for (let i = 0; i < value.length; i++) out[i] = at(i, item.check, value[i]);
    return out;
  });
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Sets an own property even where the key is `__proto__`: a document's keys never reach a prototype. */
function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__')
    Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  else target[key] = value;
}

/** A map of string keys (zod's `z.record(z.string(), value)`), in the input's key order. */
export function record<T>(item: Shape<T>): Shape<Record<string, T>> {
  return shape((value) => {
    if (!isPlainObject(value)) throw expected('object', value);
    const out: Record<string, T> = {};
    for (const key of Object.keys(value)) setOwn(out, key, at(key, item.check, value[key]));
    return out;
  });
}

/** The key may be absent (zod's `.optional()`). */
export function optional<T>(inner: Shape<T>): OptionalShape<T | undefined> {
  return shape<T | undefined, true>((value) => (value === undefined ? undefined : inner.check(value)), true);
}

/** The key may be absent or null (zod's `.nullish()`). */
export function nullish<T>(inner: Shape<T>): OptionalShape<T | null | undefined> {
  return shape<T | null | undefined, true>(
    (value) => (value === undefined || value === null ? value : inner.check(value)),
    true,
  );
}

type Fields = Record<string, Shape<unknown>>;
type OptionalKey<F extends Fields> = { [K in keyof F]: F[K] extends OptionalShape<unknown> ? K : never }[keyof F];
type Flat<T> = { [K in keyof T]: T[K] } & {};
export type ObjectOf<F extends Fields> = Flat<
  { [K in Exclude<keyof F, OptionalKey<F>>]: Infer<F[K]> } & { [K in OptionalKey<F>]?: Infer<F[K]> }
>;

function objectShape<F extends Fields, T>(fields: F, loose: boolean): Shape<T> {
  const entries = Object.entries(fields);
  return shape((value) => {
    if (!isPlainObject(value)) throw expected('object', value);
    const out: Record<string, unknown> = {};
    for (const [key, field] of entries) {
      const present = Object.hasOwn(value, key);
      const parsed = at(key, field.check, present ? value[key] : undefined);
      if (present) out[key] = parsed;
    }
    if (loose) for (const key of Object.keys(value)) if (!Object.hasOwn(fields, key)) setOwn(out, key, value[key]);
    return out as T;
  });
}

/** An object of these keys; others are dropped (zod's `z.object`). */
export function object<F extends Fields>(fields: F): Shape<ObjectOf<F>> {
  return objectShape(fields, false);
}

/** An object of these keys that keeps the others too, after them (zod's `z.object(…).loose()`). */
export function looseObject<F extends Fields>(fields: F): Shape<ObjectOf<F> & { [key: string]: unknown }> {
  return objectShape(fields, true);
}
