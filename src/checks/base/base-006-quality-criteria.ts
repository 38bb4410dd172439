import { normalizeImageName } from '../../policy/index.ts';
import type { Check } from '../check.ts';
import type { LocalizedEvidence } from '../evidence.ts';
import { distroEndOfLife } from '../facts/eol.ts';
import { missingInput } from '../missing-input.ts';
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
    if (!ctx.image && !ctx.dockerfile) return missingInput.imageOrDockerfile;
    const evidence: LocalizedEvidence[] = [];
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
        messageDe: trusted
          ? `${repository} stammt aus der vertrauenswürdigen Quelle ${trusted}`
          : `${repository} stammt aus keiner vertrauenswürdigen Registry der Policy`,
      });
      if (!trusted) failed = true;
    } else if (!base.name) {
      undecided = true;
      evidence.push({
        kind: 'note',
        message: 'base image not identified: its source cannot be judged',
        messageDe: 'Basis-Image nicht identifiziert: seine Quelle kann nicht beurteilt werden',
      });
    }
    const distro = ctx.sbom?.distro;
    if (distro) {
      const eol = distroEndOfLife(distro.id, distro.versionId, ctx.now);
      const label = `${distro.id} ${distro.versionId ?? '(no VERSION_ID)'}`;
      const labelDe = `${distro.id} ${distro.versionId ?? '(keine VERSION_ID)'}`;
      if (!eol.known)
        evidence.push({
          kind: 'note',
          message: `${label}: end-of-life date not known to sgci`,
          messageDe: `${labelDe}: Datum des Supportendes ist sgci nicht bekannt`,
        });
      else
        evidence.push({
          kind: 'file',
          path: '/etc/os-release',
          message: `${label}: end of life ${eol.eol}${eol.expired ? ' (passed)' : ''}`,
          messageDe: `${labelDe}: Supportende ${eol.eol}${eol.expired ? ' (überschritten)' : ''}`,
        });
      if (eol.expired) failed = true;
    } else if (ctx.sbom) {
      evidence.push({
        kind: 'note',
        message: 'no distribution release found (distroless/static images carry none)',
        messageDe: 'kein Release einer Distribution gefunden (Distroless-/statische Images enthalten keines)',
      });
    }
    if (failed) return { status: 'fail', evidence, remediation: this.remediation };
    if (undecided)
      return {
        status: 'manual',
        reason: 'the base image is not identified; only its release could be judged',
        reasonDe: 'das Basis-Image ist nicht identifiziert; nur sein Release konnte beurteilt werden',
        evidence,
      };
    return { status: 'pass', evidence };
  },
};
