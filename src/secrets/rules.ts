import { isSecretName } from './names.ts';
import { isReferenceText } from './paths.ts';
import { isDocumentedExample, isPlaceholder, passesSecretGate } from './placeholders.ts';
import type { SecretDescription, SecretSeverity } from './types.ts';

/** What a rule decided about one match. A refined description comes in both languages or not at all. */
export type RuleVerdict = {
  readonly rule?: string;
  /** The normalised value to fingerprint (a PEM body without line breaks), when it differs from the match. */
  readonly value?: string;
  readonly severity?: SecretSeverity;
} & (SecretDescription | { readonly description?: never; readonly descriptionDe?: never });

/**
 * A content rule. `keywords` (lower case) feed the one combined prefilter: a rule runs only on text that
 * contains one of them, so most files cost one regex pass. `pattern` is global; its `secret` group (or the
 * whole match) is the value that gets fingerprinted.
 */
export interface TextRule {
  readonly id: string;
  readonly description: string;
  /** `description` in German. */
  readonly descriptionDe: string;
  readonly severity: SecretSeverity;
  readonly keywords: readonly string[];
  readonly pattern: RegExp;
  /** Leading characters of the value that are public structure (`ghp_`, `AKIA`) and may show in the fingerprint. */
  readonly reveal?: number;
  /** The text must also match this (a docker config has `"auths"`, a kubeconfig `kind: Config`). */
  readonly context?: RegExp;
  /** Only for files whose path matches (e.g. `.env` files); such a rule skips the keyword prefilter. Config values never match a path-gated rule. */
  readonly paths?: RegExp;
  /**
   * Files the rule ignores. The generic rules (URL and assignment passwords) skip package documentation and
   * the source code of installed libraries, where passwords and access tokens assigned literals are docstring
   * examples (written without one here: sgci's own image carries this file). Specific rules (tokens, keys) still run there.
   */
  readonly skipPaths?: (path: string) => boolean;
  /** Reject placeholders and examples, or refine rule id/severity (encrypted keys). `false` drops the match. */
  readonly check?: (secret: string, match: RegExpExecArray, text: string) => boolean | RuleVerdict;
}

/** Random-looking enough for a token body: excludes `ghp_xxxxxxxx…` and `ghp_0123456789…` in docs. */
function tokenBody(value: string): boolean {
  return passesSecretGate(value, { minLength: 8, minEntropy: 3 });
}

/** Passwords people choose: short and wordy, so a lower bar than tokens, but placeholders never pass. */
export function passwordGate(value: string): boolean {
  return passesSecretGate(value, { minLength: 6, minEntropy: 2.5 });
}

function decodeBase64(text: string): Buffer {
  return Buffer.from(text.replace(/\\n|\s/g, ''), 'base64');
}

/** The PEM body without headers (`Proc-Type`, `DEK-Info`) and line breaks, or undefined when it is too short to be a key. */
function pemBody(body: string): string | undefined {
  const lines = body.replace(/\\n/g, '\n').split(/\r?\n/);
  const base64 = lines
    // Drop armor headers (`Proc-Type:`, `Version:`) and the PGP checksum line (`=AbCd`).
    .filter((line) => !line.includes(':') && !/^=[A-Za-z0-9+/]{4}$/.test(line.trim()))
    .join('')
    .replace(/\s/g, '');
  return /^[A-Za-z0-9+/]{64,}={0,2}$/.test(base64) ? base64 : undefined;
}

/** `openssh-key-v1\0` then a length-prefixed cipher name: `none` means the key is not encrypted. */
function opensshCipher(base64: string): string | undefined {
  const bytes = decodeBase64(base64);
  const magic = 'openssh-key-v1\0';
  if (bytes.length < magic.length + 8 || bytes.toString('latin1', 0, magic.length) !== magic) return undefined;
  const length = bytes.readUInt32BE(magic.length);
  if (length > 64 || magic.length + 4 + length > bytes.length) return undefined;
  return bytes.toString('latin1', magic.length + 4, magic.length + 4 + length);
}

