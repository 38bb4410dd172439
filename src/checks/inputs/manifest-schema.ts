import { z } from 'zod';

/**
 * The parts of a Kubernetes pod spec the RUN checks read, as zod checks `--manifests` (unknown keys kept). Loaded
 * with the first manifest (`inputs/manifests.ts`): a scan without `--manifests` loads no zod (issue 17).
 */
const Probe = z.object({}).loose();
const SecurityContext = z
  .object({
    runAsNonRoot: z.boolean().optional(),
    runAsUser: z.number().optional(),
    runAsGroup: z.number().optional(),
    privileged: z.boolean().optional(),
    allowPrivilegeEscalation: z.boolean().optional(),
    readOnlyRootFilesystem: z.boolean().optional(),
    capabilities: z
      .object({ add: z.array(z.string()).optional(), drop: z.array(z.string()).optional() })
      .loose()
      .optional(),
    seccompProfile: z.object({ type: z.string() }).loose().optional(),
    appArmorProfile: z.object({ type: z.string() }).loose().optional(),
    seLinuxOptions: z.object({}).loose().optional(),
  })
  .loose();
const Quantities = z.record(z.string(), z.union([z.string(), z.number()]));
const Container = z
  .object({
    name: z.string().default('(unnamed)'),
    image: z.string().optional(),
    securityContext: SecurityContext.optional(),
    resources: z.object({ requests: Quantities.optional(), limits: Quantities.optional() }).loose().optional(),
    livenessProbe: Probe.optional(),
    readinessProbe: Probe.optional(),
    startupProbe: Probe.optional(),
    volumeMounts: z
      .array(z.object({ name: z.string(), mountPath: z.string(), readOnly: z.boolean().optional() }).loose())
      .optional(),
  })
  .loose();
export type ManifestContainer = z.infer<typeof Container>;
const Volume = z.object({ name: z.string() }).loose();
export type ManifestVolume = z.infer<typeof Volume>;
export const PodSpec = z
  .object({
    containers: z.array(Container).default([]),
    initContainers: z.array(Container).optional(),
    securityContext: SecurityContext.optional(),
    volumes: z.array(Volume).optional(),
    hostPID: z.boolean().optional(),
    hostIPC: z.boolean().optional(),
    hostNetwork: z.boolean().optional(),
  })
  .loose();
export type PodSpec = z.infer<typeof PodSpec>;
