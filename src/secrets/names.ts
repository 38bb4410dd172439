/**
 * Whether a variable, label or key name says that its value is a secret (`DB_PASSWORD`, `GITHUB_TOKEN`,
 * `apiKey`, `AWS_SECRET_ACCESS_KEY`). Names that only refer to a secret (`*_FILE`, `*_PATH`, `*_URL`), public
 * material (`PUBLIC_KEY`, `GPG_KEY` fingerprints in official images) or metadata (`KEY_ID`, `TOKEN_TTL`) are not.
 */
export function isSecretName(name: string): boolean {
  const words = splitWords(name);
  if (words.length === 0) return false;
  // The shell's working directory variables, not passwords.
  if (words.length === 1 && (words[0] === 'PWD' || words[0] === 'OLDPWD')) return false;
  let secret = false;
  for (const word of words) {
    if (notSecretWords.has(word)) return false;
    if (secretWords.has(word) || secretFragments.some((fragment) => word.includes(fragment))) secret = true;
  }
  return secret;
}

/** Upper-case words of a name, splitting camelCase, snake_case, kebab-case and dotted label keys. */
function splitWords(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toUpperCase()
    .split(/[^A-Z0-9]+/)
    .filter((word) => word.length > 0);
}

const secretWords = new Set([
  'PASSWORD',
  'PASSWORDS',
  'PASSWD',
  'PASS',
  'PWD',
  'PASSPHRASE',
  'SECRET',
  'SECRETS',
  'TOKEN',
  'TOKENS',
  'KEY',
  'APIKEY',
  'CREDENTIAL',
  'CREDENTIALS',
  'CREDS',
  'PRIVATE',
]);

/** Compound words (`DBPASSWORD`, `APITOKEN`, `SECRETKEY`). */
const secretFragments = ['PASSWORD', 'PASSWD', 'SECRET', 'TOKEN', 'APIKEY', 'PRIVATEKEY', 'ACCESSKEY'];

const notSecretWords = new Set([
  'PUBLIC',
  'PUB',
  'PATH',
  'FILE',
  'FILES',
  'DIR',
  'URL',
  'URI',
  'ENDPOINT',
  'HOST',
  'PORT',
  'ID',
  'IDS',
  'NAME',
  'USER',
  'USERNAME',
  'TYPE',
  'SIZE',
  'LENGTH',
  'LEN',
  'BITS',
  'ALG',
  'ALGORITHM',
  'FORMAT',
  'VERSION',
  'TIMEOUT',
  'TTL',
  'EXPIRY',
  'EXPIRES',
  'LIFETIME',
  'HEADER',
  'FIELD',
  'FINGERPRINT',
  'GPG',
  'PGP',
  'KEYRING',
  'KEYSERVER',
  'KEYSERVERS',
  'KEYID',
  'REF',
  'ENABLED',
  'DISABLED',
  'REQUIRED',
  'MODE',
  'POLICY',
  'ENCRYPTION',
  'METHOD',
  'SCHEME',
  'CIPHER',
  'COMPLEXITY',
  'STRENGTH',
  'PROMPT',
  'RESET',
  'EXPIRATION',
  'LABEL',
  'TEMPLATE',
]);
