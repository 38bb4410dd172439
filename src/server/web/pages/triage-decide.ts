/**
 * Recording a VEX decision: the form (filled from a finding of the search, or from a decision to renew), its
 * preview – the findings of each version the draft would change and the SLA clocks it would stop, computed by the
 * API's dry run with nothing saved – and saving it, which leads to the decision's page (Post/Redirect/Get). The
 * draft is checked by the API's own schema; every error names its field.
 */
import type { Context } from 'hono';
import {
  DecisionDraft,
  type DecisionImpact,
  decisionById,
  dryRunDecision,
  type FindingState,
  isReviewer,
  justifications,
  maxDecisionLifetimeMs,
  type Principal,
  recordDecision,
  slaClocksOf,
  vexStatuses,
} from '../../../catalogue/index.ts';
import { isSgciError } from '../../../core/index.ts';
import type { SlaState } from '../../../vuln/index.ts';
import type { AppEnv } from '../../router.ts';
import { sourceOf } from '../../routes/vex.ts';
import {
  alert,
  button,
  csrfInput,
  dataTable,
  errorSummary,
  type FieldError,
  selectField,
  textArea,
  textField,
} from '../components.ts';
import type { PageContext } from '../context.ts';
import { type Html, html } from '../html.ts';
import type { Lang } from '../i18n.ts';
import type { PageContent } from '../layout.ts';
import { justificationLabel, scopeLabel, triageNavigation, triager, triageWords } from './triage-common.ts';
import { slaText, vexLabel } from './vulnerability-text.ts';

/** Changed findings listed in a preview; the counts per image cover all. */
const changesShown = 200;
const dayMs = 86_400_000;

