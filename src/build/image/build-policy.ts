import { SgciError } from '../../core/index.ts';
import type { BuildConfig } from '../config.ts';
import type { ImageTree } from './tree.ts';

/** One rule of the build-time policy as the report shows it. */
export interface PolicyResult {
  readonly rule: 'non-root' | 'no-shell' | 'no-package-manager' | 'no-setuid';
  readonly enforced: boolean;
  /** The paths or settings that break the rule; empty when it holds. */
  readonly violations: readonly string[];
}

const binDirs = ['/usr/bin', '/usr/sbin', '/bin', '/sbin', '/usr/local/bin', '/usr/local/sbin'];
const shells = ['sh', 'bash', 'dash', 'ash', 'zsh', 'ksh', 'mksh', 'busybox'];
const packageManagers = ['dpkg', 'apt', 'apt-get', 'aptitude', 'dpkg-deb', 'apk', 'rpm', 'yum', 'dnf', 'microdnf'];

function present(tree: ImageTree, names: readonly string[]): string[] {
  return binDirs.flatMap((dir) => names.map((name) => `${dir}/${name}`)).filter((path) => tree.has(path));
}

/**
 * The build file's `policy` judged on the finished tree; an enforced rule with a violation stops the build with
 * BUILD_REFUSED naming what broke it. The same facts are asserted again after the build by `sgci check`.
 */
export function enforceBuildPolicy(
  tree: ImageTree,
  config: BuildConfig,
  setuid: readonly { readonly path: string }[],
  input: string,
): PolicyResult[] {
  const policy = config.policy;
  const allowed = new Set(policy.allowSetuid);
  const results: PolicyResult[] = [
    {
      rule: 'non-root',
      enforced: policy.nonRoot,
      violations: config.accounts.runAs === 0 ? ['accounts.runAs is 0'] : [],
    },
    { rule: 'no-shell', enforced: policy.noShell, violations: present(tree, shells) },
    { rule: 'no-package-manager', enforced: policy.noPackageManager, violations: present(tree, packageManagers) },
    {
      rule: 'no-setuid',
      enforced: true,
      violations: setuid.map((s) => s.path).filter((path) => !allowed.has(path) && tree.has(path)),
    },
  ];
  const broken = results.filter((r) => r.enforced && r.violations.length > 0);
  if (broken.length > 0)
    throw new SgciError(
      'BUILD_REFUSED',
      input,
      `build policy: ${broken.map((r) => `${r.rule} (${r.violations.join(', ')})`).join('; ')}`,
    );
  return results;
}
