/**
 * Verwaltung / Administration: API tokens for everyone signed in; organisations with their registry credentials
 * and trusted keys for their members and admins; users for admins; the policy and the verdict key. Who may do what
 * is the API's rule (docs/server-accounts.md); every change is the catalogue function the API calls, with its event.
 */
import type { App } from '../../../router.ts';
import { page } from '../../page.ts';
import { adminCredentialsAction, adminCredentialsPage } from './credentials.ts';
import { adminKeysAction, adminKeysPage } from './keys.ts';
import {
  adminOrganisationAction,
  adminOrganisationPage,
  adminOrganisationsAction,
  adminOrganisationsPage,
} from './organisations.ts';
import { administrationPage } from './overview.ts';
import { adminPolicyPage } from './policy.ts';
import { adminTokensAction, adminTokensPage } from './tokens.ts';
import { adminUserAction, adminUserPage, adminUsersAction, adminUsersPage } from './users.ts';

export function administrationPages(app: App): void {
  page(app, 'administration', administrationPage);
  page(app, 'adminTokens', adminTokensPage);
  page(app, 'adminTokens', adminTokensAction, 'POST');
  page(app, 'adminUsers', adminUsersPage);
  page(app, 'adminUsers', adminUsersAction, 'POST');
  page(app, 'adminUser', adminUserPage);
  page(app, 'adminUser', adminUserAction, 'POST');
  page(app, 'adminOrganisations', adminOrganisationsPage);
  page(app, 'adminOrganisations', adminOrganisationsAction, 'POST');
  page(app, 'adminOrganisation', adminOrganisationPage);
  page(app, 'adminOrganisation', adminOrganisationAction, 'POST');
  page(app, 'adminCredentials', adminCredentialsPage);
  page(app, 'adminCredentials', adminCredentialsAction, 'POST');
  page(app, 'adminKeys', adminKeysPage);
  page(app, 'adminKeys', adminKeysAction, 'POST');
  page(app, 'adminPolicy', adminPolicyPage);
}
