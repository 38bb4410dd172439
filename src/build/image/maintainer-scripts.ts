/** A package's maintainer scripts, which the build never runs, and what stands in for their effect. */
export interface ReplacedScripts {
  readonly package: string;
  readonly scripts: readonly string[];
  readonly effect: string;
}

/**
 * What the scripts of the packages minimal images are made of do on a fresh install, and what the build does
 * instead. A package not listed here has its scripts reported as not run: its maintainer decides whether that is
 * safe, and the report says so rather than guessing.
 */
const knownEffects: Readonly<Record<string, string>> = {
  'ca-certificates':
    'postinst: /etc/ca-certificates.conf with every certificate enabled and update-ca-certificates (bundle and .pem links) written by sgci; openssl rehash links not written',
  'base-passwd': 'preinst/postinst: /etc/passwd and /etc/group written by sgci from accounts',
  'base-files': 'postinst: /etc/os-release overrides applied by sgci; dot files for /root not copied (no shell)',
  libc6: 'postinst/triggers: no /etc/ld.so.cache; the loader searches its default multiarch directories',
  'libc-bin': 'postinst/triggers: ldconfig not run; no /etc/ld.so.cache',
  tzdata: 'config/postinst: /etc/localtime and /etc/timezone not set: the C library defaults to UTC',
  netbase: 'postinst: nothing to replace on a fresh install',
  'media-types': 'postinst: nothing to replace on a fresh install',
  libssl3: 'postinst: service restarts only; nothing to replace in an image',
};

export function replacedScripts(name: string, scripts: readonly string[]): ReplacedScripts | undefined {
  if (scripts.length === 0) return undefined;
  return { package: name, scripts, effect: knownEffects[name] ?? 'not run: no known effect is replaced' };
}
