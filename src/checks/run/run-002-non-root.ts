import type { FilesystemCheck } from '../check.ts';
import type { LocalizedEvidence } from '../evidence.ts';
import { passwdPaths, resolveUser } from '../facts/users.ts';
import type { DockerfileInput } from '../inputs/dockerfile.ts';
import { stageChain } from '../inputs/dockerfile.ts';
import { missingInput } from '../missing-input.ts';
import { bsi, nist } from '../references.ts';
import { eachContainer, effective, manifestEvidence } from './workload-helpers.ts';

const minUid = 1000;

function isRootUser(user: string): boolean {
  const name = user.split(':')[0]?.trim() ?? '';
  return name === 'root' || name === '0';
}

/**
 * Stages whose effective USER at their end is root by an explicit USER (own or inherited through FROM <stage>).
 * A stage without any USER is not judged from the Dockerfile: its base image decides (hadolint DL3002 alike).
 */
export function rootStages(
  dockerfile: DockerfileInput,
): { stage: number; line: number; user: string; final: boolean }[] {
  const out: { stage: number; line: number; user: string; final: boolean }[] = [];
  for (const stage of dockerfile.stages) {
    for (const s of stageChain(dockerfile, stage)) {
      const user = s.instructions.findLast((i) => i.keyword === 'USER');
      if (!user) continue;
      const value = user.args.join(' ');
      if (isRootUser(value))
        out.push({ stage: stage.index, line: user.line, user: value, final: stage === dockerfile.stages.at(-1) });
      break;
    }
  }
  return out;
}

export const run002: FilesystemCheck = {
  id: 'SGCI-RUN-002',
  section: 'RUN',
  reads: 'filesystem',
  title: { en: 'Runs as non-root (UID > 1000)', de: 'Läuft nicht als root (UID > 1000)' },
  level: 'SHOULD',
  references: [nist('4.1.2'), bsi('SYS.1.6.A17'), bsi('SYS.1.6.A18'), bsi('SYS.1.6.A21')],
  automation: ['image', 'manifest', 'dockerfile'],
  decides:
    "Config User resolves to a UID > 1000 (numeric or via the image's /etc/passwd); manifests set runAsNonRoot (or runAsUser > 1000); no Dockerfile stage ends as USER root.",
  remediation:
    'Set USER to a numeric UID above 1000 (e.g. USER 65532) and runAsNonRoot: true in the pod securityContext.',
  remediationDe:
    'USER auf eine numerische UID über 1000 setzen (z. B. USER 65532) und runAsNonRoot: true im securityContext des Pods.',
  needs: { paths: [...passwdPaths] },
  async evaluate(ctx) {
    if (!ctx.image && !ctx.manifests && !ctx.dockerfile) return missingInput.anyInput;
    const evidence: LocalizedEvidence[] = [];
    let failed = false;
    let warned = false;
    if (ctx.image) {
      const user = ctx.image.config.config?.User;
      const resolved = await resolveUser(user, ctx.fs?.squashed);
      if (!resolved.ok) {
        failed = true;
        evidence.push({
          kind: 'config',
          field: 'User',
          value: user ?? '',
          message: resolved.reason,
          messageDe: resolved.reasonDe,
        });
      } else {
        const ok = resolved.uid > minUid;
        if (!ok) failed = true;
        evidence.push({
          kind: 'config',
          field: 'User',
          value: user ?? '',
          message: `UID ${resolved.uid} (${resolved.how})${ok ? '' : ` is not above ${minUid}`}`,
          messageDe: `UID ${resolved.uid} (${resolved.howDe})${ok ? '' : ` liegt nicht über ${minUid}`}`,
        });
      }
    }
    if (ctx.manifests) {
      for (const { workload, container } of eachContainer(ctx.manifests)) {
        const nonRoot = effective(workload, container, 'runAsNonRoot');
        const uid = effective(workload, container, 'runAsUser');
        if (nonRoot?.value === true || (typeof uid?.value === 'number' && uid.value > minUid)) {
          evidence.push(
            manifestEvidence(
              workload,
              container,
              nonRoot?.value === true
                ? `${nonRoot.level}.securityContext.runAsNonRoot`
                : `${uid?.level}.securityContext.runAsUser`,
              nonRoot?.value === true ? true : uid?.value,
            ),
          );
        } else {
          failed = true;
          evidence.push(
            manifestEvidence(workload, container, 'securityContext.runAsNonRoot', nonRoot?.value, {
              en: 'runAsNonRoot is not true and runAsUser is not above 1000',
              de: 'runAsNonRoot ist nicht true und runAsUser liegt nicht über 1000',
            }),
          );
        }
      }
    }
    if (ctx.dockerfile) {
      for (const root of rootStages(ctx.dockerfile)) {
        if (root.final) failed = true;
        else warned = true;
        evidence.push({
          kind: 'dockerfile',
          path: ctx.dockerfile.path,
          line: root.line,
          instruction: `USER ${root.user}`,
          stage: root.stage,
          message: root.final ? 'the final stage runs as root' : 'this build stage ends as root',
          messageDe: root.final ? 'die letzte Stage läuft als root' : 'diese Build-Stage endet als root',
        });
      }
    }
    if (failed) return { status: 'fail', evidence, remediation: this.remediation };
    if (warned)
      return {
        status: 'warn',
        evidence,
        remediation: 'Switch every stage back to a non-root USER before it ends.',
        remediationDe: 'Jede Stage vor ihrem Ende wieder auf einen USER ungleich root umstellen.',
      };
    return { status: 'pass', evidence };
  },
};
