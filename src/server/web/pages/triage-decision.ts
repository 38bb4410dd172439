/**
 * One VEX decision: what it says, who made it, when it expires, its state; the confirmation after it was saved or
 * withdrawn; the way to renew it (the form filled with it) and to withdraw it with a reason
 * (`POST /api/v1/vex/decisions/{id}/withdraw`), for whom the API lets withdraw it.
 */
import type { Context } from 'hono';
import { decisionById, type VexDecision, withdrawDecision } from '../../../catalogue/index.ts';
import { SgciError } from '../../../core/index.ts';
import type { AppEnv } from '../../router.ts';
import { sourceOf } from '../../routes/vex.ts';
import { alert, button, buttonLink, csrfInput, errorSummary, type FieldError, facts, textArea } from '../components.ts';
import type { PageContext } from '../context.ts';
import { type Html, html } from '../html.ts';
import { formatDate } from '../i18n.ts';
import type { PageContent } from '../layout.ts';
import {
  decideHref,
  expiryText,
  justificationLabel,
  mayWithdraw,
  scopeLabel,
  stateBadge,
  triageNavigation,
  triager,
  triageWords,
} from './triage-common.ts';
import { vexLabel } from './vulnerability-text.ts';

const maxReason = 2000;

const text = {
  de: {
    saved: 'Die Entscheidung ist gespeichert.',
    savedBody:
      'Sie gilt ab sofort für jede passende Version; die Berichte der Versionen übernehmen sie mit der nächsten ' +
      'Neubewertung.',
    withdrawnNow: 'Die Entscheidung ist zurückgezogen.',
    withdrawnBody: 'Sie gilt ab sofort nirgends mehr; der Grund steht im Ereignisprotokoll.',
    justification: 'Begründung',
    impactStatement: 'Auswirkung',
    actionStatement: 'Handlungsanweisung',
    author: 'Entschieden von',
    createdAt: 'Entschieden am',
    withdrawnAt: 'Zurückgezogen am',
    reason: 'Grund',
    findings: 'Befunde zu dieser Schwachstelle ansehen',
    renew: 'Erneuern',
    renewHint:
      'Erneuern heißt neu entscheiden: Das Formular ist mit dieser Entscheidung ausgefüllt, mit neuem Ablaufdatum. ' +
      'Die neuere Entscheidung geht vor.',
    withdraw: 'Zurückziehen',
    withdrawIntro: 'Eine zurückgezogene Entscheidung gilt sofort nirgends mehr. Entscheidungen werden nie gelöscht.',
    withdrawReason: 'Grund des Rückzugs',
    withdrawHint: `Steht im Ereignisprotokoll; höchstens ${maxReason} Zeichen`,
    reasonMissing: 'Bitte nennen Sie den Grund des Rückzugs.',
    reasonLong: `Der Grund hat höchstens ${maxReason} Zeichen.`,
  },
  en: {
    saved: 'The decision has been saved.',
    savedBody:
      'It applies to every matching version from now on; the versions’ reports take it up with their next ' +
      're-evaluation.',
    withdrawnNow: 'The decision has been withdrawn.',
    withdrawnBody: 'It applies nowhere from now on; the reason is in the audit log.',
    justification: 'Justification',
    impactStatement: 'Impact',
    actionStatement: 'Action',
    author: 'Decided by',
    createdAt: 'Decided on',
    withdrawnAt: 'Withdrawn on',
    reason: 'Reason',
    findings: 'See the findings of this vulnerability',
    renew: 'Renew',
    renewHint:
      'Renewing is deciding again: the form is filled with this decision, with a new expiry date. The newer ' +
      'decision takes precedence.',
    withdraw: 'Withdraw',
    withdrawIntro: 'A withdrawn decision applies nowhere from now on. Decisions are never deleted.',
    withdrawReason: 'Reason for withdrawing',
    withdrawHint: `Kept in the audit log; at most ${maxReason} characters`,
    reasonMissing: 'Please give the reason for withdrawing.',
    reasonLong: `The reason has at most ${maxReason} characters.`,
  },
};

type DecisionText = (typeof text)['de'];

/** The decision the path names, as `principal` may read it; an invalid number is as unknown as a missing one. */
async function readDecision(c: Context<AppEnv>, ctx: PageContext): Promise<VexDecision> {
  const id = c.req.param('id') ?? '';
  if (!/^\d{1,19}$/.test(id)) throw new SgciError('NOT_FOUND', id.slice(0, 20), 'no such decision');
  return decisionById(c.var.deps.catalogue.db, triager(ctx), id, ctx.now);
}

