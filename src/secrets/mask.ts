import { isSecretName } from './names.ts';
import { scanText } from './scan-text.ts';

/** What replaces a secret in displayed values. Constant, so it does not reveal the length. */
export const mask = '****';

/** `scheme://user:password@` with any non-empty password, strong or weak: display masking is not gated. */
const urlCredentials = /([A-Za-z][A-Za-z0-9+.-]{1,20}:\/\/[^\s:/@]{0,128}:)([^\s/@]{1,256})@/g;

/**
 * The value of an environment variable as `sgci inspect` may display it. Variables whose name says secret
 * (`*PASSWORD*`, `*TOKEN*`, `*SECRET*`, `*_KEY` but not `PUBLIC_KEY`, `GPG_KEY`, `*_FILE`, `*_PATH`) are masked
 * whole; passwords in URLs (`DATABASE_URL=postgres://app:****@db/app`) and values any secret rule matches
 * (`JAVA_OPTS=-Dtoken=****`) are masked in place. Everything else is returned unchanged.
 */
export function maskEnvValue(name: string, value: string): string {
  if (value === '') return value;
  if (isSecretName(name)) return mask;
  return maskText(value);
}

/**
 * Free text (a history `created_by`, a label value) as it may be displayed: every password in a URL and
 * every span a secret rule matches becomes `****`; the rest stays readable.
 */
export function maskText(text: string): string {
  let masked = text.replace(urlCredentials, (_all, head: string) => `${head}${mask}@`);
  const matches = scanText(masked);
  for (const match of [...matches].sort((a, b) => b.start - a.start)) {
    masked = masked.slice(0, match.start) + mask + masked.slice(match.end);
  }
  return masked;
}