const privateKey: TextRule = {
  id: 'private-key',
  reveal: 4,
  description: 'private key (PEM)',
  descriptionDe: 'privater Schlüssel (PEM)',
  severity: 'critical',
  keywords: ['private key'],
  // The body may not contain `-----`, so a scan from one BEGIN stops at the next marker: a file of a million
  // BEGIN lines without END costs one pass, not one pass per BEGIN (hostile-input test in scan-text.test.ts).
  pattern:
    /-----BEGIN ((?:RSA |EC |DSA |OPENSSH |ENCRYPTED |ANY )?PRIVATE KEY)-----(?<secret>(?:[A-Za-z0-9+/=:,.\s\\]|-(?!----)){0,65536})-----END \1-----/g,
  check(secret, match) {
    const body = pemBody(secret);
    if (body === undefined) return false;
    const kind = match[1] ?? 'PRIVATE KEY';
    if (kind === 'ENCRYPTED PRIVATE KEY' || /Proc-Type:\s*4,ENCRYPTED/.test(secret)) {
      return {
        rule: 'private-key-encrypted',
        severity: 'high',
        description: 'encrypted private key (PEM)',
        descriptionDe: 'verschlüsselter privater Schlüssel (PEM)',
        value: body,
      };
    }
    if (kind === 'OPENSSH PRIVATE KEY') {
      const cipher = opensshCipher(body);
      if (cipher === undefined) return false;
      if (cipher !== 'none') {
        return {
          rule: 'private-key-encrypted',
          severity: 'high',
          description: 'encrypted OpenSSH private key',
          descriptionDe: 'verschlüsselter privater OpenSSH-Schlüssel',
          value: body,
        };
      }
      return { description: 'OpenSSH private key', descriptionDe: 'privater OpenSSH-Schlüssel', value: body };
    }
    const format = kind.replace(/ ?PRIVATE KEY$/, '') || 'PKCS#8';
    return {
      description: `${format} private key (PEM)`,
      descriptionDe: `privater ${format}-Schlüssel (PEM)`,
      value: body,
    };
  },
};

const pgpPrivateKey: TextRule = {
  id: 'private-key',
  reveal: 4,
  description: 'PGP private key block',
  descriptionDe: 'privater PGP-Schlüsselblock',
  severity: 'critical',
  keywords: ['private key'],
  pattern:
    /-----BEGIN PGP PRIVATE KEY BLOCK-----(?<secret>(?:[A-Za-z0-9+/=:,.\s\\]|-(?!----)){0,262144})-----END PGP PRIVATE KEY BLOCK-----/g,
  check(secret) {
    const body = pemBody(secret);
    return body === undefined ? false : { value: body };
  },
};

const puttyKey: TextRule = {
  id: 'private-key',
  reveal: 4,
  description: 'PuTTY private key (PPK)',
  descriptionDe: 'privater PuTTY-Schlüssel (PPK)',
  severity: 'critical',
  keywords: ['putty-user-key-file'],
  pattern:
    /PuTTY-User-Key-File-\d: [^\r\n]{1,64}\r?\nEncryption: ([^\r\n]{1,64})\r?\n(?:[^P]|P(?!uTTY-User-Key-File-)){0,65536}?Private-Lines: \d{1,4}\r?\n(?<secret>[A-Za-z0-9+/=\r\n]{16,65536})/g,
  check(secret, match) {
    const value = secret.replace(/\s/g, '');
    if (match[1]?.trim() !== 'none') {
      return {
        rule: 'private-key-encrypted',
        severity: 'high',
        description: 'encrypted PuTTY private key (PPK)',
        descriptionDe: 'verschlüsselter privater PuTTY-Schlüssel (PPK)',
        value,
      };
    }
    return { value };
  },
};

const gcpServiceAccount: TextRule = {
  id: 'gcp-service-account',
  reveal: 4,
  description: 'Google Cloud service-account key (JSON with private_key)',
  descriptionDe: 'Schlüssel eines Google-Cloud-Service-Accounts (JSON mit private_key)',
  severity: 'critical',
  keywords: ['service_account'],
  context: /"type"\s*:\s*"service_account"/,
  pattern:
    /"private_key"\s*:\s*"(?<secret>-----BEGIN [A-Z ]*PRIVATE KEY-----[A-Za-z0-9+/=\\\s]{64,16384}?-----END [A-Z ]*PRIVATE KEY-----)/g,
};

