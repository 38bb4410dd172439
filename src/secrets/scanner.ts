import type { Unknown } from '../core/index.ts';
import type { FileEntry, FileVisitor } from '../oci/index.ts';
import { fingerprint } from './fingerprint.ts';
import { isPublishedFixture } from './paths.ts';
import { jksHasKeyEntry, looksLikePkcs12, pkcs12Contents } from './pkcs12.ts';
import { maxMatchesPerText, scanLatin1 } from './scan-text.ts';
import { describeWith, type SecretDescription, type SecretFinding, type SecretScannerOptions } from './types.ts';

const defaultMaxFileBytes = 1024 * 1024;

/** How many leading bytes decide "binary": a NUL there and the file is skipped (ELF, images, archives). */
const binaryProbeBytes = 1024;

/**
 * Names worth reading even when large (a prefix up to the bound): key stores, credential files, configs
 * that hold registry or cluster credentials. "Contains `secret`, ends in `.json`" is a lookahead plus one
 * run, not two runs around the word: those split a 4 KiB name of `secret`s every possible way (5 ms a name).
 */
const secretProneName =
  /(?:^|\/)(?:\.env(?:\.[^/]*)?|[^/]+\.env|id_(?:rsa|dsa|ecdsa|ed25519)(?:_sk)?|[^/]+\.(?:pem|key|p12|pfx|ppk|jks|jceks|keystore|asc)|ssh_host_[^/]+_key|credentials(?:\.json)?|\.docker\/config\.json|\.dockercfg|containers\/auth\.json|kubeconfig|\.kube\/config|\.npmrc|\.pypirc|\.git-credentials|\.netrc|[^/]*\.tfstate(?:\.backup)?|(?=[^/]*service[-_]?account)[^/]*\.json|(?=[^/]*secret)[^/]*\.(?:json|ya?ml|toml|ini|conf|properties))$/i;

/**
 * Text formats that are sometimes large (database dumps, logs, exported configs): a large one is read up to
 * the bound too. Large files of other kinds (executables, data) are not read: a secret rarely hides there,
 * and reading a prefix of every one would buffer a megabyte per file for nothing.
 */
const largeTextName = /\.(?:sql|json|ya?ml|xml|properties|conf|cfg|ini|toml|txt|log|sh|tf|tfvars|csv|md)$/i;

/**
 * Files that cannot hold a text secret and are common enough to matter for speed: compressed archives,
 * compiled objects, media, fonts, locale and timezone data. They are not read at all.
 */
const skippedName =
  /\.(?:gz|xz|bz2|zst|lz4|zip|deb|rpm|whl|so(?:\.[0-9.]+)?|a|o|pyc|pyo|class|mo|png|jpe?g|gif|ico|webp|bmp|tiff?|woff2?|ttf|otf|pcf|mp3|ogg|wav|mp4|wasm|node)$/i;
const skippedDirectory = /^\/(?:proc|sys|dev)\/|^\/usr\/share\/(?:zoneinfo|locale|i18n|mime|icons|fonts)\/|\/gconv\//;

/** Appended to the description of a machine key. */
const bakedIntoImage: SecretDescription = {
  description: ' baked into the image (shared by every container)',
  descriptionDe: ', fest in das Image eingebaut (von jedem Container geteilt)',
};

/** Appended to findings in files a package ships as tests or documentation (severity `medium` there). */
const inPublishedFixture: SecretDescription = {
  description: ' in package test or documentation files',
  descriptionDe: ' in Test- oder Dokumentationsdateien eines Pakets',
};

const noSuffix: SecretDescription = { description: '', descriptionDe: '' };

/**
 * Keys a package generates for the machine at install time (openssh-server's host keys, ssl-cert's snakeoil
 * key). Baked into an image they are shared by every container started from it and by everyone who can pull
 * it: anyone can impersonate those services. They get their own rule, because the fix differs (generate at
 * container start, or drop the service) and a policy may treat them apart, and severity `high`: they do not
 * open access to other systems the way a user key or token does.
 */
const machineKeys: readonly ({ path: RegExp; rule: string } & SecretDescription)[] = [
  {
    path: /(?:^|\/)ssh_host_[^/]+_key$/,
    rule: 'ssh-host-private-key',
    ...describeWith(
      { description: 'SSH host private key', descriptionDe: 'privater SSH-Host-Schlüssel' },
      bakedIntoImage,
    ),
  },
  {
    path: /\/ssl-cert-snakeoil\.key$/,
    rule: 'snakeoil-private-key',
    ...describeWith(
      {
        description: 'ssl-cert snakeoil TLS private key',
        descriptionDe: 'privater snakeoil-TLS-Schlüssel von ssl-cert',
      },
      bakedIntoImage,
    ),
  },
];

/** Binary key stores: read by name, judged by structure (a NUL byte does not end their scan). */
const keyStoreName = /\.(?:p12|pfx|jks|jceks|keystore|ks)$/i;

/** Collects findings over a layer pass; see `createSecretScanner`. */
export interface SecretScanner {
  readonly visitor: FileVisitor;
  /** Findings so far, sorted by path, layer, line and rule. `deleted` is not set here: see `markHidden`. */
  findings(): SecretFinding[];
  /** Files whose scan was incomplete: more matches than one file may report. Sorted by path and layer. */
  unknowns(): Unknown[];
}

