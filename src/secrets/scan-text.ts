import { literalFinder } from './prefilter.ts';
import { type RuleVerdict, type TextRule, textRules } from './rules.ts';
import type { SecretSeverity } from './types.ts';

/** One secret in a text, with where it is. Internal: callers turn it into a `SecretFinding` and drop `secret`. */
export interface TextMatch {
  readonly rule: string;
  readonly description: string;
  readonly descriptionDe: string;
  readonly severity: SecretSeverity;
  /** The value. Used for the fingerprint only and never leaves this module family. */
  readonly secret: string;
  /** How many leading characters of `secret` are public structure (for `fingerprint`). */
  readonly reveal: number;
  readonly start: number;
  readonly end: number;
  /** 1-based line where the match starts (the `BEGIN` line of a key, the name of an assignment). */
  readonly line: number;
}

interface CompiledRule {
  readonly rule: TextRule;
  /** The rule's pattern with the `d` flag, for the offsets of the `secret` group. */
  readonly pattern: RegExp;
  readonly context?: RegExp;
}

const compiled: readonly CompiledRule[] = textRules.map((rule) => ({
  rule,
  pattern: new RegExp(rule.pattern.source, `${rule.pattern.flags.replace('d', '')}d`),
  ...(rule.context ? { context: new RegExp(rule.context.source, rule.context.flags.replace('g', '')) } : {}),
}));

/**
 * The prefilter literals: every keyword that does not contain another keyword. A rule whose keyword contains
 * a shorter one (`secret_key` contains `secret`) is gated on the shorter one.
 */
const allKeywords = [...new Set(textRules.flatMap((rule) => rule.keywords))];
const literals = allKeywords.filter(
  (keyword) => !allKeywords.some((other) => other !== keyword && keyword.includes(other)),
);
const prefilter = literalFinder(literals);
const gates = new Map(
  compiled.map((entry) => [
    entry,
    literals.filter((literal) => entry.rule.keywords.some((keyword) => keyword.includes(literal))),
  ]),
);
const pathGated = compiled.filter((entry) => entry.rule.paths !== undefined);

/**
 * Runs every content rule on `text` and returns the matches, most specific rule first where two overlap.
 * `path` enables path-gated rules (`.env` files); config values pass none. Text is expected as latin1 or
 * ASCII: secrets are ASCII, so a byte-for-char decode is exact for them and cheap.
 */
export function scanText(text: string, path?: string): TextMatch[] {
  return withLines(text, collect(text, prefilter.inText(text), path));
}

/**
 * `scanText` of `bytes` read as latin1. The prefilter reads the bytes, and the string is made only for a file
 * that holds a keyword or has a path-gated rule: most files have neither.
 */
export function scanLatin1(bytes: Uint8Array, path?: string): TextMatch[] {
  const keywords = prefilter.inBytes(bytes);
  if (keywords.size === 0 && (path === undefined || !pathGated.some((entry) => entry.rule.paths?.test(path)))) {
    return [];
  }
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
  return withLines(text, collect(text, keywords, path));
}

/**
 * At most this many matches per text. A file of 50 000 AWS key ids is a finding, not 50 000 of them; the
 * cap also bounds the overlap bookkeeping. `scanFile` reports a capped file as an unknown.
 */
export const maxMatchesPerText = 100;

function collect(
  text: string,
  keywords: ReadonlySet<string>,
  path: string | undefined,
): (Omit<TextMatch, 'line'> & { at: number })[] {
  const pathRules = path === undefined ? [] : pathGated.filter((c) => c.rule.paths?.test(path));
  if (keywords.size === 0 && pathRules.length === 0) return [];
  const accepted: (Omit<TextMatch, 'line'> & { at: number })[] = [];
  for (const entry of compiled) {
    const { rule } = entry;
    if (rule.paths) {
      if (!pathRules.includes(entry)) continue;
    } else if (!gates.get(entry)?.some((literal) => keywords.has(literal))) {
      continue;
    }
    if (path !== undefined && rule.skipPaths?.(path)) continue;
    if (entry.context && !entry.context.test(text)) continue;
    entry.pattern.lastIndex = 0;
    for (let match = entry.pattern.exec(text); match !== null; match = entry.pattern.exec(text)) {
      if (match[0].length === 0) entry.pattern.lastIndex++;
      const secret = match.groups?.secret ?? match[0];
      const span = match.indices?.groups?.secret ?? match.indices?.[0] ?? [match.index, match.index + match[0].length];
      const [start, end] = span;
      if (secret.length === 0 || accepted.some((a) => a.start < end && start < a.end)) continue;
      if (accepted.length >= maxMatchesPerText) return accepted;
      const verdict = rule.check ? rule.check(secret, match, text) : true;
      if (verdict === false) continue;
      const refined: RuleVerdict = verdict === true ? {} : verdict;
      // A refined description replaces both texts of the rule's (RuleVerdict sets both or neither).
      const described = refined.description === undefined ? rule : refined;
      accepted.push({
        rule: refined.rule ?? rule.id,
        description: described.description,
        descriptionDe: described.descriptionDe,
        severity: refined.severity ?? rule.severity,
        secret: refined.value ?? secret,
        reveal: rule.reveal ?? 0,
        start,
        end,
        at: match.index,
      });
    }
  }
  return accepted;
}

function withLines(text: string, matches: (Omit<TextMatch, 'line'> & { at: number })[]): TextMatch[] {
  const sorted = [...matches].sort((a, b) => a.at - b.at || a.start - b.start);
  const result: TextMatch[] = [];
  let line = 1;
  let position = 0;
  for (const { at, ...match } of sorted) {
    for (let i = text.indexOf('\n', position); i !== -1 && i < at; i = text.indexOf('\n', i + 1)) line++;
    position = Math.max(position, at);
    result.push({ ...match, line });
  }
  return result;
}