const gcpApiKey: TextRule = {
  id: 'gcp-api-key',
  reveal: 4,
  description: 'Google API key',
  descriptionDe: 'Google-API-Schlüssel',
  severity: 'high',
  keywords: ['aiza'],
  pattern: /(?<![A-Za-z0-9_-])(?<secret>AIza[0-9A-Za-z_-]{35})(?![A-Za-z0-9_-])/g,
  check: (secret) => tokenBody(secret.slice(4)),
};

const awsAccessKeyId: TextRule = {
  id: 'aws-access-key-id',
  reveal: 4,
  description: 'AWS access key id',
  descriptionDe: 'AWS-Access-Key-ID',
  severity: 'medium',
  keywords: ['akia', 'asia', 'abia', 'acca'],
  pattern: /(?<![A-Za-z0-9])(?<secret>(?:AKIA|ASIA|ABIA|ACCA)[A-Z2-7]{16})(?![A-Za-z0-9])/g,
  check: (secret) => !isDocumentedExample(secret) && tokenBody(secret.slice(4)),
};

const awsSecretKey: TextRule = {
  id: 'aws-secret-access-key',
  description: 'AWS secret access key',
  descriptionDe: 'AWS-Secret-Access-Key',
  severity: 'critical',
  keywords: ['secret_access_key', 'secretaccesskey', 'aws_secret', 'secret_key'],
  pattern:
    /(?:aws_?secret_?access_?key|aws_?secret_?key|secret_?access_?key)["']?\s{0,4}(?:=|:|=>)\s{0,4}["']?(?<secret>[A-Za-z0-9/+]{40})(?![A-Za-z0-9/+=])/gi,
  check: (secret) => !isDocumentedExample(secret) && passesSecretGate(secret, { minLength: 40, minEntropy: 4 }),
};

const azureStorageKey: TextRule = {
  id: 'azure-storage-key',
  description: 'Azure storage account key (connection string)',
  descriptionDe: 'Azure-Speicherkontoschlüssel (Verbindungszeichenfolge)',
  severity: 'critical',
  keywords: ['accountkey='],
  pattern: /AccountKey=(?<secret>[A-Za-z0-9+/]{86}==)/g,
  check: (secret) => !isDocumentedExample(secret),
};

const azureClientSecret: TextRule = {
  id: 'azure-client-secret',
  description: 'Azure AD (Entra ID) client secret',
  descriptionDe: 'Client Secret für Azure AD (Entra ID)',
  severity: 'critical',
  keywords: ['q~'],
  pattern: /(?<![A-Za-z0-9_~.-])(?<secret>[A-Za-z0-9_~.]{3}\dQ~[A-Za-z0-9_~.-]{31,34})(?![A-Za-z0-9_~.-])/g,
  check: (secret) => tokenBody(secret),
};

const githubToken: TextRule = {
  id: 'github-token',
  reveal: 4,
  description: 'GitHub token',
  descriptionDe: 'GitHub-Token',
  severity: 'critical',
  keywords: ['ghp_', 'gho_', 'ghu_', 'ghs_', 'ghr_', 'github_pat_'],
  pattern: /(?<![A-Za-z0-9_])(?<secret>gh[pousr]_[A-Za-z0-9]{36}|github_pat_[A-Za-z0-9_]{82})(?![A-Za-z0-9_])/g,
  check: (secret) => tokenBody(secret.slice(secret.startsWith('github_pat_') ? 11 : 4)),
};

const gitlabToken: TextRule = {
  id: 'gitlab-token',
  reveal: 4,
  description: 'GitLab token',
  descriptionDe: 'GitLab-Token',
  severity: 'critical',
  keywords: [
    'glpat-',
    'gldt-',
    'glrt-',
    'glptt-',
    'glft-',
    'glsoat-',
    'glcbt-',
    'gloas-',
    'glimt-',
    'glagent-',
    'gr1348941',
  ],
  pattern:
    /(?<![A-Za-z0-9_-])(?<secret>(?:gl(?:pat|dt|rt|ptt|ft|soat|cbt|oas|imt|agent)-|GR1348941)[A-Za-z0-9_-]{20,64})(?![A-Za-z0-9_-])/g,
  check: (secret) => tokenBody(secret.slice(secret.indexOf('-') + 1 || 9)),
};

const slackToken: TextRule = {
  id: 'slack-token',
  reveal: 4,
  description: 'Slack token',
  descriptionDe: 'Slack-Token',
  severity: 'critical',
  keywords: ['xoxb-', 'xoxa-', 'xoxp-', 'xoxr-', 'xoxs-', 'xoxe-'],
  pattern: /(?<![A-Za-z0-9])(?<secret>xox[baprse](?:\.[a-z0-9]+)?-[A-Za-z0-9-]{10,250})(?![A-Za-z0-9-])/g,
  // Real tokens carry numeric workspace/user ids; `xoxb-your-token-here` does not.
  check: (secret) => /\d{6}/.test(secret) && tokenBody(secret.slice(5)),
};

const slackWebhook: TextRule = {
  id: 'slack-webhook',
  reveal: 4,
  description: 'Slack incoming webhook URL',
  descriptionDe: 'URL eines Slack Incoming Webhooks',
  severity: 'high',
  keywords: ['hooks.slack.com'],
  pattern: /(?<secret>https:\/\/hooks\.slack\.com\/(?:services|workflows|triggers)\/[A-Za-z0-9+/]{30,80})/g,
  check: (secret) => tokenBody(secret.slice(secret.lastIndexOf('/') + 1)),
};

const npmToken: TextRule = {
  id: 'npm-token',
  reveal: 4,
  description: 'npm access token',
  descriptionDe: 'npm-Access-Token',
  severity: 'critical',
  keywords: ['npm_'],
  pattern: /(?<![A-Za-z0-9_])(?<secret>npm_[A-Za-z0-9]{36})(?![A-Za-z0-9_])/g,
  check: (secret) => tokenBody(secret.slice(4)),
};

const npmrcAuth: TextRule = {
  id: 'npmrc-auth',
  description: 'npm registry credential in .npmrc',
  descriptionDe: 'Zugangsdaten für eine npm-Registry in .npmrc',
  severity: 'critical',
  keywords: [],
  // Only in npm config files: `_password = _messages.StringField(1)` is generated Python, not a credential.
  paths: /(?:^|\/)\.?npmrc$/,
  pattern: /(?:^|[\s:])_(?:authToken|auth|password)\s*=\s*["']?(?<secret>[^\s"']{8,512})/gm,
  check: (secret) => !isPlaceholder(secret) && tokenBody(secret),
};

const pypiToken: TextRule = {
  id: 'pypi-token',
  reveal: 4,
  description: 'PyPI upload token',
  descriptionDe: 'PyPI-Upload-Token',
  severity: 'critical',
  keywords: ['pypi-ageicHlwaS5vcmc'.toLowerCase(), 'pypi-agendgvzdc5wexbplm9yzw'],
  pattern: /(?<secret>pypi-(?:AgEIcHlwaS5vcmc|AgENdGVzdC5weXBpLm9yZw)[A-Za-z0-9_-]{50,1024})/g,
  check: (secret) => tokenBody(secret.slice(20)),
};

/** `"auth": base64(user:password)` only counts when it decodes to a credential with a non-empty password. */
function dockerAuthCheck(secret: string, match: RegExpExecArray): boolean {
  if (isPlaceholder(secret)) return false;
  if (match[1] !== 'auth') return secret.length >= 8;
  const decoded = decodeBase64(secret).toString('utf8');
  const colon = decoded.indexOf(':');
  return colon > 0 && colon < decoded.length - 1;
}

const dockerConfigAuth: TextRule = {
  id: 'docker-config-auth',
  description: 'registry credential in a Docker/Podman auth config',
  descriptionDe: 'Registry-Zugangsdaten in einer Docker-/Podman-Authentifizierungskonfiguration',
  severity: 'critical',
  keywords: ['"auth"', '"password"', '"identitytoken"'],
  context: /"auths"\s*:/,
  pattern: /"(auth|password|identitytoken)"\s*:\s*"(?<secret>[^"\\]{4,4096})"/g,
  check: dockerAuthCheck,
};