const text = {
  de: {
    intro:
      'Eine Entscheidung gilt für die Schwachstelle (auch unter ihren Aliasen) in ihrem Geltungsbereich: für jede ' +
      'passende Version, jetzt und künftig, bis sie abläuft oder zurückgezogen wird. Sehen Sie sich vor dem ' +
      'Speichern in der Vorschau an, was sie ändert.',
    form: 'Entscheidung',
    vulnerability: 'Schwachstelle',
    vulnerabilityHint: 'Kennung oder Alias, etwa CVE-2022-24999, GHSA-… oder DSA-…',
    scope: 'Geltungsbereich',
    scopes: {
      image: 'Ein Image (und Images, die darauf aufbauen)',
      organisation: 'Alle Images einer Organisation',
      purl: 'Ein Paket im ganzen Katalog (nur Prüfende)',
    },
    image: 'Image',
    imageHint: 'Katalogname, etwa node-app; nur beim Geltungsbereich „Ein Image“',
    organisation: 'Organisation',
    organisationHint: 'Kürzel, etwa bundesamt-beispiel; nur beim Geltungsbereich „Alle Images einer Organisation“',
    purl: 'Paket-URL',
    purlHint:
      'Beim Paket im ganzen Katalog Pflicht, sonst grenzt sie auf dieses Paket ein. Version und Qualifier gelten nur, ' +
      'soweit angegeben: pkg:npm/qs trifft jede Version.',
    status: 'Status',
    justification: 'Begründung',
    justificationHint: 'Nur bei „nicht betroffen“ (OpenVEX)',
    noJustification: 'keine',
    impactStatement: 'Auswirkung',
    impactHint: 'Nur bei „nicht betroffen“: warum die Schwachstelle hier nicht ausnutzbar ist',
    actionStatement: 'Handlungsanweisung',
    actionHint: 'Bei „betroffen“ Pflicht: was Nutzende tun sollen',
    expires: 'Läuft ab am',
    expiresHint:
      'Spätestens 366 Tage ab heute (JJJJ-MM-TT). Danach öffnet sich der Befund wieder, und der Bericht sagt es.',
    previewButton: 'Vorschau anzeigen',
    previewAgain: 'Vorschau aktualisieren',
    save: 'Speichern',
    preview: 'Vorschau: Das würde sich ändern',
    previewNote: 'Noch ist nichts gespeichert.',
    summary: (findings: number, versions: number, stopped: number) =>
      `Die Entscheidung ändert ${findings} ${findings === 1 ? 'Befund' : 'Befunde'} in ${versions} ${versions === 1 ? 'Version' : 'Versionen'}; ${stopped} ${stopped === 1 ? 'SLA-Frist wird' : 'SLA-Fristen werden'} angehalten.`,
    hidden: (n: number) => `Dazu ${n === 1 ? 'kommt 1 Version' : `kommen ${n} Versionen`}, die Sie nicht sehen dürfen.`,
    nothing:
      'Die Entscheidung ändert derzeit keinen Befund: Sie trifft keine Version, die Sie sehen dürfen. Prüfen Sie ' +
      'Schwachstelle, Geltungsbereich und Paket-URL; gespeichert erschiene sie unter „Entscheidungen ohne Treffer“.',
    byImage: 'Änderungen je Image',
    versions: 'Versionen',
    findings: 'Befunde',
    clocksStopped: 'SLA-Fristen angehalten',
    clocksRestarted: 'SLA-Fristen laufen wieder',
    changes: 'Geänderte Befunde',
    version: 'Image und Version',
    finding: 'Schwachstelle und Paket',
    before: 'Vorher',
    after: 'Nachher',
    sla: 'SLA-Frist',
    stopped: 'wird angehalten',
    restarted: (due: string) => `läuft wieder: ${due}`,
    unchanged: 'unverändert',
    moreChanges: (n: number) => `${n} weitere geänderte Befunde sind nicht aufgeführt.`,
    noStatement: 'keine Aussage',
    suppressed: 'unterdrückt',
    errors: {
      vulnerability: 'Bitte geben Sie die Kennung der Schwachstelle an, etwa CVE-2022-24999, GHSA-… oder DSA-….',
      scope: 'Bitte wählen Sie einen Geltungsbereich.',
      image: 'Bitte geben Sie den Katalognamen des Images an, etwa node-app.',
      organisation: 'Bitte geben Sie das Kürzel der Organisation an, etwa bundesamt-beispiel.',
      purl: 'Bitte geben Sie eine Paket-URL an, etwa pkg:npm/qs@6.7.0 (kein pkg:oci).',
      status: 'Bitte wählen Sie einen Status.',
      justificationNeeded:
        'Für „nicht betroffen“ braucht es eine Begründung oder eine Beschreibung der Auswirkung (OpenVEX).',
      justificationOnly: 'Eine Begründung gehört nur zum Status „nicht betroffen“: Wählen Sie „keine“.',
      impactStatement: 'Die Auswirkung gehört nur zum Status „nicht betroffen“ und hat höchstens 4000 Zeichen.',
      actionNeeded: 'Für „betroffen“ braucht es eine Handlungsanweisung (OpenVEX).',
      actionStatement: 'Die Handlungsanweisung gehört nur zum Status „betroffen“ und hat höchstens 4000 Zeichen.',
      expires: 'Bitte geben Sie das Ablaufdatum als JJJJ-MM-TT an.',
      expiresPast: 'Das Ablaufdatum muss in der Zukunft liegen.',
      expiresFar: 'Eine Entscheidung läuft spätestens nach 366 Tagen ab: Bitte wählen Sie ein früheres Datum.',
      forbidden:
        'Für diesen Geltungsbereich dürfen Sie nicht entscheiden: Prüfende entscheiden für jeden, Beitragende für ' +
        'ihre Organisation und deren Images.',
      imageUnknown: 'Ein Image dieses Namens gibt es nicht (oder Sie dürfen es nicht sehen).',
      organisationUnknown: 'Eine Organisation mit diesem Kürzel gibt es nicht.',
    },
  },
  en: {
    intro:
      'A decision applies to the vulnerability (under any of its aliases) in its scope: to every matching version, ' +
      'now and later, until it expires or is withdrawn. Look at the preview of what it changes before you save it.',
    form: 'Decision',
    vulnerability: 'Vulnerability',
    vulnerabilityHint: 'Id or alias, such as CVE-2022-24999, GHSA-… or DSA-…',
    scope: 'Scope',
    scopes: {
      image: 'One image (and images built on it)',
      organisation: 'All images of an organisation',
      purl: 'A package across the catalogue (reviewers only)',
    },
    image: 'Image',
    imageHint: 'Catalogue name, such as node-app; only for the scope “One image”',
    organisation: 'Organisation',
    organisationHint: 'Short name, such as bundesamt-beispiel; only for the scope “All images of an organisation”',
    purl: 'Package URL',
    purlHint:
      'Required for a package across the catalogue, otherwise it narrows the decision to this package. Version and ' +
      'qualifiers apply only where given: pkg:npm/qs meets every version.',
    status: 'Status',
    justification: 'Justification',
    justificationHint: 'For “not affected” only (OpenVEX)',
    noJustification: 'none',
    impactStatement: 'Impact',
    impactHint: 'For “not affected” only: why the vulnerability cannot be exploited here',
    actionStatement: 'Action',
    actionHint: 'Required for “affected”: what users should do',
    expires: 'Expires on',
    expiresHint: 'At most 366 days from today (YYYY-MM-DD). Then the finding re-opens, and the report says so.',
    previewButton: 'Show preview',
    previewAgain: 'Update preview',
    save: 'Save',
    preview: 'Preview: this would change',
    previewNote: 'Nothing has been saved yet.',
    summary: (findings: number, versions: number, stopped: number) =>
      `The decision changes ${findings} ${findings === 1 ? 'finding' : 'findings'} in ${versions} ${versions === 1 ? 'version' : 'versions'}; ${stopped} SLA ${stopped === 1 ? 'clock stops' : 'clocks stop'}.`,
    hidden: (n: number) => `And ${n === 1 ? '1 version' : `${n} versions`} you may not see.`,
    nothing:
      'The decision changes no finding at present: it meets no version you may see. Check the vulnerability, scope ' +
      'and package URL; saved, it would be listed under “Decisions without matches”.',
    byImage: 'Changes per image',
    versions: 'Versions',
    findings: 'Findings',
    clocksStopped: 'SLA clocks stopped',
    clocksRestarted: 'SLA clocks running again',
    changes: 'Findings that change',
    version: 'Image and version',
    finding: 'Vulnerability and package',
    before: 'Before',
    after: 'After',
    sla: 'SLA deadline',
    stopped: 'stops',
    restarted: (due: string) => `runs again: ${due}`,
    unchanged: 'unchanged',
    moreChanges: (n: number) => `${n} more changed findings are not listed.`,
    noStatement: 'no statement',
    suppressed: 'suppressed',
    errors: {
      vulnerability: 'Please enter the id of the vulnerability, such as CVE-2022-24999, GHSA-… or DSA-….',
      scope: 'Please choose a scope.',
      image: 'Please enter the catalogue name of the image, such as node-app.',
      organisation: 'Please enter the short name of the organisation, such as bundesamt-beispiel.',
      purl: 'Please enter a package URL, such as pkg:npm/qs@6.7.0 (not pkg:oci).',
      status: 'Please choose a status.',
      justificationNeeded: '“Not affected” needs a justification or a description of the impact (OpenVEX).',
      justificationOnly: 'A justification belongs to the status “not affected” only: choose “none”.',
      impactStatement: 'The impact belongs to the status “not affected” only and has at most 4000 characters.',
      actionNeeded: '“Affected” needs an action (OpenVEX).',
      actionStatement: 'The action belongs to the status “affected” only and has at most 4000 characters.',
      expires: 'Please enter the expiry date as YYYY-MM-DD.',
      expiresPast: 'The expiry date must lie in the future.',
      expiresFar: 'A decision expires after 366 days at the latest: please choose an earlier date.',
      forbidden:
        'You may not decide for this scope: reviewers decide for any, contributors for their organisation and its ' +
        'images.',
      imageUnknown: 'There is no image of this name (or you may not see it).',
      organisationUnknown: 'There is no organisation with this short name.',
    },
  },
};

