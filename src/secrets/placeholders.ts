import { shannonEntropy } from './entropy.ts';

/**
 * Keys and tokens that vendors publish in their documentation (AWS, GitHub docs, the OpenSSL/Python test
 * suites use their own PEM files and are matched by path in the scanner). A match on one of these is not a finding.
 */
const documentedExamples = new Set([
  'AKIAIOSFODNN7EXAMPLE',
  'AKIAI44QH8DHBEXAMPLE',
  'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
  'je7MtGbClwBF/2Zp9Utk/h3yCo8nvbEXAMPLEKEY',
  // OAuth client secrets of the Google Cloud SDK, an installed application: shipped in every gcloud install
  // and, per Google's documentation for installed apps, not treated as secret.
  'd-FL95Q19q7MQmFpd7hHD0Ty',
  'ZmssLNjJy2998hD4CTg2ejr2',
  // Azure Storage emulator (Azurite) well-known account key, documented by Microsoft.
  'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==',
]);

/** Lower-case fragments that mark a value as a placeholder or an example rather than a credential. */
const placeholderFragments = [
  'example',
  'changeme',
  'change_me',
  'change-me',
  'changeit',
  'placeholder',
  'xxxx',
  '****',
  '....',
  'your_',
  'your-',
  'yourpass',
  'yourtoken',
  'dummy',
  'sample',
  'redacted',
  'insert',
  'replace',
  'todo',
  'fixme',
  'foobar',
  'secret123',
  'password123',
  'mysecretpassword',
  // A value that names the thing (`s:netrw_passwd`, `somepassword`, `AuthenticationMD5Password`) refers to
  // or stands for a secret; a random token contains these words with negligible probability.
  'password',
  'passwd',
  'secret',
  'token',
  'supersecret',
  'topsecret',
  '<',
  '>',
  '${',
  '$(',
  '{{',
  '%(',
  '%s',
];

/** Whole values that are words, not secrets. */
const placeholderWords = new Set([
  'password',
  'passwd',
  'pass',
  'pwd',
  'secret',
  'token',
  'user',
  'username',
  'admin',
  'root',
  'test',
  'testing',
  'null',
  'nil',
  'none',
  'true',
  'false',
  'undefined',
  'empty',
  'default',
  'required',
  'optional',
  'string',
  'foo',
  'bar',
  'baz',
]);

export function isDocumentedExample(value: string): boolean {
  return documentedExamples.has(value) || /EXAMPLE(?:KEY)?$/.test(value);
}

/** A placeholder, template reference or example value (`changeme`, `${DB_PASSWORD}`, `<password>`, `xxx`). */
export function isPlaceholder(value: string): boolean {
  if (isDocumentedExample(value)) return true;
  const lower = value.toLowerCase();
  if (placeholderWords.has(lower)) return true;
  if (/^\$[A-Za-z_{]/.test(value) || /^%[A-Za-z_]+%$/.test(value)) return true;
  if (/^(.)\1*$/.test(value)) return true;
  for (const fragment of placeholderFragments) if (lower.includes(fragment)) return true;
  return false;
}

/**
 * The gate for free-form secrets (passwords in assignments and URLs, name-classified variables): not a
 * placeholder, long enough, and with enough entropy that it is not a word or a repeated pattern.
 */
export function passesSecretGate(value: string, options: { minLength: number; minEntropy: number }): boolean {
  if (value.length < options.minLength) return false;
  if (isPlaceholder(value)) return false;
  return shannonEntropy(value) >= options.minEntropy;
}
