import { type App, router } from '../router.ts';
import { auditRoutes } from './audit-routes.ts';
import { loginRoutes } from './login-routes.ts';
import { oidcRoutes } from './oidc-routes.ts';
import { organisationRoutes } from './organisation-routes.ts';

export {
  authenticate,
  principalOf,
  requireAuth,
  requireOrganisationAccess,
  requireRole,
} from './authenticate.ts';
export { clientAddress } from './client-address.ts';
export { csrfField, csrfHeader, csrfToken } from './csrf.ts';
export { sessionCookie } from './session-cookie.ts';

/** Sign-in (password and OIDC), sign-out, me and my tokens, organisations and their secrets, the audit log. */
export function authRoutes(): App {
  const app = router();
  app.openAPIRegistry.registerComponent('securitySchemes', 'bearer', {
    type: 'http',
    scheme: 'bearer',
    description: 'An API token sgci_<prefix>_<secret> (sgci admin token create, or POST /api/v1/me/tokens).',
  });
  app.openAPIRegistry.registerComponent('securitySchemes', 'session', {
    type: 'apiKey',
    in: 'cookie',
    name: 'sgci_session',
    description: 'The session of POST /auth/login or OIDC; unsafe requests need the X-CSRF-Token of GET /api/v1/me.',
  });
  app.route('/', loginRoutes());
  app.route('/', oidcRoutes());
  app.route('/', organisationRoutes());
  app.route('/', auditRoutes());
  return app;
}
