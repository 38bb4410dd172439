/**
 * The submission form's values and their way to `POST /api/v1/submissions`'s request: read from the posted form,
 * checked by the API's own schema, and every refusal (a zod issue, the catalogue's SgciError naming its input)
 * turned into a message at the field it concerns, in the page's language.
 */
import type { z } from 'zod';
import { SubmissionRequest } from '../../../catalogue/index.ts';
import type { SgciError } from '../../../core/index.ts';
import type { FieldError } from '../components.ts';
import type { Lang } from '../i18n.ts';

/** The form's fields, by their id and name. */
export const formFields = [
  'image',
  'name',
  'organisation',
  'description-de',
  'description-en',
  'categories',
  'license',
  'source',
  'contact',
  'end-of-life',
  'dockerfile',
  'manifests',
  'vex',
] as const;
export type FormField = (typeof formFields)[number];

/** What the reader typed, to show again after a refusal (files cannot be: a browser never fills a file input). */
export interface SubmissionValues {
  readonly image: string;
  readonly name: string;
  readonly organisation: string;
  readonly descriptionDe: string;
  readonly descriptionEn: string;
  readonly categories: readonly string[];
  readonly license: string;
  readonly source: string;
  readonly contact: string;
  readonly endOfLife: string;
  readonly dockerfile: string;
}

export const emptyValues: SubmissionValues = {
  image: '',
  name: '',
  organisation: '',
  descriptionDe: '',
  descriptionEn: '',
  categories: [],
  license: '',
  source: '',
  contact: '',
  endOfLife: '',
  dockerfile: '',
};

export interface UploadedFile {
  readonly name: string;
  readonly content: string;
}

export interface PostedSubmission {
  readonly values: SubmissionValues;
  readonly manifests: readonly UploadedFile[];
  readonly vex: readonly UploadedFile[];
}

type FormBody = Readonly<Record<string, string | File | (string | File)[]>>;

function all(body: FormBody, name: string): (string | File)[] {
  const value = body[name];
  return value === undefined ? [] : Array.isArray(value) ? value : [value];
}

function one(body: FormBody, name: string, trim = true): string {
  const [value] = all(body, name);
  if (typeof value !== 'string') return '';
  return trim ? value.trim() : value;
}

/** The files chosen in a file input; an input left empty sends one nameless, empty file. */
async function files(body: FormBody, name: string): Promise<UploadedFile[]> {
  const chosen = all(body, name).filter((f): f is File => typeof f !== 'string' && (f.name !== '' || f.size > 0));
  return Promise.all(chosen.map(async (f) => ({ name: f.name, content: await f.text() })));
}

/** The posted form (`parseBody({ all: true })`): its values and files. */
export async function postedSubmission(body: FormBody): Promise<PostedSubmission> {
  return {
    values: {
      image: one(body, 'image'),
      name: one(body, 'name'),
      organisation: one(body, 'organisation'),
      descriptionDe: one(body, 'description-de'),
      descriptionEn: one(body, 'description-en'),
      categories: all(body, 'categories').filter((c): c is string => typeof c === 'string'),
      license: one(body, 'license'),
      source: one(body, 'source'),
      contact: one(body, 'contact'),
      endOfLife: one(body, 'end-of-life'),
      // a Dockerfile is kept as written: leading and trailing lines may matter to nobody, but nothing is changed
      dockerfile: one(body, 'dockerfile', false),
    },
    manifests: await files(body, 'manifests'),
    vex: await files(body, 'vex'),
  };
}

/** The API's request the form stands for: an empty optional field is left out, as a client would leave it out. */
export function requestOf(posted: PostedSubmission): unknown {
  const v = posted.values;
  return {
    image: v.image,
    name: v.name,
    ...(v.organisation ? { organisation: v.organisation } : {}),
    description: { de: v.descriptionDe, en: v.descriptionEn },
    categories: v.categories,
    license: v.license,
    source: v.source,
    contact: v.contact,
    ...(v.endOfLife ? { endOfLife: v.endOfLife } : {}),
    ...(v.dockerfile.trim() ? { dockerfile: v.dockerfile } : {}),
    ...(posted.manifests.length ? { manifests: posted.manifests } : {}),
    ...(posted.vex.length ? { vex: posted.vex } : {}),
  };
}

