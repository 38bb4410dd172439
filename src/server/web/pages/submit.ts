/**
 * Einreichen: the form for a version of an image, with every input of `POST /api/v1/submissions`. It posts to
 * itself and calls the catalogue's `submit` as the API does (the user's organisations, the per-hour limits); a
 * refusal comes back at its field, an accepted version leads to its submission's page (post/redirect/get).
 * `?image=<name>` fills the form from an image of the user's organisation: its next version.
 */
import type { Context } from 'hono';
import { type ImageDetail, imageDetail, isContributor, submit } from '../../../catalogue/index.ts';
import { isSgciError, SgciError } from '../../../core/index.ts';
import { HttpProblem } from '../../problem.ts';
import type { AppEnv } from '../../router.ts';
import {
  alert,
  button,
  checkboxGroup,
  csrfInput,
  errorSummary,
  type FieldError,
  fileField,
  selectField,
  textArea,
  textField,
} from '../components.ts';
import type { PageContext } from '../context.ts';
import { type Html, html } from '../html.ts';
import { categoryLabel, categoryLabels } from '../i18n.ts';
import type { PageContent } from '../layout.ts';
import { checkRequest, emptyValues, postedSubmission, refusalError, type SubmissionValues } from './submit-form.ts';

const slug = /^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$/;

