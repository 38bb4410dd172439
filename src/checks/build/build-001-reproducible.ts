import type { ContextCheck, PassContext } from '../check.ts';
import type { LocalizedEvidence } from '../evidence.ts';
import type { DockerfileInput } from '../inputs/dockerfile.ts';
import { missingInput } from '../missing-input.ts';
import { slsa, tr } from '../references.ts';

const archive = /\.(tar|tar\.gz|tgz|tar\.bz2|tbz2?|tar\.xz|txz|gz|bz2|xz|zst|tar\.zst)$/i;

/** ADD problems: a plain local file should be COPY (hadolint DL3020); a URL without --checksum is not reproducible. */
export function addFindings(dockerfile: DockerfileInput): Extract<LocalizedEvidence, { kind: 'dockerfile' }>[] {
  const out: Extract<LocalizedEvidence, { kind: 'dockerfile' }>[] = [];
  for (const stage of dockerfile.stages) {
    for (const i of stage.instructions) {
      if (i.keyword !== 'ADD') continue;
      const sources = i.args.filter((a) => !a.startsWith('--')).slice(0, -1);
      for (const raw of sources) {
        const source = raw.replace(/^["']|["']$/g, '');
        const remote = /^(https?|git):\/\//i.test(source) || source.startsWith('git@');
        let text: { message: string; messageDe: string } | undefined;
        if (remote && !('checksum' in i.flags))
          text = {
            message: `ADD of remote ${source} without --checksum: not reproducible`,
            messageDe: `ADD der entfernten Quelle ${source} ohne --checksum: nicht reproduzierbar`,
          };
        else if (!remote && !archive.test(source))
          text = {
            message: `ADD of plain file ${source}: use COPY (DL3020)`,
            messageDe: `ADD der einfachen Datei ${source}: COPY verwenden (DL3020)`,
          };
        if (text)
          out.push({
            kind: 'dockerfile',
            path: dockerfile.path,
            line: i.line,
            instruction: `ADD ${i.raw}`,
            stage: stage.index,
            ...text,
          });
      }
    }
  }
  return out;
}

/** Files whose mtime is later than the image's creation time: the layer fact this check judges. */
interface MtimeFacts {
  readonly newer: number;
  readonly example?: { readonly path: string; readonly layer: number };
}

function mtimeFacts(ctx: PassContext): MtimeFacts | undefined {
  const created = ctx.image?.config.created;
  const createdSeconds = created ? Math.floor(Date.parse(created) / 1000) : Number.NaN;
  if (!ctx.fs || Number.isNaN(createdSeconds)) return undefined;
  let newer = 0;
  let example: MtimeFacts['example'];
  for (const entry of ctx.fs.squashed.entries()) {
    if (entry.mtime !== undefined && entry.mtime > createdSeconds) {
      newer++;
      example ??= { path: entry.path, layer: entry.layer };
    }
  }
  return { newer, ...(example ? { example } : {}) };
}

export const build001: ContextCheck<MtimeFacts | undefined> = {
  id: 'SGCI-BUILD-001',
  section: 'BUILD',
  title: { en: 'Reproducible build', de: 'Reproduzierbarer Build' },
  level: 'SHOULD',
  references: [slsa('Build track L1-L3'), tr('TR-03185-2.BR.06')],
  automation: ['image', 'attestation', 'dockerfile'],
  decides:
    'Indicators of a deterministic build: file mtimes clamped to the image creation time (SOURCE_DATE_EPOCH), a provenance declaring reproducibility; no ADD of remote URLs without --checksum and no ADD of plain files (DL3020).',
  remediation:
    'Build with SOURCE_DATE_EPOCH and rewrite-timestamp (BuildKit), pin inputs, and use COPY instead of ADD.',
  remediationDe:
    'Mit SOURCE_DATE_EPOCH und rewrite-timestamp (BuildKit) bauen, Eingaben pinnen und COPY statt ADD verwenden.',
  collect: mtimeFacts,
  evaluate(ctx, facts) {
    if (!ctx.image && !ctx.dockerfile) return missingInput.imageOrDockerfile;
    const evidence: LocalizedEvidence[] = [];
    let problems = 0;
    if (ctx.image) {
      const created = ctx.image.config.created;
      const createdSeconds = created ? Math.floor(Date.parse(created) / 1000) : Number.NaN;
      if (!facts || Number.isNaN(createdSeconds)) {
        evidence.push({
          kind: 'note',
          message: 'image creation time or filesystem missing: timestamps not judged',
          messageDe: 'Erstellungszeitpunkt oder Dateisystem des Images fehlt: Zeitstempel nicht beurteilt',
        });
      } else if (facts.newer === 0) {
        evidence.push({
          kind: 'config',
          field: 'created',
          value: created,
          message: 'no file is newer than the image: mtimes clamped',
          messageDe: 'keine Datei ist neuer als das Image: mtimes sind begrenzt',
        });
      } else {
        problems++;
        evidence.push({
          kind: 'config',
          field: 'created',
          value: created,
          message: `${facts.newer} files are newer than the image creation time`,
          messageDe: `${facts.newer} Dateien sind neuer als der Erstellungszeitpunkt des Images`,
        });
        if (facts.example)
          evidence.push({
            kind: 'file',
            path: facts.example.path,
            layer: facts.example.layer,
            message: 'mtime after created',
            messageDe: 'mtime nach created',
          });
      }
    }
    if (ctx.dockerfile) {
      const adds = addFindings(ctx.dockerfile);
      problems += adds.length;
      for (const a of adds) evidence.push(a);
    }
    if (ctx.attestations) {
      const reproducible = ctx.attestations.attestations.some(
        (a) =>
          a.verified &&
          a.predicateType.startsWith('https://slsa.dev/provenance/') &&
          JSON.stringify(a.predicate).includes('"reproducible":true'),
      );
      evidence.push({
        kind: 'note',
        message: reproducible ? 'provenance declares a reproducible build' : 'no provenance declares reproducibility',
        messageDe: reproducible
          ? 'ein Herkunftsnachweis (Provenance) weist einen reproduzierbaren Build aus'
          : 'kein Herkunftsnachweis (Provenance) weist Reproduzierbarkeit aus',
      });
    }
    if (problems > 0) return { status: 'warn', evidence, remediation: this.remediation };
    return { status: 'pass', evidence };
  },
};