type DecideText = (typeof text)['de'];

const fieldNames = [
  'vulnerability',
  'scope',
  'image',
  'organisation',
  'purl',
  'status',
  'justification',
  'impactStatement',
  'actionStatement',
  'expires',
] as const;

/** The form's fields as typed (trimmed); every one a string, empty when not given. */
type DecisionForm = Readonly<Record<(typeof fieldNames)[number], string>>;

const maxFieldLength = 5000;

function formOf(get: (name: string) => unknown): DecisionForm {
  const values = {} as Record<(typeof fieldNames)[number], string>;
  for (const name of fieldNames) {
    const value = get(name);
    values[name] = typeof value === 'string' ? value.trim().slice(0, maxFieldLength) : '';
  }
  return values;
}

/** The date a decision expires on, at noon UTC: the same calendar day in Germany, summer and winter. */
function expiryOf(date: string): Date | undefined {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) return undefined;
  const at = new Date(`${date}T12:00:00Z`);
  return Number.isNaN(at.getTime()) || at.toISOString().slice(0, 10) !== date ? undefined : at;
}

function dateOf(at: Date): string {
  return at.toISOString().slice(0, 10);
}

/** The form as the API's draft, for its schema to check. */
function draftOf(form: DecisionForm, expires: Date | undefined): unknown {
  const narrowed = form.purl ? { purl: form.purl } : {};
  const scope =
    form.scope === 'purl'
      ? { kind: 'purl', purl: form.purl }
      : form.scope === 'organisation'
        ? { kind: 'organisation', organisation: form.organisation, ...narrowed }
        : form.scope === 'image'
          ? { kind: 'image', image: form.image, ...narrowed }
          : { kind: form.scope };
  return {
    vulnerability: form.vulnerability,
    scope,
    status: form.status,
    ...(form.justification ? { justification: form.justification } : {}),
    ...(form.impactStatement ? { impactStatement: form.impactStatement } : {}),
    ...(form.actionStatement ? { actionStatement: form.actionStatement } : {}),
    expires: expires ? expires.toISOString() : form.expires,
  };
}