const text = {
  de: {
    title: 'Image einreichen',
    intro:
      'Reichen Sie eine Version eines Images zur Aufnahme in den Katalog ein. Der Katalog liest das Image aus Ihrer ' +
      'Registry, merkt sich seinen Digest und prüft genau diesen Inhalt gegen die Härtungs-Checkliste. Den Stand ' +
      'verfolgen Sie unter „Meine Einreichungen“.',
    nextVersion: (name: string) =>
      `Nächste Version von ${name}: Die Angaben des Katalogeintrags sind vorausgefüllt. Was Sie ändern, gilt für den Eintrag.`,
    notContributor:
      'Sie gehören noch keiner Organisation an. Eingereicht wird immer für eine Organisation: Bitten Sie die ' +
      'Verwaltung des Katalogs, Sie Ihrer Organisation zuzuordnen.',
    imagePart: 'Das Image',
    image: 'Image-Referenz',
    imageHint: 'Registry/Repository mit Tag oder Digest, etwa registry.example.de/amt/app:1.0',
    name: 'Name im Katalog',
    nameHint: 'Kleinbuchstaben, Ziffern und Bindestriche, etwa fachverfahren-x. Für eine neue Version derselbe Name.',
    organisation: 'Organisation',
    organisationHint: 'Für diese Organisation reichen Sie ein.',
    choose: 'Bitte wählen',
    yourOrganisation: (org: string) => `Sie reichen für Ihre Organisation ${org} ein.`,
    entryPart: 'Der Eintrag im Katalog',
    descriptionDe: 'Beschreibung (Deutsch)',
    descriptionEn: 'Beschreibung (Englisch)',
    descriptionHint: 'Was das Image enthält und wofür es gedacht ist; höchstens 4000 Zeichen.',
    categories: 'Kategorien',
    categoriesHint: 'Eine oder mehrere.',
    license: 'Lizenz',
    licenseHint: 'SPDX-Ausdruck für den Inhalt des Images, etwa EUPL-1.2 oder Apache-2.0 AND MIT',
    source: 'Quellen',
    sourceHint: 'Adresse des Repositorys, aus dem das Image gebaut wird (https://…)',
    contact: 'Kontakt',
    contactHint: 'E-Mail-Adresse oder Name des betreuenden Teams',
    endOfLife: 'Unterstützt bis',
    endOfLifeHint: 'Datum als JJJJ-MM-TT, wenn feststeht, bis wann Sie das Image pflegen',
    filesPart: 'Unterlagen für die Prüfung',
    filesIntro:
      'Einige Prüfungen brauchen mehr als das Image: das Dockerfile für die Build-Prüfungen, die Kubernetes-Manifeste ' +
      'für die Laufzeit-Prüfungen, Ihre VEX-Aussagen zu Schwachstellen, die das Image nicht betreffen. Ohne sie ' +
      'bleiben diese Prüfungen offen.',
    dockerfile: 'Dockerfile',
    dockerfileHint: 'Inhalt des Dockerfiles, aus dem das Image gebaut wurde; höchstens 256 KiB',
    manifests: 'Kubernetes-Manifeste',
    manifestsHint:
      'YAML- oder JSON-Dateien, höchstens 50, je höchstens 1 MiB. Nach einem Fehler bitte erneut auswählen.',
    vex: 'VEX-Dokumente',
    vexHint:
      'OpenVEX, CycloneDX oder CSAF als JSON, höchstens 20, je höchstens 1 MiB. Nach einem Fehler bitte erneut auswählen.',
    send: 'Einreichen',
    limited: 'Zu viele Einreichungen in der letzten Stunde',
    limitedBody: (minutes: number) =>
      `Jede Person und jede Organisation darf in einer Stunde nur eine begrenzte Zahl von Versionen einreichen. Bitte versuchen Sie es in ${minutes} ${minutes === 1 ? 'Minute' : 'Minuten'} erneut.`,
  },
  en: {
    title: 'Submit an image',
    intro:
      'Submit a version of an image for admission to the catalogue. The catalogue reads the image from your ' +
      'registry, records its digest and checks exactly that content against the hardening checklist. Follow its ' +
      'progress under “My submissions”.',
    nextVersion: (name: string) =>
      `Next version of ${name}: the catalogue entry's details are filled in. What you change applies to the entry.`,
    notContributor:
      'You do not belong to an organisation yet. Images are always submitted for an organisation: ask the ' +
      "catalogue's administration to add you to yours.",
    imagePart: 'The image',
    image: 'Image reference',
    imageHint: 'Registry/repository with tag or digest, such as registry.example.org/agency/app:1.0',
    name: 'Name in the catalogue',
    nameHint: 'Lower-case letters, digits and hyphens, such as case-system-x. The same name for a new version.',
    organisation: 'Organisation',
    organisationHint: 'You submit for this organisation.',
    choose: 'Please choose',
    yourOrganisation: (org: string) => `You submit for your organisation ${org}.`,
    entryPart: 'The catalogue entry',
    descriptionDe: 'Description (German)',
    descriptionEn: 'Description (English)',
    descriptionHint: 'What the image holds and what it is for; at most 4000 characters.',
    categories: 'Categories',
    categoriesHint: 'One or more.',
    license: 'Licence',
    licenseHint: "SPDX expression for the image's content, such as EUPL-1.2 or Apache-2.0 AND MIT",
    source: 'Sources',
    sourceHint: 'Address of the repository the image is built from (https://…)',
    contact: 'Contact',
    contactHint: 'E-mail address or name of the maintaining team',
    endOfLife: 'Supported until',
    endOfLifeHint: 'Date as YYYY-MM-DD, when it is settled until when you maintain the image',
    filesPart: 'Documents for the checks',
    filesIntro:
      'Some checks need more than the image: the Dockerfile for the build checks, the Kubernetes manifests for the ' +
      'runtime checks, your VEX statements on vulnerabilities that do not affect the image. Without them these ' +
      'checks stay open.',
    dockerfile: 'Dockerfile',
    dockerfileHint: 'Content of the Dockerfile the image was built from; at most 256 KiB',
    manifests: 'Kubernetes manifests',
    manifestsHint: 'YAML or JSON files, at most 50, each at most 1 MiB. After an error, please choose them again.',
    vex: 'VEX documents',
    vexHint:
      'OpenVEX, CycloneDX or CSAF as JSON, at most 20, each at most 1 MiB. After an error, please choose them again.',
    send: 'Submit',
    limited: 'Too many submissions in the last hour',
    limitedBody: (minutes: number) =>
      `Each person and each organisation may submit only a limited number of versions per hour. Please try again in ${minutes} ${minutes === 1 ? 'minute' : 'minutes'}.`,
  },
};

