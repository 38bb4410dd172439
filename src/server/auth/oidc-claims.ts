import type { OidcIdentity } from '../../catalogue/index.ts';
import type { OidcSettings } from '../config.ts';

/**
 * The string values of a claim at a dotted path (`realm_access.roles`, `groups`): a string is one value, a list
 * gives its strings, anything else none. A claim whose own name holds a dot (`https://example.org/roles`) is
 * found as it is first.
 */
export function claimValues(claims: Readonly<Record<string, unknown>>, path: string): string[] {
  let value: unknown = Object.hasOwn(claims, path) ? claims[path] : undefined;
  if (value === undefined) {
    value = claims;
    for (const part of path.split('.')) {
      if (value === null || typeof value !== 'object' || Array.isArray(value) || !Object.hasOwn(value, part)) return [];
      value = (value as Record<string, unknown>)[part];
    }
  }
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === 'string');
  return [];
}

function firstString(claims: Readonly<Record<string, unknown>>, name: string): string | undefined {
  const value = claims[name];
  return typeof value === 'string' && value.trim() ? value.trim().slice(0, 200) : undefined;
}

/**
 * Who signed in and which rights the claims grant under the configured mapping: admin if any role value is an admin
 * value, else reviewer if any is a reviewer value, else none. Without `roleClaim` (or `orgClaim`) the role (or the
 * memberships) stay as sgci has them.
 */
export function identityFromClaims(
  settings: OidcSettings,
  issuer: string,
  claims: Readonly<Record<string, unknown>>,
): OidcIdentity {
  const subject = claims.sub;
  if (typeof subject !== 'string' || !subject) throw new Error('ID token without a subject');
  const roles = settings.roleClaim ? claimValues(claims, settings.roleClaim) : undefined;
  const role = roles
    ? roles.some((r) => settings.adminValues.includes(r))
      ? 'admin'
      : roles.some((r) => settings.reviewerValues.includes(r))
        ? 'reviewer'
        : null
    : undefined;
  const login = firstString(claims, settings.loginClaim);
  const displayName = firstString(claims, 'name');
  const email = firstString(claims, 'email');
  return {
    issuer,
    subject,
    ...(login ? { login } : {}),
    ...(displayName ? { displayName } : {}),
    ...(email ? { email } : {}),
    ...(role !== undefined ? { role } : {}),
    ...(settings.orgClaim ? { organisations: [...new Set(claimValues(claims, settings.orgClaim))].sort() } : {}),
  };
}
