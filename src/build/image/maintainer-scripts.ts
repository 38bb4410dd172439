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
    '/etc/ca-certificates.conf with every certificate enabled and update-ca-certificates (bundle and .pem links) written by sgci; openssl rehash links not written',
  'base-passwd': '/etc/passwd and /etc/group written by sgci from accounts',
  'base-files': '/etc/os-release overrides applied by sgci; dot files for /root not copied (no shell)',
  libc6:
    'upgrade checks and service restarts only; no /etc/ld.so.cache, the loader searches its default multiarch directories',
  'libc-bin': 'ldconfig not run; no /etc/ld.so.cache',
  tzdata: '/etc/localtime and /etc/timezone not set: the C library defaults to UTC',
  netbase: 'nothing to replace on a fresh install',
  'media-types': 'nothing to replace on a fresh install',
};

/** What an `ldconfig` trigger would have done: the C library finds libraries in its default directories without it. */
const ldconfigTrigger = 'ldconfig trigger: no /etc/ld.so.cache, the loader searches its default multiarch directories';
/** dpkg runs these only when a package is upgraded or removed, never on a first install. */
const removalScripts = new Set(['prerm', 'postrm']);

/**
 * The report line for a package's scripts: what replaced the install-time ones (preinst, config, postinst,
 * triggers), and that the removal-time ones (prerm, postrm) have nothing to replace in a fresh image.
 */
export function replacedScripts(
  name: string,
  scripts: readonly string[],
  triggers?: string,
): ReplacedScripts | undefined {
  if (scripts.length === 0) return undefined;
  const install = scripts.filter((s) => !removalScripts.has(s));
  const removal = scripts.filter((s) => removalScripts.has(s));
  const ldconfig = /^\s*activate(-noawait)?\s+ldconfig\s*$/m.test(triggers ?? '');
  const onlyLdconfig = ldconfig && install.every((s) => s === 'triggers');
  const effects: string[] = [];
  if (install.length > 0)
    effects.push(
      `${install.join('/')}: ${knownEffects[name] ?? (onlyLdconfig ? ldconfigTrigger : 'not run, no known effect is replaced')}`,
    );
  if (removal.length > 0) effects.push(`${removal.join('/')}: run only on upgrade or removal`);
  return { package: name, scripts, effect: effects.join('; ') };
}