const kubeconfigKey: TextRule = {
  id: 'kubeconfig-credential',
  description: 'Kubernetes client key in a kubeconfig',
  descriptionDe: 'Kubernetes-Client-Schlüssel in einer kubeconfig',
  severity: 'critical',
  keywords: ['client-key-data'],
  pattern: /client-key-data["']?\s*:\s*["']?(?<secret>[A-Za-z0-9+/=]{40,65536})/g,
};

const kubeconfigToken: TextRule = {
  id: 'kubeconfig-credential',
  description: 'Kubernetes token or password in a kubeconfig',
  descriptionDe: 'Kubernetes-Token oder -Passwort in einer kubeconfig',
  severity: 'critical',
  keywords: ['token', 'password'],
  context: /kind["']?\s*:\s*["']?Config\b/,
  pattern: /^[ \t-]*["']?(?:token|password)["']?\s*:\s*["']?(?<secret>[^\s"'#]{8,4096})/gm,
  check: (secret) => passwordGate(secret),
};

/** `scheme://user:password@host`: the password part only. */
const urlPassword: TextRule = {
  id: 'url-password',
  description: 'password in a URL',
  descriptionDe: 'Passwort in einer URL',
  severity: 'critical',
  keywords: ['://'],
  skipPaths: isReferenceText,
  // Anchored on `://` (a literal the engine finds fast); the scheme before it is checked in `check`.
  pattern: /:\/\/[^\s:/@"'<>()[\]{}`\\|]{0,128}:(?<secret>[^\s/@"'<>()[\]{}`\\|]{1,256})@[A-Za-z0-9[]/g,
  check(secret, match, text) {
    if (
      !/(?:^|[^A-Za-z0-9+.-])[A-Za-z][A-Za-z0-9+.-]{1,20}$/.test(text.slice(Math.max(0, match.index - 24), match.index))
    ) {
      return false;
    }
    return !/^\$|^%[0-9A-F]{0,2}$/.test(secret) && passwordGate(decodeURIComponentSafe(secret));
  },
};

function decodeURIComponentSafe(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

/** Words that make an assignment worth a look; the name around them is then judged by `isSecretName`. */
const assignmentKeywords = [
  'password',
  'passwd',
  'passphrase',
  'secret',
  'token',
  'apikey',
  'api_key',
  'api-key',
  'access_key',
  'private_key',
];

/** `password = "…"`, `"apiToken": "…"`, `DB_PASSWORD=…` in any text file. */
const passwordAssignment: TextRule = {
  id: 'password-assignment',
  description: 'password or secret assigned in a file',
  descriptionDe: 'in einer Datei zugewiesenes Passwort oder Geheimnis',
  severity: 'critical',
  keywords: assignmentKeywords,
  skipPaths: isReferenceText,
  // Anchored on the keyword (not on the name start) so the regex does not retry at every character.
  // The value must end at a delimiter: `token = get_token()` and `password: Optional[str]` do not match.
  // The value is taken atomically (lookahead capture + backreference), so a failed delimiter does not
  // retry every shorter value.
  pattern:
    /(?:password|passwd|passphrase|secret|token|api[_-]?key|access[_-]?key|private[_-]?key)[A-Za-z0-9_.-]{0,40}["']?[ \t]{0,4}(?::=|=>|=(?!=)|:(?!:))[ \t]{0,4}(["']?)(?=(?<secret>[^\s"'`<>(){}[\];,|&$\\]{6,256}))\k<secret>\1(?=[\s"'`;,]|$)/gi,
  check(secret, match, text) {
    // Cheapest tests first: most candidates in code fail on the value alone.
    if (
      !passesSecretGate(secret, { minLength: 8, minEntropy: 3 }) ||
      wordLike(secret) ||
      codeReference(secret) ||
      /^[A-Za-z][A-Za-z0-9+.-]*:\/\/|^\/[^/]/.test(secret)
    ) {
      return false;
    }
    return isSecretName(nameAround(text, match.index, match[0]));
  },
};

/**
 * Words, identifiers and dotted names (`elevated-privileges` in lintian overrides, `self.password_hash`,
 * `required`, `EllipticCurvePrivateKey`): letters and separators only. A chosen password of that shape is missed
 * by the generic rule; that is the price of not flagging prose and code.
 */
function wordLike(value: string): boolean {
  if (!/^[A-Za-z_.+/-]+$/.test(value)) return false;
  // Each piece a word, an ACRONYM or CamelCase words; random letters mix case without that pattern.
  return value.split(/[_.+/-]/).every((piece) => /^(?:[A-Z]?[a-z]+)*$|^[A-Z]+$/.test(piece));
}

/**
 * A dotted identifier chain (`token.ERRORTOKEN`, `exports2.HEADER_CHARS`, `__compat__.collect_all_And_tokens`)
 * or a snake_case identifier (`private_key_pkcs8_pem`, `base64_encoded_64_byte_salt`): code that reads a
 * value, not a value. JWTs (`eyJ…`) share the shape and are kept.
 */
function codeReference(value: string): boolean {
  if (value.startsWith('eyJ')) return false;
  return /^[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)+$/.test(value) || /^_?[a-z][a-z0-9]*(?:_[a-z0-9]+)+$/.test(value);
}

/** The whole identifier the keyword sits in: `DB_PASSWORD` for a match starting at `PASSWORD`. */
function nameAround(text: string, index: number, matched: string): string {
  let start = index;
  while (start > 0 && /[A-Za-z0-9_.-]/.test(text[start - 1] ?? '')) start--;
  const end = matched.search(/["']?[ \t]*(?::=|=>|=|:)/);
  return text.slice(start, index + (end < 0 ? matched.length : end));
}

/** `machine host login user password secret` in `.netrc`: whitespace-separated, so no assignment rule sees it. */
const netrcPassword: TextRule = {
  id: 'netrc-password',
  description: 'password in a .netrc file',
  descriptionDe: 'Passwort in einer .netrc-Datei',
  severity: 'critical',
  keywords: [],
  paths: /(?:^|\/)[._]netrc$/,
  pattern: /(?<![A-Za-z0-9_])password[ \t]{1,16}(?<secret>[^\s]{1,256})/g,
  check: (secret) => passwordGate(secret),
};

/** `"value"` or `'value'` without the quotes; anything else as it is. */
function unquote(value: string): string {
  return /^(["']).*\1$/.test(value) && value.length >= 2 ? value.slice(1, -1) : value;
}

/** `.env` files: every `NAME=value` whose name says secret (incl. `*_KEY`), with the password gate. */
const envFileSecret: TextRule = {
  id: 'env-file-secret',
  description: 'secret variable in a .env file',
  descriptionDe: 'geheime Variable in einer .env-Datei',
  severity: 'critical',
  keywords: [],
  paths: /(?:^|\/)(?:\.env(?:\.[^/]*)?|[^/]+\.env)$/,
  // One unambiguous token per part (no two adjacent quantifiers that both take blanks): linear on any line.
  // The value is unquoted in `check`.
  pattern: /^[ \t]{0,64}(?:export[ \t]{1,16})?([A-Za-z_][A-Za-z0-9_.]{0,127})[ \t]{0,16}=(?<secret>[^\r\n]{1,4096})/gm,
  check(raw, match) {
    const value = unquote(raw.trim());
    return isSecretName(match[1] ?? '') && passwordGate(value) ? { value } : false;
  },
};

/**
 * All content rules, most specific first: when two rules match the same bytes, the earlier one is reported
 * (a GCP key file is one `gcp-service-account` finding, not also a `private-key`).
 */
export const textRules: readonly TextRule[] = [
  gcpServiceAccount,
  privateKey,
  pgpPrivateKey,
  puttyKey,
  awsAccessKeyId,
  awsSecretKey,
  azureStorageKey,
  azureClientSecret,
  gcpApiKey,
  githubToken,
  gitlabToken,
  slackToken,
  slackWebhook,
  npmToken,
  npmrcAuth,
  pypiToken,
  dockerConfigAuth,
  kubeconfigKey,
  kubeconfigToken,
  urlPassword,
  netrcPassword,
  envFileSecret,
  passwordAssignment,
];
