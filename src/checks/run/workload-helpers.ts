import type { LocalizedEvidence, Text } from '../evidence.ts';
import type { ManifestContainer, ManifestsInput, Workload } from '../inputs/manifests.ts';
import { workloadLabel } from '../inputs/manifests.ts';

export type Container = ManifestContainer & { readonly init: boolean };

export function* eachContainer(input: ManifestsInput): Generator<{ workload: Workload; container: Container }> {
  for (const workload of input.workloads) for (const container of workload.containers) yield { workload, container };
}

export function manifestEvidence(
  workload: Workload,
  container: Container | undefined,
  field: string,
  value: unknown,
  message?: Text,
): LocalizedEvidence {
  const evidence = {
    kind: 'manifest' as const,
    path: workload.path,
    object: `${workloadLabel(workload)}${workload.document > 0 ? ` (document ${workload.document + 1})` : ''}`,
    ...(container ? { container: `${container.init ? 'init:' : ''}${container.name}` } : {}),
    field,
    ...(value === undefined ? {} : { value: typeof value === 'string' ? value : JSON.stringify(value) }),
  };
  return message ? { ...evidence, message: message.en, messageDe: message.de } : evidence;
}

/** A container-level security setting, falling back to the pod-level one where Kubernetes does. */
export function effective<
  K extends 'runAsNonRoot' | 'runAsUser' | 'seccompProfile' | 'appArmorProfile' | 'seLinuxOptions',
>(workload: Workload, container: Container, key: K): { value: unknown; level: 'container' | 'pod' } | undefined {
  const own = container.securityContext?.[key];
  if (own !== undefined) return { value: own, level: 'container' };
  const pod = workload.pod.securityContext?.[key];
  if (pod !== undefined) return { value: pod, level: 'pod' };
  return undefined;
}
