import type { CheckResult } from './check.ts';

const notApplicable = (reason: string, reasonDe: string): CheckResult => ({
  status: 'not-applicable',
  reason,
  reasonDe,
});

/** The result of a check whose input this run did not have: worded once, the same in every check. */
export const missingInput = {
  image: notApplicable('no image given', 'kein Image angegeben'),
  filesystem: notApplicable(
    'the image filesystem was not read (no image given)',
    'das Dateisystem des Images wurde nicht gelesen (kein Image angegeben)',
  ),
  imageOrDockerfile: notApplicable(
    'neither an image nor a Dockerfile given',
    'weder ein Image noch ein Dockerfile angegeben',
  ),
  manifests: notApplicable(
    'no Kubernetes manifests given (--manifests)',
    'keine Kubernetes-Manifeste angegeben (--manifests)',
  ),
  imageOrManifests: notApplicable('neither an image nor manifests given', 'weder ein Image noch Manifeste angegeben'),
  anyInput: notApplicable(
    'no image, manifests or Dockerfile given',
    'weder Image noch Manifeste noch Dockerfile angegeben',
  ),
  vulnerabilities: notApplicable('vulnerability matching did not run', 'der Schwachstellenabgleich lief nicht'),
  sbom: notApplicable('no SBOM was generated for this run', 'für diesen Lauf wurde keine SBOM erzeugt'),
} as const;
