import { imagePatternMatches, normalizeImageName } from './image-name.ts';
import type { PolicyException } from './schema.ts';

export interface ExceptionMatch {
  readonly exception: PolicyException;
  /** `applied`: waives the item; `expired`: matched, but past its date, so it no longer applies. */
  readonly status: 'applied' | 'expired';
}

/** Whether an exception's image pattern covers this image (by digest or by normalised name). */
export function exceptionCoversImage(
  exception: PolicyException,
  image: { reference: string; digest?: string },
): boolean {
  if (exception.image.startsWith('sha256:')) return exception.image === image.digest;
  const name = normalizeImageName(image.reference).normalized;
  return (
    imagePatternMatches(exception.image, name) ||
    imagePatternMatches(exception.image, image.reference) ||
    (image.digest !== undefined && imagePatternMatches(exception.image, `${name.split('@')[0]}@${image.digest}`))
  );
}

/** An exception runs through the end of its `expires` day (UTC). */
export function exceptionExpired(exception: PolicyException, now: Date): boolean {
  return now.getTime() >= Date.parse(`${exception.expires}T00:00:00Z`) + 86_400_000;
}

/**
 * The exception for a check or vulnerability on this image: an applying one wins over an expired one, so a renewed
 * exception beside its old entry works; an expired match is still returned, so the report can say it expired.
 */
export function findException(
  exceptions: readonly PolicyException[],
  target: { check?: string; vulnerability?: readonly string[] },
  image: { reference: string; digest?: string },
  now: Date,
): ExceptionMatch | undefined {
  let expired: ExceptionMatch | undefined;
  for (const exception of exceptions) {
    const hit =
      (target.check !== undefined && exception.check === target.check) ||
      (target.vulnerability !== undefined &&
        exception.vulnerability !== undefined &&
        target.vulnerability.includes(exception.vulnerability));
    if (!hit || !exceptionCoversImage(exception, image)) continue;
    if (!exceptionExpired(exception, now)) return { exception, status: 'applied' };
    expired ??= { exception, status: 'expired' };
  }
  return expired;
}
