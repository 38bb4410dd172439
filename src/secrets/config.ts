import type { ImageConfig } from '../oci/image/index.ts';
import { fingerprint } from './fingerprint.ts';
import { isSecretName } from './names.ts';
import { passwordGate } from './rules.ts';
import { scanText } from './scan-text.ts';
import { compareFindings } from './scanner.ts';
import { describeWith, type SecretDescription, type SecretFinding, type SecretLocation } from './types.ts';

/**
 * Secrets in the image config: `Env` entries, `Labels`, and history `created_by` lines, which keep build
 * arguments (`RUN |1 GITHUB_TOKEN=… /bin/sh -c …`) and `ENV`/`ARG` instructions long after the build.
 * A history finding names the layer its line created (none for `empty_layer` lines).
 */
export function scanImageConfig(config: ImageConfig): SecretFinding[] {
  const findings: SecretFinding[] = [];
  const env = config.config?.Env ?? [];
  env.forEach((entry, index) => {
    const { name, value } = splitAssignment(entry);
    for (const f of scanAssignment(name, value, { location: 'env', field: `Env[${index}] ${name}` }, 'env-secret'))
      findings.push(f);
  });
  const labels = config.config?.Labels ?? {};
  for (const key of Object.keys(labels).sort()) {
    const value = labels[key] ?? '';
    for (const f of scanAssignment(key, value, { location: 'label', field: `Labels[${key}]` }, 'label-secret'))
      findings.push(f);
  }
  let layer = 0;
  (config.history ?? []).forEach((entry, index) => {
    const createdBy = entry.created_by ?? '';
    const place = {
      location: 'history' as const,
      field: `history[${index}]`,
      ...(entry.empty_layer ? {} : { layer }),
    };
    if (!entry.empty_layer) layer++;
    for (const f of scanHistoryLine(createdBy, place)) findings.push(f);
  });
  return findings.sort(compareFindings);
}

interface Place {
  readonly location: SecretLocation;
  readonly field: string;
  readonly layer?: number;
}

function splitAssignment(entry: string): { name: string; value: string } {
  const eq = entry.indexOf('=');
  return eq < 0 ? { name: entry, value: '' } : { name: entry.slice(0, eq), value: entry.slice(eq + 1) };
}

/**
 * A name/value pair: content rules on the value first (a token is a token under any name), then the name
 * (`DB_PASSWORD=…`) with the password gate, so `DB_PASSWORD=changeme` or `=${DB_PASSWORD}` is not a finding.
 */
function scanAssignment(name: string, value: string, place: Place, nameRule: string): SecretFinding[] {
  const matches = scanText(value).map((match) => ({
    rule: match.rule,
    description: match.description,
    descriptionDe: match.descriptionDe,
    severity: match.severity,
    ...place,
    fingerprint: fingerprint(match.secret, match.reveal),
  }));
  if (matches.length > 0) return matches;
  if (!isSecretName(name) || !passwordGate(value)) return [];
  return [
    {
      rule: nameRule,
      ...(place.location === 'label'
        ? {
            description: 'secret in a label whose name says secret',
            descriptionDe: 'Geheimnis in einem Label, dessen Name auf ein Geheimnis hinweist',
          }
        : {
            description: 'secret in an environment variable whose name says secret',
            descriptionDe: 'Geheimnis in einer Umgebungsvariablen, deren Name auf ein Geheimnis hinweist',
          }),
      severity: 'critical',
      ...place,
      fingerprint: fingerprint(value),
    },
  ];
}

const inBuildHistory: SecretDescription = { description: ' in build history', descriptionDe: ' in der Build-History' };

/** `RUN |2 A=1 B=2 /bin/sh -c …` (BuildKit and the classic builder): the build arguments of a RUN line. */
const buildArgs = /^(?:RUN )?\|(\d{1,3}) /;
/** `ENV A=1 B=2`, `ARG TOKEN=…`, also the classic `/bin/sh -c #(nop)  ENV …`. */
const envOrArg = /^(?:\/bin\/sh -c #\(nop\)\s+)?(ENV|ARG)\s+(.*)$/s;

function scanHistoryLine(createdBy: string, place: Place): SecretFinding[] {
  const assignments = historyAssignments(createdBy);
  const assignedValues = new Set(assignments.map((assignment) => assignment.value));
  // Specific rules (a `ghp_` token) name the secret best; the generic assignment rule gives way to the
  // parsed build argument or ENV, which names the instruction.
  const fromRules = scanText(createdBy).filter(
    (match) => !(match.rule === 'password-assignment' && assignedValues.has(match.secret)),
  );
  const findings: SecretFinding[] = fromRules.map((match) => ({
    rule: match.rule,
    ...describeWith(match, inBuildHistory),
    severity: match.severity,
    ...place,
    fingerprint: fingerprint(match.secret, match.reveal),
  }));
  const seen = new Set<string>();
  for (const { name, value, rule } of assignments) {
    if (seen.has(value) || fromRules.some((match) => value.includes(match.secret))) continue;
    if (!isSecretName(name) || !passwordGate(value)) continue;
    seen.add(value);
    findings.push({
      rule,
      ...(rule === 'build-arg-secret'
        ? {
            description: `secret build argument ${name} recorded in history`,
            descriptionDe: `geheimes Build-Argument ${name} in der History festgehalten`,
          }
        : {
            description: `secret ${name} set by ENV/ARG in history`,
            descriptionDe: `Geheimnis ${name} in der History per ENV/ARG gesetzt`,
          }),
      severity: 'critical',
      ...place,
      fingerprint: fingerprint(value),
    });
  }
  return findings;
}

/**
 * `NAME=value` pairs of an `ENV`/`ARG` body. A match may begin only at the start of a run of name characters
 * (the lookbehind), skipping the digits, dots and dashes a name cannot start with: without that anchor the
 * engine retries the name at every character of a long run without `=`, and a 4 MiB history line takes hours
 * (hostile-input test in config.test.ts). Anchored, each run is walked once, with the same pairs as before.
 */
const envPair = /(?<![A-Za-z0-9_.-])[0-9.-]*([A-Za-z_][A-Za-z0-9_.-]*)=("(?:[^"\\]|\\.)*"|'[^']*'|\S*)/g;

function historyAssignments(createdBy: string): { name: string; value: string; rule: string }[] {
  const args = buildArgs.exec(createdBy);
  if (args) {
    const count = Number(args[1]);
    const words = createdBy.slice(args[0].length).split(' ').slice(0, count);
    return words.map((word) => ({ ...splitAssignment(word), rule: 'build-arg-secret' }));
  }
  const instruction = envOrArg.exec(createdBy.trim());
  if (!instruction) return [];
  const body = instruction[2] ?? '';
  // `ENV NAME value` (legacy one-pair form) or `ENV A=1 B="two words"`.
  if (!/^\S+=/.test(body)) {
    const space = body.search(/\s/);
    return space < 0 ? [] : [{ name: body.slice(0, space), value: body.slice(space + 1).trim(), rule: 'env-secret' }];
  }
  const pairs: { name: string; value: string; rule: string }[] = [];
  for (const match of body.matchAll(envPair)) {
    const raw = match[2] ?? '';
    const value = /^["']/.test(raw) ? raw.slice(1, -1) : raw;
    pairs.push({ name: match[1] ?? '', value, rule: 'env-secret' });
  }
  return pairs;
}