/** Only signed-in people submit; the form needs an organisation to submit for. */
function signedIn(ctx: PageContext) {
  if (!ctx.principal) throw new HttpProblem(401, 'unauthorized', 'sign in to submit an image');
  return ctx.principal;
}

interface FormState {
  readonly values: SubmissionValues;
  readonly errors: readonly FieldError[];
  /** The image whose next version this is. */
  readonly next?: string;
  readonly notice?: Html;
}

function form(ctx: PageContext, state: FormState): Html {
  const s = text[ctx.lang];
  const { values: v, errors } = state;
  const organisations = ctx.principal?.organisations ?? [];
  const known = Object.keys(categoryLabels[ctx.lang]);
  const categories = [...known, ...v.categories.filter((c) => !known.includes(c))].map((c) => ({
    value: c,
    label: categoryLabel(ctx.lang, c),
  }));
  const organisation =
    organisations.length > 1
      ? selectField(ctx, {
          name: 'organisation',
          label: s.organisation,
          hint: s.organisationHint,
          value: v.organisation,
          errors,
          required: true,
          options: [{ value: '', label: s.choose }, ...organisations.map((o) => ({ value: o, label: o }))],
        })
      : html`<p>${s.yourOrganisation(organisations[0] ?? '')}</p>`;
  // "supported until" is a text field: a browser's date control shows its own locale's format rather than the one
  // the hint names, and Chromium shows no focus while its segments have it
  return html`<form class="form-stack" method="post" action="${ctx.href('submit')}" enctype="multipart/form-data" novalidate>
${csrfInput(ctx)}
<h2 class="kern-heading-medium">${s.imagePart}</h2>
${textField(ctx, { name: 'image', label: s.image, hint: s.imageHint, value: v.image, errors, required: true, maxLength: 512 })}
${textField(ctx, { name: 'name', label: s.name, hint: s.nameHint, value: v.name, errors, required: true, maxLength: 64 })}
${organisation}
<h2 class="kern-heading-medium">${s.entryPart}</h2>
${textArea(ctx, { name: 'description-de', label: s.descriptionDe, hint: s.descriptionHint, value: v.descriptionDe, errors, required: true, maxLength: 4000 })}
${textArea(ctx, { name: 'description-en', label: s.descriptionEn, hint: s.descriptionHint, value: v.descriptionEn, errors, required: true, maxLength: 4000 })}
${checkboxGroup(ctx, { name: 'categories', label: s.categories, hint: s.categoriesHint, options: categories, checked: v.categories, errors })}
${textField(ctx, { name: 'license', label: s.license, hint: s.licenseHint, value: v.license, errors, required: true, maxLength: 200 })}
${textField(ctx, { name: 'source', label: s.source, hint: s.sourceHint, value: v.source, errors, required: true, type: 'url', maxLength: 500 })}
${textField(ctx, { name: 'contact', label: s.contact, hint: s.contactHint, value: v.contact, errors, required: true, maxLength: 200 })}
${textField(ctx, { name: 'end-of-life', label: s.endOfLife, hint: s.endOfLifeHint, value: v.endOfLife, errors, optional: true, maxLength: 10 })}
<h2 class="kern-heading-medium">${s.filesPart}</h2>
<p class="prose">${s.filesIntro}</p>
${textArea(ctx, { name: 'dockerfile', label: s.dockerfile, hint: s.dockerfileHint, value: v.dockerfile, errors, optional: true })}
${fileField(ctx, { name: 'manifests', label: s.manifests, hint: s.manifestsHint, errors, optional: true, multiple: true, accept: '.yaml,.yml,.json' })}
${fileField(ctx, { name: 'vex', label: s.vex, hint: s.vexHint, errors, optional: true, multiple: true, accept: '.json' })}
<div>${button(s.send)}</div>
</form>`;
}