interface FieldText {
  /** Empty or absent where it is required. */
  readonly missing: string;
  /** Present but not of the form it must have. */
  readonly invalid: string;
}

const kib = 1024;

const messages = {
  de: {
    fields: {
      image: {
        missing: 'Bitte geben Sie die Referenz des Images an, etwa registry.example.de/amt/app:1.0.',
        invalid: 'Die Referenz darf höchstens 512 Zeichen lang sein.',
      },
      name: {
        missing: 'Bitte geben Sie den Namen im Katalog an.',
        invalid:
          'Der Name besteht aus Kleinbuchstaben, Ziffern und Bindestrichen (nicht am Anfang oder Ende), höchstens 64 Zeichen.',
      },
      organisation: {
        missing: 'Bitte wählen Sie die Organisation, für die Sie einreichen.',
        invalid: 'Bitte wählen Sie eine Ihrer Organisationen.',
      },
      'description-de': {
        missing: 'Bitte beschreiben Sie das Image auf Deutsch.',
        invalid: 'Die deutsche Beschreibung darf höchstens 4000 Zeichen lang sein.',
      },
      'description-en': {
        missing: 'Bitte beschreiben Sie das Image auf Englisch.',
        invalid: 'Die englische Beschreibung darf höchstens 4000 Zeichen lang sein.',
      },
      categories: {
        missing: 'Bitte wählen Sie mindestens eine Kategorie.',
        invalid: 'Bitte wählen Sie höchstens 10 Kategorien aus der Liste.',
      },
      license: {
        missing: 'Bitte geben Sie die Lizenz als SPDX-Ausdruck an, etwa EUPL-1.2 oder Apache-2.0.',
        invalid: 'Die Lizenz darf höchstens 200 Zeichen lang sein.',
      },
      source: {
        missing: 'Bitte geben Sie die Adresse der Quellen an.',
        invalid: 'Die Adresse der Quellen beginnt mit https:// oder http:// und ist höchstens 500 Zeichen lang.',
      },
      contact: {
        missing: 'Bitte geben Sie einen Kontakt an, etwa eine E-Mail-Adresse.',
        invalid: 'Der Kontakt ist 3 bis 200 Zeichen lang.',
      },
      'end-of-life': {
        missing: 'Bitte geben Sie das Datum an, oder lassen Sie das Feld leer.',
        invalid: 'Bitte geben Sie das Datum als JJJJ-MM-TT an, etwa 2028-12-31, oder lassen Sie das Feld leer.',
      },
      dockerfile: {
        missing: 'Das Dockerfile ist leer.',
        invalid: `Das Dockerfile darf höchstens ${256} KiB groß sein.`,
      },
      manifests: {
        missing: 'Bitte wählen Sie die Manifeste aus.',
        invalid: `Höchstens 50 Manifeste, jedes höchstens ${kib} KiB groß und mit einem Namen von höchstens 200 Zeichen.`,
      },
      vex: {
        missing: 'Bitte wählen Sie die VEX-Dokumente aus.',
        invalid: `Höchstens 20 VEX-Dokumente, jedes höchstens ${kib} KiB groß und mit einem Namen von höchstens 200 Zeichen.`,
      },
    } satisfies Record<FormField, FieldText>,
    refused: {
      image: (detail: string) => `Das Image konnte nicht aus der Registry gelesen werden. Meldung: ${detail}`,
      imageInvalid: (detail: string) =>
        `Das ist keine Referenz auf ein Image in einer Registry (Registry/Repository:Tag oder @sha256:…). Meldung: ${detail}`,
      imageRefused: (detail: string) =>
        `Diese Registry darf der Katalog nicht abfragen (Adressen im eigenen oder internen Netz sind gesperrt). Meldung: ${detail}`,
      imageUnauthorized: (detail: string) =>
        `Die Registry verweigert den Zugriff. Hinterlegen Sie in der Verwaltung Zugangsdaten Ihrer Organisation für diese Registry. Meldung: ${detail}`,
      duplicate: (detail: string) => `Diese Version ist schon eingereicht und noch in Bearbeitung. Meldung: ${detail}`,
      nameTaken: (detail: string) =>
        `Unter diesem Namen führt der Katalog das Image einer anderen Organisation. Wählen Sie einen anderen Namen. Meldung: ${detail}`,
      organisation: 'Bitte wählen Sie eine Ihrer Organisationen.',
      file: (what: string, detail: string) => `${what} ist ungültig. Meldung: ${detail}`,
      dockerfile: 'Das Dockerfile',
      manifests: 'Ein Manifest',
      vex: 'Ein VEX-Dokument',
    },
  },
  en: {
    fields: {
      image: {
        missing: 'Please enter the image reference, such as registry.example.org/agency/app:1.0.',
        invalid: 'The reference may be at most 512 characters long.',
      },
      name: {
        missing: 'Please enter the name in the catalogue.',
        invalid:
          'The name consists of lower-case letters, digits and hyphens (not at the start or end), at most 64 characters.',
      },
      organisation: {
        missing: 'Please choose the organisation you submit for.',
        invalid: 'Please choose one of your organisations.',
      },
      'description-de': {
        missing: 'Please describe the image in German.',
        invalid: 'The German description may be at most 4000 characters long.',
      },
      'description-en': {
        missing: 'Please describe the image in English.',
        invalid: 'The English description may be at most 4000 characters long.',
      },
      categories: {
        missing: 'Please choose at least one category.',
        invalid: 'Please choose at most 10 categories from the list.',
      },
      license: {
        missing: 'Please enter the licence as an SPDX expression, such as EUPL-1.2 or Apache-2.0.',
        invalid: 'The licence may be at most 200 characters long.',
      },
      source: {
        missing: 'Please enter the address of the sources.',
        invalid: 'The address of the sources starts with https:// or http:// and is at most 500 characters long.',
      },
      contact: {
        missing: 'Please enter a contact, such as an e-mail address.',
        invalid: 'The contact is 3 to 200 characters long.',
      },
      'end-of-life': {
        missing: 'Please enter the date, or leave the field empty.',
        invalid: 'Please enter the date as YYYY-MM-DD, such as 2028-12-31, or leave the field empty.',
      },
      dockerfile: { missing: 'The Dockerfile is empty.', invalid: 'The Dockerfile may be at most 256 KiB.' },
      manifests: {
        missing: 'Please choose the manifests.',
        invalid: `At most 50 manifests, each at most ${kib} KiB with a name of at most 200 characters.`,
      },
      vex: {
        missing: 'Please choose the VEX documents.',
        invalid: `At most 20 VEX documents, each at most ${kib} KiB with a name of at most 200 characters.`,
      },
    },
    refused: {
      image: (detail: string) => `The image could not be read from the registry. Message: ${detail}`,
      imageInvalid: (detail: string) =>
        `This is not a reference to an image in a registry (registry/repository:tag or @sha256:…). Message: ${detail}`,
      imageRefused: (detail: string) =>
        `The catalogue may not query this registry (addresses in its own or an internal network are blocked). Message: ${detail}`,
      imageUnauthorized: (detail: string) =>
        `The registry refuses access. Store your organisation's credentials for this registry under administration. Message: ${detail}`,
      duplicate: (detail: string) => `This version has already been submitted and is still open. Message: ${detail}`,
      nameTaken: (detail: string) =>
        `The catalogue holds another organisation's image under this name. Please choose another name. Message: ${detail}`,
      organisation: 'Please choose one of your organisations.',
      file: (what: string, detail: string) => `${what} is invalid. Message: ${detail}`,
      dockerfile: 'The Dockerfile',
      manifests: 'A manifest',
      vex: 'A VEX document',
    },
  },
};