function withdrawForm(ctx: PageContext, s: DecisionText, d: VexDecision, reason: string, errors: FieldError[]): Html {
  if (!mayWithdraw(ctx.principal, d)) return html``;
  return html`<section class="section" aria-labelledby="zurueckziehen"><h2 class="kern-heading-medium" id="zurueckziehen">${s.withdraw}</h2>
<p>${s.withdrawIntro}</p>
<form class="form-stack" method="post" action="${ctx.href('triageDecision', { id: d.id })}" novalidate>
${csrfInput(ctx)}
${textArea(ctx, { name: 'reason', label: s.withdrawReason, hint: s.withdrawHint, value: reason, errors, required: true, maxLength: maxReason })}
<div>${button(s.withdraw, { variant: 'secondary' })}</div>
</form></section>`;
}

function decisionPage(
  ctx: PageContext,
  d: VexDecision,
  options: { notice?: Html; reason?: string; errors?: FieldError[] } = {},
): PageContent {
  const s = text[ctx.lang];
  const w = triageWords(ctx.lang);
  const title = w.decision(d.id);
  const errors = options.errors ?? [];
  return {
    title,
    errors: errors.length,
    trail: [
      { label: ctx.t.pageTitles.start, href: ctx.href('start') },
      { label: ctx.t.pageTitles.triage, href: ctx.href('triage') },
    ],
    main: html`<h1 class="kern-heading-large">${title}: ${d.vulnerability}</h1>
${triageNavigation(ctx)}
${errorSummary(ctx, errors)}
${options.notice ?? ''}
<div class="badges">${stateBadge(ctx.lang, d.state)}</div>
${facts([
  [w.vulnerability, html`<strong>${d.vulnerability}</strong>`],
  [w.scope, scopeLabel(ctx.lang, d.scope)],
  [w.status, vexLabel(ctx.lang, d.status)],
  ...(d.justification ? [[s.justification, justificationLabel(ctx.lang, d.justification)] as const] : []),
  ...(d.impactStatement ? [[s.impactStatement, d.impactStatement] as const] : []),
  ...(d.actionStatement ? [[s.actionStatement, d.actionStatement] as const] : []),
  [s.author, d.author.name],
  [s.createdAt, formatDate(ctx.lang, d.createdAt, true)],
  [w.expires, expiryText(ctx, d.expiresAt)],
  [w.state, w.states[d.state]],
  ...(d.withdrawal
    ? [[s.withdrawnAt, formatDate(ctx.lang, d.withdrawal.at, true)] as const, [s.reason, d.withdrawal.reason] as const]
    : []),
])}
<p class="actions">${buttonLink(`${ctx.href('triage')}?q=${encodeURIComponent(d.vulnerability)}`, s.findings)}${buttonLink(decideHref(ctx, { renew: d.id }), s.renew)}</p>
<p class="meta">${s.renewHint}</p>
${withdrawForm(ctx, s, d, options.reason ?? '', errors)}`,
  };
}

export async function triageDecisionPage(c: Context<AppEnv>, ctx: PageContext): Promise<PageContent> {
  const s = text[ctx.lang];
  const decision = await readDecision(c, ctx);
  const notice =
    c.req.query('gespeichert') === '1'
      ? alert('success', s.saved, html`<p>${s.savedBody}</p>`, { role: 'status' })
      : c.req.query('zurueckgezogen') === '1'
        ? alert('success', s.withdrawnNow, html`<p>${s.withdrawnBody}</p>`, { role: 'status' })
        : undefined;
  return decisionPage(ctx, decision, notice ? { notice } : {});
}

/** Withdraws the decision with the reason given, then its page with the confirmation (Post/Redirect/Get). */
export async function triageWithdrawAction(c: Context<AppEnv>, ctx: PageContext): Promise<PageContent | Response> {
  const s = text[ctx.lang];
  const decision = await readDecision(c, ctx);
  const given = (await c.req.parseBody()).reason;
  const reason = typeof given === 'string' ? given.trim() : '';
  const problem = reason === '' ? s.reasonMissing : reason.length > maxReason ? s.reasonLong : undefined;
  if (problem)
    return {
      ...decisionPage(ctx, decision, { reason, errors: [{ field: 'reason', message: problem }] }),
      status: 422,
    };
  const { deps } = c.var;
  await withdrawDecision(deps.catalogue, sourceOf(deps), triager(ctx), decision.id, reason);
  return c.redirect(`${ctx.href('triageDecision', { id: decision.id })}?zurueckgezogen=1`, 303);
}
