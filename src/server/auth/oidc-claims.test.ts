import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { OidcSettings } from '../config.ts';
import { claimValues, identityFromClaims } from './oidc-claims.ts';

const settings: OidcSettings = {
  issuer: 'https://id.example',
  clientId: 'sgci',
  redirectUri: 'https://sgci.example/auth/oidc/callback',
  clientSecret: undefined,
  scopes: ['openid'],
  loginClaim: 'preferred_username',
  roleClaim: 'realm_access.roles',
  reviewerValues: ['sgci-reviewer'],
  adminValues: ['sgci-admin'],
  orgClaim: 'groups',
};

test('claim values come from dotted paths, whole names with dots, strings and lists', () => {
  const claims = {
    realm_access: { roles: ['a', 'b', 3] },
    'https://example.org/roles': 'x',
    groups: 'bsi',
    nested: { list: null },
  };
  assert.deepEqual(claimValues(claims, 'realm_access.roles'), ['a', 'b']);
  assert.deepEqual(claimValues(claims, 'https://example.org/roles'), ['x']);
  assert.deepEqual(claimValues(claims, 'groups'), ['bsi']);
  assert.deepEqual(claimValues(claims, 'nested.list.deeper'), []);
  assert.deepEqual(claimValues(claims, 'missing'), []);
  assert.deepEqual(claimValues(claims, 'toString'), [], 'no prototype properties');
});

test('admin wins over reviewer, no matching value means no role, no roleClaim leaves the role to sgci', () => {
  const base = { sub: 's1', preferred_username: 'Erika', name: 'Erika M', email: 'e@example.org' };
  const both = identityFromClaims(settings, 'https://id.example', {
    ...base,
    realm_access: { roles: ['sgci-reviewer', 'sgci-admin'] },
    groups: ['org-b', 'org-a', 'org-a'],
  });
  assert.equal(both.role, 'admin');
  assert.deepEqual(both.organisations, ['org-a', 'org-b']);
  assert.equal(both.login, 'Erika');
  assert.equal(both.displayName, 'Erika M');
  const reviewer = identityFromClaims(settings, 'x', { ...base, realm_access: { roles: ['sgci-reviewer'] } });
  assert.equal(reviewer.role, 'reviewer');
  assert.deepEqual(reviewer.organisations, []);
  assert.equal(identityFromClaims(settings, 'x', { ...base, realm_access: { roles: ['other'] } }).role, null);
  const unmapped = identityFromClaims({ ...settings, roleClaim: undefined, orgClaim: undefined }, 'x', base);
  assert.equal('role' in unmapped, false);
  assert.equal('organisations' in unmapped, false);
  assert.throws(() => identityFromClaims(settings, 'x', { name: 'no subject' }), /without a subject/);
});
