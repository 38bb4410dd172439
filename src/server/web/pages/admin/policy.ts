/**
 * The catalogue's admission policy as verdicts name it (the SHA-256 of the document `GET /api/v1/policy` serves)
 * and the public key of its verdicts (`GET /api/v1/keys/verdict.pub`), with the command that checks a verdict.
 */
import type { Context } from 'hono';
import { keyIdOf } from '../../../../attest/index.ts';
import { digestOf } from '../../../../core/index.ts';
import { policyDocument } from '../../../../policy/index.ts';
import type { AppEnv } from '../../../router.ts';
import { verdictKeyPath } from '../../../routes/keys.ts';
import { alert, command, facts } from '../../components.ts';
import type { PageContext } from '../../context.ts';
import { html } from '../../html.ts';
import type { PageContent } from '../../layout.ts';
import { adminTrail, signedIn } from './common.ts';

const text = {
  de: {
    policy: 'Zulassungs-Richtlinie',
    policyIntro:
      'Nach dieser Richtlinie lässt der Katalog Images zu. Jedes Prüfurteil nennt den SHA-256 des veröffentlichten ' +
      'Dokuments; ein Urteil, das einen anderen nennt, entstand unter einer anderen Fassung.',
    name: 'Name',
    source: 'Herkunft',
    builtin: 'eingebaute Richtlinie von sgci',
    file: (digest: string) => `Datei, SHA-256 ${digest}`,
    digest: 'Digest des veröffentlichten Dokuments',
    document: 'Dokument',
    documentLink: 'GET /api/v1/policy (JSON)',
    key: 'Schlüssel der Prüfurteile',
    keyIntro:
      'Mit diesem öffentlichen Schlüssel prüft jede und jeder, dass ein Prüfurteil (VSA) am Image vom Katalog stammt ' +
      'und nicht verändert wurde.',
    keyId: 'Kennung (SHA-256 des Schlüssels)',
    keyLink: 'Öffentlichen Schlüssel herunterladen (katalog.pub)',
    fetch: 'Schlüssel holen',
    verify: 'Prüfurteil eines Images verifizieren',
    noKey: 'Kein Signaturschlüssel eingerichtet',
    noKeyBody:
      'Dieser Katalog hat keinen Schlüssel (signingKey) und kann deshalb nichts zulassen: Eine Zulassung ist sein ' +
      'signiertes Urteil.',
  },
  en: {
    policy: 'Admission policy',
    policyIntro:
      'The catalogue admits images by this policy. Every verdict names the SHA-256 of the published document; a ' +
      'verdict that names another was made under another version.',
    name: 'Name',
    source: 'Source',
    builtin: "sgci's built-in policy",
    file: (digest: string) => `file, SHA-256 ${digest}`,
    digest: 'Digest of the published document',
    document: 'Document',
    documentLink: 'GET /api/v1/policy (JSON)',
    key: 'Key of the verdicts',
    keyIntro:
      'With this public key anyone checks that a verdict (VSA) attached to an image comes from the catalogue and was ' +
      'not altered.',
    keyId: 'Id (SHA-256 of the key)',
    keyLink: 'Download the public key (katalog.pub)',
    fetch: 'Fetch the key',
    verify: "Verify an image's verdict",
    noKey: 'No signing key set up',
    noKeyBody:
      'This catalogue has no key (signingKey) and therefore cannot admit anything: an admission is its signed verdict.',
  },
};

export async function adminPolicyPage(c: Context<AppEnv>, ctx: PageContext): Promise<PageContent> {
  signedIn(ctx);
  const s = text[ctx.lang];
  const { policy, signing, config } = c.var.deps;
  const title = ctx.t.pageTitles.adminPolicy;
  const base = config.publicUrl?.replace(/\/$/, '') ?? new URL(c.req.url).origin;
  const key = signing
    ? html`<p class="prose">${s.keyIntro}</p>
${facts([
  [s.keyId, html`<code>sha256:${keyIdOf(signing.signer.publicKey)}</code>`],
  [s.document, html`<a href="${verdictKeyPath}">${s.keyLink}</a>`],
])}
${command(ctx, 'befehl-schluessel', s.fetch, `curl -o katalog.pub ${base}${verdictKeyPath}`)}
${command(ctx, 'befehl-verify', s.verify, 'sgci verify-attestation --key katalog.pub --type vsa IMAGE@sha256:…')}`
    : alert('warning', s.noKey, html`<p>${s.noKeyBody}</p>`, { headingLevel: 3 });
  return {
    title,
    trail: adminTrail(ctx),
    script: signing !== undefined,
    main: html`<h1 class="kern-heading-large">${title}</h1>
<section aria-labelledby="richtlinie"><h2 class="kern-heading-medium" id="richtlinie">${s.policy}</h2>
<p class="prose">${s.policyIntro}</p>
${facts([
  [s.name, policy.name],
  [s.source, policy.digest === 'builtin' ? s.builtin : s.file(policy.digest)],
  [s.digest, html`<code>${digestOf(policyDocument(policy))}</code>`],
  [s.document, html`<a href="/api/v1/policy">${s.documentLink}</a>`],
])}
</section>
<section class="section" aria-labelledby="urteilsschluessel"><h2 class="kern-heading-medium" id="urteilsschluessel">${s.key}</h2>
${key}
</section>`,
  };
}
