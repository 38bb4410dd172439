import type { Policy } from '../schema.ts';

/**
 * The built-in policy, mirroring ../shared/seeds/base-image-policy.txt (categories, patch SLA) and the hardening
 * checklist (UID > 1000 outside the host range). `sgci-policy.yaml` overrides any field. An entry of its own: a run
 * on it (`sgci sbom`, any command without `--policy` and `--sla`) loads nothing else of the policy (issue 17).
 */
export const defaultPolicy: Policy = Object.freeze({
  name: 'builtin',
  digest: 'builtin',
  baseImages: {
    // Bevorzugt: alpine, distroless, scratch
    preferred: [
      'scratch',
      'docker.io/library/alpine:*',
      'docker.io/library/alpine',
      'gcr.io/distroless/**',
      'cgr.dev/chainguard/**',
    ],
    // Erlaubt: debian-slim, ubuntu (LTS)
    allowed: [
      'docker.io/library/debian:*-slim',
      'docker.io/library/debian:*-slim@*',
      'docker.io/library/ubuntu:20.04*',
      'docker.io/library/ubuntu:22.04*',
      'docker.io/library/ubuntu:24.04*',
      'docker.io/library/ubuntu:focal*',
      'docker.io/library/ubuntu:jammy*',
      'docker.io/library/ubuntu:noble*',
    ],
    // Eingeschränkt: node, python, dotnet (nur offizielle)
    restricted: ['docker.io/library/node:*', 'docker.io/library/python:*', 'mcr.microsoft.com/dotnet/**'],
  },
  trustedRegistries: ['docker.io/library', 'gcr.io/distroless', 'mcr.microsoft.com', 'cgr.dev/chainguard'],
  trustedKeys: [],
  directory: '.',
  maxImageAgeDays: 90,
  baseImageGraceDays: 7,
  sla: { CRITICAL: '48h', HIGH: '7d', MEDIUM: '30d', LOW: 'next-release' },
  // Container users must not coincide with host system/user accounts (checklist: UID > 1000).
  hostUidRange: { min: 0, max: 1000 },
  checks: {},
  exceptions: [],
  // A token its author left in a published package is not the image's secret: reported, rotated by its owner.
  thirdPartySecrets: 'warn',
  // A finding nobody rated may be anything: counted as HIGH until someone assesses it.
  unknownSeverity: 'HIGH',
});
