import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { describe, SgciError } from '../../core/index.ts';

export interface DockerfileInstruction {
  readonly keyword: string;
  /** Arguments as written (line continuations kept). */
  readonly raw: string;
  /** Arguments with ARG defaults substituted, quotes kept as written. */
  readonly args: readonly string[];
  /** `--from=builder` -> { from: 'builder' }. */
  readonly flags: Readonly<Record<string, string>>;
  /** 1-based line. */
  readonly line: number;
}

export interface DockerfileStage {
  readonly index: number;
  /** `AS name`, lower-cased as BuildKit compares it. */
  readonly name?: string;
  readonly from: {
    /** The image text after ARG substitution (`debian:12`, `${BASE}` when unresolvable). */
    readonly image: string;
    readonly line: number;
    /** Index of an earlier stage this FROM builds on. */
    readonly stage?: number;
    readonly scratch: boolean;
    /** The name still contains a `$` variable without a default. */
    readonly unresolved: boolean;
    readonly tag?: string;
    readonly digest?: string;
  };
  readonly instructions: readonly DockerfileInstruction[];
}

export interface DockerfileInput {
  readonly path: string;
  readonly stages: readonly DockerfileStage[];
}

const maxDockerfileBytes = 1024 * 1024;

function splitImage(image: string): { tag?: string; digest?: string } {
  let rest = image;
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
  }
  const colon = rest.lastIndexOf(':');
  const tag = colon > rest.lastIndexOf('/') ? rest.slice(colon + 1) : undefined;
  return { ...(tag ? { tag } : {}), ...(digest ? { digest } : {}) };
}

/** Parses a Dockerfile into stages (multi-stage aware: `FROM <earlier stage>` links to it). */
export function parseDockerfile(text: string, path: string): DockerfileInput {
  if (text.length > maxDockerfileBytes) throw new SgciError('DOCKERFILE_INVALID', path, 'Dockerfile larger than 1 MiB');
  // dockerfile-ast is only needed with --dockerfile: loaded here, not at every CLI start (~30 ms).
  const { DockerfileParser } = createRequire(import.meta.url)('dockerfile-ast') as typeof import('dockerfile-ast');
  const parsed = DockerfileParser.parse(text);
  const stages: {
    index: number;
    name?: string;
    from: DockerfileStage['from'];
    instructions: DockerfileInstruction[];
  }[] = [];
  for (const instruction of parsed.getInstructions()) {
    const keyword = instruction.getKeyword().toUpperCase();
    const line = instruction.getRange().start.line + 1;
    const args = instruction.getExpandedArguments().map((a) => a.getValue());
    const flags: Record<string, string> = {};
    const withFlags = instruction as unknown as { getFlags?: () => { getName(): string; getValue(): string | null }[] };
    for (const flag of withFlags.getFlags?.() ?? []) flags[flag.getName().toLowerCase()] = flag.getValue() ?? '';
    const entry: DockerfileInstruction = { keyword, raw: instruction.getArgumentsContent() ?? '', args, flags, line };
    if (keyword === 'FROM') {
      const positional = args.filter((a) => !a.startsWith('--'));
      const image = positional[0] ?? '';
      const asIndex = positional.findIndex((a) => a.toLowerCase() === 'as');
      const name = asIndex >= 0 ? positional[asIndex + 1]?.toLowerCase() : undefined;
      const earlier = stages.find((s) => s.name !== undefined && s.name === image.toLowerCase());
      stages.push({
        index: stages.length,
        ...(name ? { name } : {}),
        from: {
          image,
          line,
          ...(earlier ? { stage: earlier.index } : {}),
          scratch: image.toLowerCase() === 'scratch',
          unresolved: image.includes('$') || image === '',
          ...(earlier ? {} : splitImage(image)),
        },
        instructions: [entry],
      });
      continue;
    }
    const current = stages.at(-1);
    if (current) current.instructions.push(entry);
    else if (keyword !== 'ARG') {
      throw new SgciError('DOCKERFILE_INVALID', path, `line ${line}: ${keyword} before the first FROM`);
    }
  }
  return { path, stages };
}

export async function readDockerfile(path: string): Promise<DockerfileInput> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new SgciError('DOCKERFILE_INVALID', path, `cannot read Dockerfile: ${describe(error)}`, { cause: error });
  }
  const input = parseDockerfile(text, path);
  if (input.stages.length === 0) throw new SgciError('DOCKERFILE_INVALID', path, 'no FROM instruction');
  return input;
}

/** The stage the build produces: the last one (no `--target` support in the checks). */
export function finalStage(input: DockerfileInput): DockerfileStage | undefined {
  return input.stages.at(-1);
}

/** The stages the final image inherits through `FROM <stage>` chains, final first. */
export function stageChain(input: DockerfileInput, stage: DockerfileStage): DockerfileStage[] {
  const chain: DockerfileStage[] = [stage];
  let current = stage;
  while (current.from.stage !== undefined) {
    const parent = input.stages[current.from.stage];
    if (!parent || chain.includes(parent)) break;
    chain.push(parent);
    current = parent;
  }
  return chain;
}

/** Last instruction of `keyword` in effect for a stage, following `FROM <stage>` inheritance. */
export function lastInstruction(
  input: DockerfileInput,
  stage: DockerfileStage,
  keyword: string,
): { stage: DockerfileStage; instruction: DockerfileInstruction } | undefined {
  for (const s of stageChain(input, stage)) {
    const found = s.instructions.findLast((i) => i.keyword === keyword);
    if (found) return { stage: s, instruction: found };
  }
  return undefined;
}