function submitContent(ctx: PageContext, state: FormState, status?: 422 | 429): PageContent {
  const s = text[ctx.lang];
  const main = html`<h1 class="kern-heading-large">${s.title}</h1>
${errorSummary(ctx, state.errors)}
${state.notice ?? ''}
<p class="prose">${s.intro}</p>
${state.next ? html`<p class="prose">${s.nextVersion(state.next)}</p>` : ''}
${isContributor(ctx.principal) ? form(ctx, state) : alert('info', s.notContributor, '', { headingLevel: 2 })}`;
  return {
    title: s.title,
    main,
    ...(status ? { status } : {}),
    ...(state.errors.length ? { errors: state.errors.length } : {}),
  };
}

/** The form filled from an image of the user's organisation; another organisation's image is not found. */
async function nextVersionOf(c: Context<AppEnv>, ctx: PageContext, name: string): Promise<ImageDetail> {
  if (!slug.test(name)) throw new SgciError('NOT_FOUND', name.slice(0, 64), 'no such image');
  const { deps } = c.var;
  const image = await imageDetail(deps.catalogue.db, ctx.principal, name, {
    now: ctx.now,
    orphanAfterDays: deps.config.orphanAfterDays,
  });
  if (!ctx.principal?.organisations.includes(image.organisation))
    throw new SgciError('NOT_FOUND', name, 'no image of your organisation');
  return image;
}

export async function submitPage(c: Context<AppEnv>, ctx: PageContext): Promise<PageContent> {
  signedIn(ctx);
  const name = c.req.query('image');
  if (!name) return submitContent(ctx, { values: emptyValues, errors: [] });
  const image = await nextVersionOf(c, ctx, name);
  const values: SubmissionValues = {
    ...emptyValues,
    image: `${image.repository}:`,
    name: image.name,
    organisation: image.organisation,
    descriptionDe: image.description.de,
    descriptionEn: image.description.en,
    categories: image.categories,
    license: image.license,
    source: image.source,
    contact: image.contact,
    endOfLife: image.endOfLife ?? '',
  };
  return submitContent(ctx, { values, errors: [], next: image.name });
}

export async function submitAction(c: Context<AppEnv>, ctx: PageContext): Promise<PageContent | Response> {
  const principal = signedIn(ctx);
  // the page offers no form to someone of no organisation; a form sent anyway is refused as the API refuses it
  if (!isContributor(principal))
    throw new SgciError('FORBIDDEN', principal.login, 'you are not a member of any organisation');
  const posted = await postedSubmission(await c.req.parseBody({ all: true }));
  const checked = checkRequest(ctx.lang, posted);
  if (!checked.ok) return submitContent(ctx, { values: posted.values, errors: checked.errors }, 422);
  const { deps } = c.var;
  const limits = {
    perUser: deps.config.submissionsPerHour.user,
    perOrganisation: deps.config.submissionsPerHour.organisation,
  };
  try {
    const accepted = await submit(deps, principal, checked.request, limits);
    deps.wake?.();
    return c.redirect(`${ctx.href('submission', { id: accepted.id })}?eingereicht=1`, 303);
  } catch (error) {
    if (!isSgciError(error)) throw error;
    const s = text[ctx.lang];
    const wait = (error as { retryAfterSeconds?: unknown }).retryAfterSeconds;
    if (error.code === 'RATE_LIMITED' && typeof wait === 'number') {
      c.header('retry-after', String(wait));
      const notice = alert('danger', s.limited, html`<p>${s.limitedBody(Math.ceil(wait / 60))}</p>`, { role: 'alert' });
      return submitContent(ctx, { values: posted.values, errors: [], notice }, 429);
    }
    const field = refusalError(ctx.lang, error, checked.request);
    if (!field) throw error;
    return submitContent(ctx, { values: posted.values, errors: [field] }, 422);
  }
}
