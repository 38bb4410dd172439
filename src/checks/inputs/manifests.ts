import { readdir, readFile, stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { describe, requireOnFirstUse, SgciError } from '../../core/index.ts';
import type { ManifestContainer, PodSpec } from './manifest-schema.ts';

export type { ManifestContainer, ManifestVolume, PodSpec } from './manifest-schema.ts';

// zod loads with the first manifest parsed, not with every scan that imports the checks (issue 17)
const schema = requireOnFirstUse<typeof import('./manifest-schema.ts')>(import.meta.url, './manifest-schema.ts');

export const workloadKinds = ['Pod', 'Deployment', 'StatefulSet', 'DaemonSet', 'Job', 'CronJob', 'ReplicaSet'] as const;
export type WorkloadKind = (typeof workloadKinds)[number];

export interface Workload {
  readonly kind: WorkloadKind;
  readonly name: string;
  /** The file and the document index in it (0-based), for evidence. */
  readonly path: string;
  readonly document: number;
  readonly pod: PodSpec;
  /** Pod template annotations (AppArmor annotations live here). */
  readonly annotations: Readonly<Record<string, string>>;
  /** containers then initContainers, each marked. */
  readonly containers: readonly (ManifestContainer & { readonly init: boolean })[];
}

export interface ManifestsInput {
  /** What the user gave with --manifests. */
  readonly source: string;
  readonly workloads: readonly Workload[];
  /** Documents that are not workloads (Service, ConfigMap …), counted for the report. */
  readonly otherDocuments: number;
}

const maxManifestFileBytes = 8 * 1024 * 1024;
const maxFiles = 2000;

function podPath(kind: WorkloadKind): string[] {
  if (kind === 'Pod') return ['spec'];
  if (kind === 'CronJob') return ['spec', 'jobTemplate', 'spec', 'template', 'spec'];
  return ['spec', 'template', 'spec'];
}

function dig(value: unknown, path: readonly string[]): unknown {
  let current = value;
  for (const key of path) {
    if (typeof current !== 'object' || current === null) return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

/** Workloads in one YAML/JSON text (multi-document, `kind: List` items, rendered Helm output). */
export function parseManifests(text: string, path: string): { workloads: Workload[]; other: number } {
  const workloads: Workload[] = [];
  let other = 0;
  // yaml is only needed with --manifests: loaded here, not at every CLI start (~25 ms).
  const { parseAllDocuments } = createRequire(import.meta.url)('yaml') as typeof import('yaml');
  const docs = parseAllDocuments(text, { prettyErrors: false });
  const list = Array.isArray(docs) ? docs : [docs];
  for (const [index, doc] of list.entries()) {
    if (doc.errors.length > 0) {
      throw new SgciError('MANIFESTS_INVALID', path, `document ${index + 1}: ${doc.errors[0]?.message.split('\n')[0]}`);
    }
    let value: unknown;
    try {
      value = doc.toJS({ maxAliasCount: 100 });
    } catch (error) {
      // the yaml package refuses alias bombs with a plain error: name the file instead of crashing
      throw new SgciError('MANIFESTS_INVALID', path, `document ${index + 1}: ${describe(error)}`, { cause: error });
    }
    if (value === null || value === undefined) continue;
    const objects =
      dig(value, ['kind']) === 'List' && Array.isArray(dig(value, ['items']))
        ? (dig(value, ['items']) as unknown[])
        : [value];
    for (const object of objects) {
      const kind = dig(object, ['kind']);
      if (typeof kind !== 'string' || !(workloadKinds as readonly string[]).includes(kind)) {
        other++;
        continue;
      }
      const workloadKind = kind as WorkloadKind;
      const name = String(dig(object, ['metadata', 'name']) ?? '(unnamed)');
      const podValue = dig(object, podPath(workloadKind));
      const pod = schema().PodSpec.safeParse(podValue ?? {});
      if (!pod.success) {
        const issue = pod.error.issues[0];
        throw new SgciError(
          'MANIFESTS_INVALID',
          path,
          `document ${index + 1} ${kind}/${name}: ${[...podPath(workloadKind), ...(issue?.path ?? [])].join('.')}: ${issue?.message}`,
        );
      }
      const annotationsPath =
        workloadKind === 'Pod'
          ? ['metadata', 'annotations']
          : [...podPath(workloadKind).slice(0, -1), 'metadata', 'annotations'];
      const rawAnnotations = dig(object, annotationsPath);
      const annotations: Record<string, string> = {};
      if (typeof rawAnnotations === 'object' && rawAnnotations !== null) {
        for (const [k, v] of Object.entries(rawAnnotations)) annotations[k] = String(v);
      }
      workloads.push({
        kind: workloadKind,
        name,
        path,
        document: index,
        pod: pod.data,
        annotations,
        containers: [
          ...pod.data.containers.map((c) => ({ ...c, init: false })),
          ...(pod.data.initContainers ?? []).map((c) => ({ ...c, init: true })),
        ],
      });
    }
  }
  return { workloads, other };
}

async function manifestFiles(path: string): Promise<string[]> {
  const info = await stat(path);
  if (info.isFile()) return [path];
  const files: string[] = [];
  const walk = async (dir: string): Promise<void> => {
    const entries = (await readdir(dir, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name));
    for (const entry of entries) {
      const full = join(dir, entry.name);
      if (entry.isDirectory()) await walk(full);
      else if (entry.isFile() && /\.(ya?ml|json)$/i.test(entry.name)) {
        files.push(full);
        if (files.length > maxFiles)
          throw new SgciError('LIMIT_EXCEEDED', path, `more than ${maxFiles} manifest files`);
      }
    }
  };
  await walk(path);
  return files;
}

/** Reads `--manifests FILE|DIR` (YAML/JSON files below a directory, sorted). */
export async function readManifests(path: string): Promise<ManifestsInput> {
  let files: string[];
  try {
    files = await manifestFiles(path);
  } catch (error) {
    if (error instanceof SgciError) throw error;
    throw new SgciError('MANIFESTS_INVALID', path, `cannot read manifests: ${describe(error)}`, { cause: error });
  }
  const texts: { name: string; content: string }[] = [];
  for (const file of files) {
    const info = await stat(file);
    if (info.size > maxManifestFileBytes)
      throw new SgciError('LIMIT_EXCEEDED', file, 'manifest file larger than 8 MiB');
    texts.push({ name: file, content: await readFile(file, 'utf8') });
  }
  return manifestsFromTexts(path, texts);
}

/** Manifests handed in as text (a submission's files, or the files of `--manifests`), in the given order. */
export function manifestsFromTexts(
  source: string,
  files: readonly { readonly name: string; readonly content: string }[],
): ManifestsInput {
  const workloads: Workload[] = [];
  let otherDocuments = 0;
  for (const file of files) {
    const result = parseManifests(file.content, file.name);
    for (const w of result.workloads) workloads.push(w);
    otherDocuments += result.other;
  }
  if (workloads.length === 0) {
    throw new SgciError('MANIFESTS_INVALID', source, `no workload (${workloadKinds.join(', ')}) found`);
  }
  return { source, workloads, otherDocuments };
}

/** `Deployment/web` (document 2) for evidence. */
export function workloadLabel(w: Workload): string {
  return `${w.kind}/${w.name}`;
}
