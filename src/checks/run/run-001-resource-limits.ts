import type { Check } from '../check.ts';
import type { LocalizedEvidence } from '../evidence.ts';
import { metadata } from '../facts/labels.ts';
import { missingInput } from '../missing-input.ts';
import { bsi, nist } from '../references.ts';
import { eachContainer, manifestEvidence } from './workload-helpers.ts';

const label = (r: string) => `org.opencontainers.image.resource.${r}`;

export const run001: Check = {
  id: 'SGCI-RUN-001',
  section: 'RUN',
  title: { en: 'Resource limits documented', de: 'Ressourcenbedarf dokumentiert' },
  level: 'SHOULD',
  references: [nist('5.3'), bsi('SYS.1.6.A15'), bsi('SYS.1.6.A23')],
  automation: ['image', 'manifest'],
  decides:
    'Labels org.opencontainers.image.resource.cpu and .memory (a missing .ephemeral-storage is noted), or cpu and memory requests/limits for every container in the manifests.',
  remediation:
    'Set LABEL org.opencontainers.image.resource.cpu/.memory/.ephemeral-storage, or requests/limits for every container.',
  remediationDe:
    'LABEL org.opencontainers.image.resource.cpu/.memory/.ephemeral-storage oder requests/limits für jeden Container setzen.',
  evaluate(ctx) {
    if (!ctx.image && !ctx.manifests) return missingInput.imageOrManifests;
    const evidence: LocalizedEvidence[] = [];
    let imageDocuments = false;
    if (ctx.image) {
      const meta = metadata(ctx.image);
      for (const r of ['cpu', 'memory', 'ephemeral-storage']) {
        const value = meta[label(r)];
        evidence.push({
          kind: 'config',
          field: `Labels.${label(r)}`,
          ...(value ? { value } : { message: 'not documented', messageDe: 'nicht dokumentiert' }),
        });
      }
      imageDocuments = Boolean(meta[label('cpu')] && meta[label('memory')]);
    }
    let manifestsDocument: boolean | undefined;
    if (ctx.manifests) {
      manifestsDocument = true;
      for (const { workload, container } of eachContainer(ctx.manifests)) {
        const requests = container.resources?.requests ?? {};
        const limits = container.resources?.limits ?? {};
        const missing = ['cpu', 'memory'].filter((r) => requests[r] === undefined && limits[r] === undefined);
        if (missing.length > 0) {
          manifestsDocument = false;
          evidence.push(
            manifestEvidence(workload, container, 'resources', undefined, {
              en: `no ${missing.join(' or ')} request/limit`,
              de: `kein Request/Limit für ${missing.join(' oder ')}`,
            }),
          );
        } else if (requests['ephemeral-storage'] === undefined && limits['ephemeral-storage'] === undefined) {
          evidence.push(
            manifestEvidence(workload, container, 'resources', container.resources, {
              en: 'cpu and memory set; ephemeral-storage missing',
              de: 'cpu und memory gesetzt; ephemeral-storage fehlt',
            }),
          );
        } else {
          evidence.push(manifestEvidence(workload, container, 'resources', container.resources));
        }
      }
    }
    if (imageDocuments || manifestsDocument === true) return { status: 'pass', evidence };
    return { status: 'fail', evidence, remediation: this.remediation };
  },
};