/** The field a schema issue is about: the scope's parts are fields of their own. */
function fieldOfIssue(path: readonly PropertyKey[]): (typeof fieldNames)[number] {
  const [first, second] = path;
  if (first === 'scope') return second === 'purl' || second === 'image' || second === 'organisation' ? second : 'scope';
  return (fieldNames as readonly PropertyKey[]).includes(first ?? '')
    ? (first as (typeof fieldNames)[number])
    : 'scope';
}

function messageOf(e: DecideText['errors'], field: (typeof fieldNames)[number], form: DecisionForm): string {
  if (field === 'justification') return form.status === 'not_affected' ? e.justificationNeeded : e.justificationOnly;
  if (field === 'actionStatement')
    return form.status === 'affected' && !form.actionStatement ? e.actionNeeded : e.actionStatement;
  return e[field];
}

/** Checks the form by the API's schema and the expiry's bounds; a valid form is the draft to dry-run or record. */
function checked(
  lang: Lang,
  form: DecisionForm,
  now: Date,
): { draft: DecisionDraft; errors: [] } | { draft: undefined; errors: FieldError[] } {
  const e = text[lang].errors;
  const errors: FieldError[] = [];
  const add = (field: string, message: string) => {
    if (!errors.some((x) => x.field === field)) errors.push({ field, message });
  };
  const expires = expiryOf(form.expires);
  const parsed = DecisionDraft.safeParse(draftOf(form, expires));
  if (!parsed.success)
    for (const issue of parsed.error.issues) {
      const field = fieldOfIssue(issue.path);
      if (field !== 'expires') add(field, messageOf(e, field, form));
    }
  if (!expires) add('expires', e.expires);
  else if (expires.getTime() <= now.getTime()) add('expires', e.expiresPast);
  else if (expires.getTime() - now.getTime() > maxDecisionLifetimeMs) add('expires', e.expiresFar);
  // in the form's order, so the summary reads as the form does
  const order = (error: FieldError) => (fieldNames as readonly string[]).indexOf(error.field);
  errors.sort((a, b) => order(a) - order(b));
  return parsed.success && errors.length === 0 ? { draft: parsed.data, errors: [] } : { draft: undefined, errors };
}

/** A refusal of the catalogue's as the field it is about, and the status the page answers with. */
function refusalOf(lang: Lang, error: unknown): { error: FieldError; status: 403 | 422 } | undefined {
  if (!isSgciError(error)) return undefined;
  const e = text[lang].errors;
  if (error.code === 'FORBIDDEN') return { error: { field: 'scope', message: e.forbidden }, status: 403 };
  if (error.code === 'NOT_FOUND' && error.input === 'scope/image')
    return { error: { field: 'image', message: e.imageUnknown }, status: 422 };
  if (error.code === 'NOT_FOUND' && error.input === 'scope/organisation')
    return { error: { field: 'organisation', message: e.organisationUnknown }, status: 422 };
  if (error.code === 'USAGE' && error.input === 'expires')
    return { error: { field: 'expires', message: e.expiresFar }, status: 422 };
  return undefined;
}

function stateText(s: DecideText, lang: Lang, state: FindingState): string {
  const status = state.status ? vexLabel(lang, state.status) : s.noStatement;
  return state.suppressed ? `${status}, ${s.suppressed}` : status;
}

/** What a change does to the finding's SLA clock: a suppressed finding is not counted, so its clock does not run. */
function clockChange(before: FindingState, after: FindingState, clock: SlaState | undefined) {
  if (!clock?.dueAt || before.suppressed === after.suppressed) return 'unchanged' as const;
  return after.suppressed ? ('stopped' as const) : ('restarted' as const);
}