/**
 * A file visitor for the single layer pass. It sees every regular file of every layer (also files later
 * layers delete), decides from the header which bytes it needs, scans them once and keeps only findings.
 */
export function createSecretScanner(options: SecretScannerOptions = {}): SecretScanner {
  const maxFileBytes = options.maxFileBytes ?? defaultMaxFileBytes;
  const results: SecretFinding[] = [];
  const incomplete: Unknown[] = [];

  const visitor: FileVisitor = {
    name: 'secrets',
    wants(entry: FileEntry): number | undefined {
      if (entry.type !== 'file' || entry.size === 0) return undefined;
      if (skippedDirectory.test(entry.path) || skippedName.test(entry.path)) return undefined;
      if (entry.size <= maxFileBytes) return entry.size;
      return secretProneName.test(entry.path) || largeTextName.test(entry.path) ? maxFileBytes : undefined;
    },
    visit(entry: FileEntry, content: Uint8Array): void {
      const found = scanFile(entry, content);
      for (const finding of found) results.push(finding);
      if (found.length >= maxMatchesPerText) {
        incomplete.push({
          path: entry.path,
          layer: entry.layer,
          reason: `secret scan stopped after ${maxMatchesPerText} findings in this file; further ones are not listed`,
        });
      }
    },
  };

  return {
    visitor,
    findings: () => [...results].sort(compareFindings),
    unknowns: () => [...incomplete].sort((a, b) => compareText(a.path, b.path) || (a.layer ?? 0) - (b.layer ?? 0)),
  };
}

/** The findings in one file's content (whole or a bounded prefix). Pure: exported for tests. */
export function scanFile(entry: Pick<FileEntry, 'path' | 'layer'>, content: Uint8Array): SecretFinding[] {
  const place = { location: 'file' as const, path: entry.path, layer: entry.layer };
  if (keyStoreName.test(entry.path)) {
    const store = keyStoreFinding(content);
    if (store !== undefined) {
      // The DER/JKS header is structure, not secret.
      const value = Buffer.from(content.buffer, content.byteOffset, content.byteLength).toString('base64');
      const published = isPublishedFixture(entry.path);
      return [
        {
          ...store,
          ...(published
            ? {
                severity: 'medium' as const,
                ...describeWith(store, inPublishedFixture),
              }
            : {}),
          ...place,
          fingerprint: fingerprint(value, 4),
        },
      ];
    }
  }
  const probe = content.subarray(0, binaryProbeBytes);
  if (probe.includes(0)) return [];
  const matches = scanLatin1(content, entry.path);
  if (matches.length === 0) return [];
  const machineKey = machineKeys.find((key) => key.path.test(entry.path));
  const referenceMaterial = isPublishedFixture(entry.path);
  return matches.map((match) => {
    const asMachineKey = machineKey !== undefined && match.rule.startsWith('private-key');
    const severity = asMachineKey ? 'high' : match.severity;
    return {
      rule: asMachineKey ? machineKey.rule : match.rule,
      ...describeWith(asMachineKey ? machineKey : match, referenceMaterial ? inPublishedFixture : noSuffix),
      severity: referenceMaterial ? 'medium' : severity,
      ...place,
      line: match.line,
      fingerprint: fingerprint(match.secret, match.reveal),
    };
  });
}

/** A binary key store with a private key (or possibly one, when its contents are encrypted). */
function keyStoreFinding(
  content: Uint8Array,
): Pick<SecretFinding, 'rule' | 'description' | 'descriptionDe' | 'severity'> | undefined {
  if (looksLikePkcs12(content)) {
    return pkcs12Contents(content) === 'key'
      ? {
          rule: 'pkcs12-keystore',
          description: 'PKCS#12 key store with a private key',
          descriptionDe: 'PKCS#12-Schlüsselspeicher mit einem privaten Schlüssel',
          severity: 'high',
        }
      : {
          rule: 'pkcs12-keystore',
          description: 'PKCS#12 store with encrypted contents (a trust store, or a private key)',
          descriptionDe: 'PKCS#12-Speicher mit verschlüsseltem Inhalt (ein Truststore oder ein privater Schlüssel)',
          severity: 'medium',
        };
  }
  if (jksHasKeyEntry(content) === true) {
    return {
      rule: 'java-keystore',
      description: 'Java key store with a private or secret key entry',
      descriptionDe: 'Java-Schlüsselspeicher mit einem Eintrag für einen privaten oder geheimen Schlüssel',
      severity: 'high',
    };
  }
  return undefined;
}

/** Deterministic order (code-unit comparison, not locale): location, path, field, layer, line, rule. */
export function compareFindings(a: SecretFinding, b: SecretFinding): number {
  return (
    compareText(a.location, b.location) ||
    compareText(a.path ?? '', b.path ?? '') ||
    compareText(a.field ?? '', b.field ?? '') ||
    (a.layer ?? -1) - (b.layer ?? -1) ||
    (a.line ?? 0) - (b.line ?? 0) ||
    compareText(a.rule, b.rule) ||
    compareText(a.fingerprint, b.fingerprint)
  );
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