/** The request's fields as the form names them: `description.de` is the field `description-de`. */
function fieldOfPath(path: readonly PropertyKey[]): FormField | undefined {
  const [first, second] = path;
  if (first === 'description') return second === 'en' ? 'description-en' : 'description-de';
  if (first === 'endOfLife') return 'end-of-life';
  return formFields.find((f) => f === first);
}

function isEmpty(value: unknown): boolean {
  return value === undefined || value === '' || (Array.isArray(value) && value.length === 0);
}

/** Each invalid field once, in the form's order, with the first issue zod found for it. */
export function issueErrors(lang: Lang, request: unknown, issues: readonly z.core.$ZodIssue[]): FieldError[] {
  const found = new Map<FormField, string>();
  for (const issue of issues) {
    const field = fieldOfPath(issue.path);
    if (!field || found.has(field)) continue;
    const text = messages[lang].fields[field];
    const value = issue.path.reduce<unknown>(
      (at, key) => (at && typeof at === 'object' ? (at as Record<PropertyKey, unknown>)[key] : undefined),
      request,
    );
    const missing = issue.path.length <= 2 && isEmpty(value) && issue.code !== 'too_big';
    found.set(field, missing ? text.missing : text.invalid);
  }
  return formFields.flatMap((field) => {
    const message = found.get(field);
    return message ? [{ field, message }] : [];
  });
}

