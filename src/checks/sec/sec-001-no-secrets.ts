import type { SecretFinding } from '../../secrets/index.ts';
import type { ContextCheck, PassContext } from '../check.ts';
import type { LocalizedEvidence } from '../evidence.ts';
import { shippedBy } from '../facts/shipped-by.ts';
import { bsi, nist } from '../references.ts';

const thirdPartyRemediation = {
  en: "The secret ships inside a published package and is its author's: tell the package's maintainers (theirs to rotate) or use a release without it. `thirdPartySecrets: fail` in the policy makes such secrets fail the gate.",
  de: 'Das Geheimnis wird in einem veröffentlichten Paket mitgeliefert und gehört dessen Autor: die Maintainer informieren (sie müssen es austauschen) oder eine Version ohne es verwenden. Mit `thirdPartySecrets: fail` in der Policy lassen solche Geheimnisse die Freigabe scheitern.',
};

/** A published package, as the evidence names it. */
interface Owner {
  readonly name: string;
  readonly version: string;
  readonly purl: string;
}

/**
 * The package each file finding's file ships in, keyed by `layer:path`. Taken in the pass, where the file digests
 * are (a dpkg/apk file counts only while unchanged), and stored with the scan.
 */
type Shipped = Readonly<Record<string, Owner>>;

function fileKey(s: SecretFinding): string | undefined {
  return s.location === 'file' && s.path !== undefined && s.layer !== undefined ? `${s.layer}:${s.path}` : undefined;
}

/** Evidence for one finding; `owner` names the package whose file holds it. */
function secretEvidence(s: SecretFinding, owner: Owner | undefined): LocalizedEvidence {
  const path = s.location === 'file' ? s.path : s.field;
  const removed = s.deleted
    ? {
        en: ' (removed by a later layer, still shipped)',
        de: ' (von einer späteren Schicht entfernt, wird dennoch ausgeliefert)',
      }
    : { en: '', de: '' };
  const shipped = owner
    ? {
        en: `; shipped in package ${owner.name} ${owner.version} (${owner.purl}), its author's secret`,
        de: `; mitgeliefert im Paket ${owner.name} ${owner.version} (${owner.purl}), ein Geheimnis seines Autors`,
      }
    : { en: '', de: '' };
  return {
    kind: 'secret',
    rule: s.rule,
    location: s.location,
    ...(path === undefined ? {} : { path }),
    ...(s.layer === undefined ? {} : { layer: s.layer }),
    ...(s.line === undefined ? {} : { line: s.line }),
    fingerprint: s.fingerprint,
    ...(owner ? { package: { name: owner.name, version: owner.version, purl: owner.purl } } : {}),
    message: `${s.description}${removed.en}${shipped.en}`,
    messageDe: `${s.descriptionDe}${removed.de}${shipped.de}`,
  };
}

/** The published package of each file finding; config secrets (Env, labels, history) are always the image's. */
function shippedIn(ctx: PassContext): Shipped {
  const shipped: Record<string, Owner> = {};
  for (const s of ctx.secrets ?? []) {
    const key = fileKey(s);
    if (key === undefined || s.path === undefined || s.layer === undefined) continue;
    const owner = shippedBy(ctx.sbom, ctx.fileDigests, s.path, s.layer);
    if (owner) shipped[key] = { name: owner.name, version: owner.version, purl: owner.purl };
  }
  return shipped;
}

export const sec001: ContextCheck<Shipped> = {
  id: 'SGCI-SEC-001',
  section: 'SEC',
  title: { en: 'No secrets in the image', de: 'Keine Geheimnisse im Image' },
  level: 'MUST',
  references: [nist('4.1.4'), nist('4.2.2'), bsi('SYS.1.6.A8')],
  automation: ['image'],
  decides:
    "Private keys, cloud and API tokens, passwords in files of every layer (also files deleted later), in config Env, labels and history created_by; evidence names layer and path, never the secret. A secret in a file a published package ships (an npm, PyPI, gem or Composer package's files, or a dpkg/apk file unchanged since installation) is its author's: it names the package and warns (policy `thirdPartySecrets`, default warn); the image's own secrets fail.",
  remediation:
    'Remove the secret from every layer (rebuild, do not delete in a later layer), rotate it, and inject secrets at runtime.',
  remediationDe:
    'Das Geheimnis aus allen Layern entfernen (neu bauen, nicht in einem späteren Layer löschen), es austauschen und Geheimnisse zur Laufzeit einbinden.',
  // The digests tell a packaged file its package shipped from one the build changed.
  passFacts: ['file-digests'],
  collect: shippedIn,
  evaluate(ctx, owners = {}) {
    if (!ctx.secrets)
      return {
        status: 'not-applicable',
        reason: 'the secret scanner did not run (no image given)',
        reasonDe: 'der Scanner für Geheimnisse lief nicht (kein Image angegeben)',
      };
    if (ctx.secrets.length === 0)
      return {
        status: 'pass',
        evidence: [
          {
            kind: 'note',
            message: 'no secrets found in files, Env, labels or history',
            messageDe: 'keine Geheimnisse in Dateien, Env, Labels oder History gefunden',
          },
        ],
      };
    const found = ctx.secrets.map((s) => {
      const key = fileKey(s);
      return { s, owner: key === undefined ? undefined : owners[key] };
    });
    const own = found.filter((f) => !f.owner).length;
    const thirdParty = found.length - own;
    const evidence = found.map(({ s, owner }) => secretEvidence(s, owner));
    if (own > 0 && thirdParty === 0) return { status: 'fail', evidence, remediation: this.remediation };
    const summary: LocalizedEvidence = {
      kind: 'note',
      message: `${own} secrets of the image; ${thirdParty} ship inside published packages (policy thirdPartySecrets: ${ctx.policy.thirdPartySecrets})`,
      messageDe: `${own} Geheimnisse des Images; ${thirdParty} werden in veröffentlichten Paketen mitgeliefert (Policy thirdPartySecrets: ${ctx.policy.thirdPartySecrets})`,
    };
    if (own > 0) return { status: 'fail', evidence: [summary, ...evidence], remediation: this.remediation };
    return {
      status: ctx.policy.thirdPartySecrets,
      evidence: [summary, ...evidence],
      remediation: thirdPartyRemediation.en,
      remediationDe: thirdPartyRemediation.de,
    };
  },
};