function previewSection(
  ctx: PageContext,
  s: DecideText,
  draft: DecisionDraft,
  impact: DecisionImpact,
  clocks: Map<string, SlaState>,
): Html {
  const lang = ctx.lang;
  const w = triageWords(lang);
  const rows = impact.versions.flatMap((v) =>
    v.changes.map((change) => ({ v, change, clock: clocks.get(`${v.submission}|${change.finding}`) })),
  );
  const effect = rows.map((r) => clockChange(r.change.before, r.change.after, r.clock));
  const stopped = effect.filter((e) => e === 'stopped').length;
  const images = [...new Set(impact.versions.map((v) => v.image))].map((image) => {
    const mine = rows.flatMap((r, i) => (r.v.image === image ? [effect[i]] : []));
    return [
      image,
      impact.versions.filter((v) => v.image === image).length,
      mine.length,
      mine.filter((e) => e === 'stopped').length,
      mine.filter((e) => e === 'restarted').length,
    ];
  });
  const body =
    rows.length === 0
      ? html`<p>${s.nothing}</p>${impact.hidden > 0 ? html`<p>${s.hidden(impact.hidden)}</p>` : ''}`
      : html`<p>${s.summary(rows.length, impact.versions.length, stopped)}${impact.hidden > 0 ? ` ${s.hidden(impact.hidden)}` : ''}</p>
${dataTable('vorschau-images', s.byImage, [s.image, s.versions, s.findings, s.clocksStopped, s.clocksRestarted], images, { numeric: [1, 2, 3, 4] })}
${dataTable(
  'vorschau-befunde',
  s.changes,
  [s.version, s.finding, s.before, s.after, s.sla],
  rows
    .slice(0, changesShown)
    .map(({ v, change, clock }, i) => [
      html`${v.image}<br><code>${v.digest.slice(0, 'sha256:'.length + 12)}</code>`,
      html`<strong>${change.vulnerability}</strong><br><code>${change.purl}</code>`,
      stateText(s, lang, change.before),
      stateText(s, lang, change.after),
      effect[i] === 'stopped'
        ? s.stopped
        : effect[i] === 'restarted'
          ? s.restarted(slaText(lang, clock, ctx.now))
          : s.unchanged,
    ]),
)}
${rows.length > changesShown ? html`<p>${s.moreChanges(rows.length - changesShown)}</p>` : ''}`;
  const what = html`<p>${s.previewNote}</p><p>${w.vulnerability}: <strong>${draft.vulnerability}</strong>. ${w.scope}: ${scopeLabel(lang, draft.scope)}. ${w.status}: ${vexLabel(lang, draft.status)}.</p>`;
  return html`<div class="section">${alert('info', s.preview, what, { role: 'status', id: 'vorschau' })}
${body}
</div>`;
}

function decisionForm(
  ctx: PageContext,
  s: DecideText,
  form: DecisionForm,
  errors: readonly FieldError[],
  previewed: boolean,
): Html {
  const reviewer = isReviewer(ctx.principal);
  const scopes = (['image', 'organisation', ...(reviewer ? ['purl' as const] : [])] as const).map((kind) => ({
    value: kind,
    label: s.scopes[kind],
  }));
  const common = (name: (typeof fieldNames)[number]) => ({ name, value: form[name], errors });
  // after a preview the reader lands on it
  return html`<form class="form-stack" method="post" action="${ctx.href('triageDecide')}#vorschau" novalidate aria-labelledby="formular">
<h2 class="kern-heading-medium" id="formular">${s.form}</h2>
${csrfInput(ctx)}
${textField(ctx, { ...common('vulnerability'), label: s.vulnerability, hint: s.vulnerabilityHint, required: true, maxLength: 120 })}
${selectField(ctx, { ...common('scope'), label: s.scope, options: scopes })}
${textField(ctx, { ...common('image'), label: s.image, hint: s.imageHint, optional: true, maxLength: 64 })}
${textField(ctx, { ...common('organisation'), label: s.organisation, hint: s.organisationHint, optional: true, maxLength: 64 })}
${textField(ctx, { ...common('purl'), label: s.purl, hint: s.purlHint, optional: true, maxLength: 1000 })}
${selectField(ctx, { ...common('status'), label: s.status, options: vexStatuses.map((v) => ({ value: v, label: vexLabel(ctx.lang, v) })) })}
${selectField(ctx, {
  ...common('justification'),
  label: s.justification,
  hint: s.justificationHint,
  options: [
    { value: '', label: s.noJustification },
    ...justifications.map((j) => ({ value: j, label: justificationLabel(ctx.lang, j) })),
  ],
})}
${textArea(ctx, { ...common('impactStatement'), label: s.impactStatement, hint: s.impactHint, optional: true, maxLength: 4000 })}
${textArea(ctx, { ...common('actionStatement'), label: s.actionStatement, hint: s.actionHint, optional: true, maxLength: 4000 })}
${textField(ctx, { ...common('expires'), label: s.expires, hint: s.expiresHint, type: 'date', required: true })}
<div class="actions">${button(previewed ? s.previewAgain : s.previewButton, { variant: previewed ? 'secondary' : 'primary', name: 'action', value: 'preview' })}${previewed ? button(s.save, { name: 'action', value: 'save' }) : ''}</div>
</form>`;
}