/** The catalogue's message without the input it names first (`image: `), which the field already says. */
function detailOf(error: SgciError): string {
  const prefix = `${error.input}: `;
  return error.message.startsWith(prefix) ? error.message.slice(prefix.length) : error.message;
}

/**
 * A refusal of the catalogue's `submit` at the field it concerns, or undefined when it concerns none (the rate
 * limit, a fault): the registry's and the host policy's refusals at the image, a file's parse error at its input,
 * a name another organisation holds at the name.
 */
export function refusalError(
  lang: Lang,
  error: SgciError,
  request: { readonly name: string; readonly organisation?: string | undefined },
): FieldError | undefined {
  const r = messages[lang].refused;
  const detail = detailOf(error);
  const input = error.input;
  if (error.code === 'CONFLICT') return { field: 'image', message: r.duplicate(detail) };
  if (input === 'image') {
    if (error.code === 'REFERENCE_INVALID') return { field: 'image', message: r.imageInvalid(detail) };
    if (error.code === 'REGISTRY_REFUSED') return { field: 'image', message: r.imageRefused(detail) };
    if (error.code === 'REGISTRY_UNAUTHORIZED') return { field: 'image', message: r.imageUnauthorized(detail) };
    return { field: 'image', message: r.image(detail) };
  }
  if (input.startsWith('dockerfile')) return { field: 'dockerfile', message: r.file(r.dockerfile, detail) };
  // a file's message names the file: kept whole
  if (input.startsWith('manifests')) return { field: 'manifests', message: r.file(r.manifests, error.message) };
  if (input.startsWith('vex')) return { field: 'vex', message: r.file(r.vex, error.message) };
  if (error.code === 'FORBIDDEN' && input === request.name) return { field: 'name', message: r.nameTaken(detail) };
  if (input === 'organisation' || (error.code === 'FORBIDDEN' && input === request.organisation))
    return { field: 'organisation', message: r.organisation };
  return undefined;
}

/** The API's schema over the form's request: the request, or the fields it refuses. */
export function checkRequest(
  lang: Lang,
  posted: PostedSubmission,
): { ok: true; request: SubmissionRequest } | { ok: false; errors: FieldError[] } {
  const request = requestOf(posted);
  const parsed = SubmissionRequest.safeParse(request);
  if (parsed.success) return { ok: true, request: parsed.data };
  return { ok: false, errors: issueErrors(lang, request, parsed.error.issues) };
}
