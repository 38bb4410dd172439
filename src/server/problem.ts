import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { z } from 'zod';
import type { ErrorCode, SgciError } from '../core/index.ts';

/** An RFC 9457 problem document; `errors` names each invalid field (JSON Pointer into the request part). */
export interface Problem {
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly detail?: string;
  readonly instance?: string;
  readonly errors?: readonly { readonly pointer: string; readonly detail: string }[];
}

const problemBase = 'https://container.gov.de/problems/';

/** A failure a handler reports: thrown, and turned into problem+json by the app's error handler. */
export class HttpProblem extends Error {
  readonly status: ContentfulStatusCode;
  readonly slug: string;
  readonly errors: Problem['errors'];

  constructor(status: ContentfulStatusCode, slug: string, detail: string, errors?: Problem['errors']) {
    super(detail);
    this.name = 'HttpProblem';
    this.status = status;
    this.slug = slug;
    this.errors = errors;
  }
}

const titles: Readonly<Record<number, string>> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

export function problemResponse(c: Context, problem: HttpProblem): Response {
  const body: Problem = {
    type: `${problemBase}${problem.slug}`,
    title: titles[problem.status] ?? 'Error',
    status: problem.status,
    detail: problem.message,
    instance: c.req.path,
    ...(problem.errors?.length ? { errors: problem.errors } : {}),
  };
  return c.body(JSON.stringify(body), problem.status, { 'content-type': 'application/problem+json' });
}

/** zod issues as JSON Pointers into the part of the request they came from: `/image`, `/description/de`. */
export function validationProblem(part: string, error: z.ZodError): HttpProblem {
  const errors = error.issues.map((issue) => ({
    pointer: `/${issue.path.map((p) => String(p).replaceAll('~', '~0').replaceAll('/', '~1')).join('/')}`,
    detail: issue.message,
  }));
  const first = errors[0];
  const detail = first ? `${part} ${first.pointer}: ${first.detail}` : `${part} is invalid`;
  // a body that parses but says the wrong thing is 422 (RFC 9110); a bad path or query is a bad request
  const body = part === 'json' || part === 'form' || part === 'body';
  return new HttpProblem(body ? 422 : 400, 'invalid-request', detail, errors);
}

/** How an SgciError from the catalogue reads over HTTP: the input it names becomes the problem's pointer. */
const statusOfCode: Partial<Record<ErrorCode, ContentfulStatusCode>> = {
  NOT_FOUND: 404,
  FORBIDDEN: 403,
  CONFLICT: 409,
  RATE_LIMITED: 429,
  LIMIT_EXCEEDED: 422,
  USAGE: 422,
  REFERENCE_INVALID: 422,
  REGISTRY_REFUSED: 422,
  REGISTRY_UNREACHABLE: 422,
  REGISTRY_UNAUTHORIZED: 422,
  REGISTRY_ERROR: 422,
  MANIFEST_INVALID: 422,
  MANIFEST_UNSUPPORTED: 422,
  DIGEST_MISMATCH: 422,
  DOCKERFILE_INVALID: 422,
  MANIFESTS_INVALID: 422,
  VEX_INVALID: 422,
  KEY_INVALID: 422,
  PLATFORM_NOT_FOUND: 422,
};

export function problemOfError(error: SgciError): HttpProblem | undefined {
  const status = statusOfCode[error.code];
  if (status === undefined) return undefined;
  const slug = error.code.toLowerCase().replaceAll('_', '-');
  return new HttpProblem(
    status,
    slug,
    error.message,
    status === 422 ? [{ pointer: `/${error.input}`, detail: error.message }] : undefined,
  );
}