function page(
  ctx: PageContext,
  form: DecisionForm,
  options: { errors?: FieldError[]; preview?: Html; status?: 403 | 422 } = {},
): PageContent {
  const s = text[ctx.lang];
  const title = ctx.t.pageTitles.triageDecide;
  const errors = options.errors ?? [];
  return {
    title,
    errors: errors.length,
    ...(options.status ? { status: options.status } : {}),
    trail: [
      { label: ctx.t.pageTitles.start, href: ctx.href('start') },
      { label: ctx.t.pageTitles.triage, href: ctx.href('triage') },
    ],
    main: html`<h1 class="kern-heading-large">${title}</h1>
<p class="lead">${s.intro}</p>
${triageNavigation(ctx)}
${errorSummary(ctx, errors)}
${options.preview ?? ''}
${decisionForm(ctx, s, form, errors, options.preview !== undefined)}`,
  };
}

/** The form filled from a decision to renew (`?renew=`), or from a finding (`?vulnerability=&scope=&image=&purl=`). */
async function prefilled(c: Context<AppEnv>, ctx: PageContext, principal: Principal): Promise<DecisionForm> {
  const expires = dateOf(new Date(ctx.now.getTime() + 90 * dayMs));
  const renew = c.req.query('renew') ?? '';
  if (/^\d{1,19}$/.test(renew)) {
    const d = await decisionById(c.var.deps.catalogue.db, principal, renew, ctx.now);
    return {
      vulnerability: d.vulnerability,
      scope: d.scope.kind,
      image: d.scope.kind === 'image' ? d.scope.image : '',
      organisation: d.scope.kind === 'organisation' ? d.scope.organisation : '',
      purl: d.scope.purl ?? '',
      status: d.status,
      justification: d.justification ?? '',
      impactStatement: d.impactStatement ?? '',
      actionStatement: d.actionStatement ?? '',
      expires,
    };
  }
  const given = formOf((name) => c.req.query(name));
  return {
    ...given,
    scope: given.scope || 'image',
    organisation: given.organisation || (isReviewer(principal) ? '' : (principal.organisations[0] ?? '')),
    status: given.status || 'not_affected',
    expires: given.expires || expires,
  };
}

export async function triageDecidePage(c: Context<AppEnv>, ctx: PageContext): Promise<PageContent> {
  const principal = triager(ctx);
  return page(ctx, await prefilled(c, ctx, principal));
}

/** `action=preview`: the dry run of the API, nothing saved; `action=save`: recorded, then the decision's page. */
export async function triageDecideAction(c: Context<AppEnv>, ctx: PageContext): Promise<PageContent | Response> {
  const principal = triager(ctx);
  const body = await c.req.parseBody();
  const form = formOf((name) => body[name]);
  const result = checked(ctx.lang, form, ctx.now);
  if (!result.draft) return page(ctx, form, { errors: result.errors, status: 422 });
  const { deps } = c.var;
  const source = sourceOf(deps);
  try {
    if (body.action === 'save') {
      const decision = await recordDecision(deps.catalogue, source, principal, result.draft);
      return c.redirect(`${ctx.href('triageDecision', { id: decision.id })}?gespeichert=1`, 303);
    }
    const [impact, clocks] = await Promise.all([
      dryRunDecision(deps.catalogue, source, principal, result.draft),
      slaClocksOf(deps.catalogue, result.draft.vulnerability),
    ]);
    return page(ctx, form, { preview: previewSection(ctx, text[ctx.lang], result.draft, impact, clocks) });
  } catch (error) {
    const refusal = refusalOf(ctx.lang, error);
    if (!refusal) throw error;
    return page(ctx, form, { errors: [refusal.error], status: refusal.status });
  }
}
