/**
 * The review page's decision form: what it sends (a decision, a reason, a result and note per manual check), read
 * and checked field by field before the catalogue's `decide` is called with the same request the API takes.
 */
import type { DecisionRequest } from '../../../catalogue/index.ts';
import type { FieldError } from '../components.ts';
import type { Lang } from '../i18n.ts';

export const decisions = ['admit', 'reject', 'request-changes'] as const;
export type DecisionKind = (typeof decisions)[number];

/** The limits of `DecisionRequest` (catalogue/submissions/decide.ts), so the page names a long field itself. */
export const maxReason = 4000;
export const maxNote = 2000;

export interface DecisionForm {
  readonly decision: string;
  readonly reason: string;
  /** Per manual check's id: the result chosen ('' none, 'pass', 'fail') and the note. */
  readonly manual: Readonly<Record<string, { readonly result: string; readonly note: string }>>;
}

export const emptyDecisionForm: DecisionForm = { decision: '', reason: '', manual: {} };

/** The ids of a manual check's two fields. */
export const resultField = (check: string) => `ergebnis-${check}`;
export const noteField = (check: string) => `notiz-${check}`;

/** Why admission is impossible whatever the form says; empty when it is possible. */
export interface AdmissionBlockers {
  readonly failed: readonly string[];
  readonly policyChanged: boolean;
  readonly noSigning: boolean;
}

export function admissible(b: AdmissionBlockers): boolean {
  return b.failed.length === 0 && !b.policyChanged && !b.noSigning;
}

const messages = {
  de: {
    decision: 'Bitte wählen Sie eine Entscheidung.',
    notAdmissible: 'Zulassen ist nicht möglich (siehe Hinweise oben); Sie können ablehnen oder Änderungen anfordern.',
    reason: 'Bitte begründen Sie Ihre Entscheidung.',
    reasonLong: `Die Begründung darf höchstens ${maxReason} Zeichen lang sein.`,
    result: (id: string) => `Bitte wählen Sie ein Ergebnis für ${id}.`,
    mustPass: (id: string) => `Zum Zulassen muss ${id} als bestanden bewertet sein.`,
    note: (id: string) => `Bitte begründen Sie das Ergebnis von ${id} in einer Notiz.`,
    noteLong: (id: string) => `Die Notiz zu ${id} darf höchstens ${maxNote} Zeichen lang sein.`,
  },
  en: {
    decision: 'Please choose a decision.',
    notAdmissible: 'Admission is not possible (see the notes above); you can reject or request changes.',
    reason: 'Please give the reason for your decision.',
    reasonLong: `The reason may be at most ${maxReason} characters long.`,
    result: (id: string) => `Please choose a result for ${id}.`,
    mustPass: (id: string) => `To admit, ${id} must be judged passed.`,
    note: (id: string) => `Please explain the result of ${id} in a note.`,
    noteLong: (id: string) => `The note on ${id} may be at most ${maxNote} characters long.`,
  },
};

function field(body: Record<string, unknown>, name: string): string {
  const value = body[name];
  return typeof value === 'string' ? value.trim() : '';
}

/** The form as sent, for the manual checks the submission has (other fields are ignored). */
export function readDecisionForm(body: Record<string, unknown>, manualChecks: readonly string[]): DecisionForm {
  return {
    decision: field(body, 'decision'),
    reason: field(body, 'reason'),
    manual: Object.fromEntries(
      manualChecks.map((id) => [id, { result: field(body, resultField(id)), note: field(body, noteField(id)) }]),
    ),
  };
}

/**
 * The form's errors, each naming its field, in the order of the page (manual checks, then decision and reason);
 * none: the request to `decide`.
 */
export function checkDecisionForm(
  lang: Lang,
  form: DecisionForm,
  blockers: AdmissionBlockers,
): { errors: FieldError[] } | { request: DecisionRequest } {
  const m = messages[lang];
  const errors: FieldError[] = [];
  const decision = decisions.find((d) => d === form.decision);
  const manualChecks: DecisionRequest['manualChecks'] = [];
  for (const [id, { result, note }] of Object.entries(form.manual)) {
    const judged = result === 'pass' || result === 'fail' ? result : undefined;
    if (decision === 'admit' && judged !== 'pass')
      errors.push({ field: resultField(id), message: judged ? m.mustPass(id) : m.result(id) });
    else if (!judged && (result !== '' || note !== '')) errors.push({ field: resultField(id), message: m.result(id) });
    if (judged && note === '') errors.push({ field: noteField(id), message: m.note(id) });
    else if (note.length > maxNote) errors.push({ field: noteField(id), message: m.noteLong(id) });
    if (judged && note !== '' && note.length <= maxNote) manualChecks.push({ id, result: judged, note });
  }
  if (!decision) errors.push({ field: 'decision', message: m.decision });
  else if (decision === 'admit' && !admissible(blockers)) errors.push({ field: 'decision', message: m.notAdmissible });
  if (form.reason === '') errors.push({ field: 'reason', message: m.reason });
  else if (form.reason.length > maxReason) errors.push({ field: 'reason', message: m.reasonLong });
  if (errors.length > 0 || !decision) return { errors };
  return { request: { decision, reason: form.reason, manualChecks } };
}
