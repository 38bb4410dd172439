import { normalizeImageName } from '../../policy/index.ts';
import type { Check } from '../check.ts';
import type { Evidence } from '../evidence.ts';
import { distroEndOfLife } from '../facts/eol.ts';
import { bsi } from '../references.ts';
import { baseIdentity } from './base-identity.ts';

export const base006: Check = {
  id: 'SGCI-BASE-006',
  section: 'BASE',
  title: { en: 'Base image quality criteria', de: 'Qualitätskriterien des Base-Images' },
  level: 'SHOULD',
  references: [bsi('SYS.1.6.A6')],
  automation: ['image', 'history'],
  decides:
    'Official source (trusted registries/namespaces from the policy), current LTS/stable release (distribution not end-of-life), slim/minimal variant.',
  remediation: 'Use an official, slim base image of a supported LTS/stable release from a trusted registry.',
  remediationDe:
    'Ein offizielles, schlankes Base-Image einer unterstützten LTS-/Stable-Version aus einer vertrauenswürdigen Registry verwenden.',
  evaluate(ctx) {
    if (!ctx.image && !ctx.dockerfile)
      return { status: 'not-applicable', reason: 'neither an image nor a Dockerfile given' };
    const evidence: Evidence[] = [];
    let failed = false;
    let undecided = false;
    const base = baseIdentity(ctx);
    if (base.name && base.name !== 'scratch') {
      const repository = normalizeImageName(base.name).repository;
      const trusted = ctx.policy.trustedRegistries.find((r) => repository === r || repository.startsWith(`${r}/`));
      evidence.push({
        kind: 'note',
        message: trusted
          ? `${repository} is from trusted source ${trusted}`
          : `${repository} is not from a trusted registry of the policy`,
      });
      if (!trusted) failed = true;
    } else if (!base.name) {
      undecided = true;
      evidence.push({ kind: 'note', message: 'base image not identified: its source cannot be judged' });
    }
    const distro = ctx.sbom?.distro;
    if (distro) {
      const eol = distroEndOfLife(distro.id, distro.versionId, ctx.now);
      const label = `${distro.id} ${distro.versionId ?? '(no VERSION_ID)'}`;
      if (!eol.known) evidence.push({ kind: 'note', message: `${label}: end-of-life date not known to sgci` });
      else
        evidence.push({
          kind: 'file',
          path: '/etc/os-release',
          message: `${label}: end of life ${eol.eol}${eol.expired ? ' (passed)' : ''}`,
        });
      if (eol.expired) failed = true;
    } else if (ctx.sbom) {
      evidence.push({ kind: 'note', message: 'no distribution release found (distroless/static images carry none)' });
    }
    if (failed) return { status: 'fail', evidence, remediation: this.remediation };
    if (undecided)
      return {
        status: 'manual',
        reason: 'the base image is not identified; only its release could be judged',
        evidence,
      };
    return { status: 'pass', evidence };
  },
};
