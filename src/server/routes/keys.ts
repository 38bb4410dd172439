import { createRoute, z } from '@hono/zod-openapi';
import { publicKeyPem } from '../../attest/index.ts';
import { problems } from '../auth/schemas.ts';
import { conditionalGet, respond } from '../http-cache.ts';
import { HttpProblem } from '../problem.ts';
import { type App, router } from '../router.ts';

/** Where the catalogue publishes the public half of the key its verdicts are signed with. */
export const verdictKeyPath = '/api/v1/keys/verdict.pub';

const verdictKey = createRoute({
  method: 'get',
  path: verdictKeyPath,
  summary:
    "The public key the catalogue's verdicts (VSA) are signed with, as PEM: sgci verify-attestation --key katalog.pub --type vsa IMAGE",
  middleware: [conditionalGet()],
  responses: {
    200: {
      description: 'The key (SubjectPublicKeyInfo PEM, ECDSA P-256)',
      content: { 'application/x-pem-file': { schema: z.string() } },
    },
    304: { description: 'Not modified (If-None-Match)' },
    ...problems(404),
  },
});

/** The catalogue's own public key, for anyone who checks its verdicts. */
export function keyRoutes(): App {
  const app = router();
  app.openapi(verdictKey, async (c) => {
    const signing = c.var.deps.signing;
    if (!signing) throw new HttpProblem(404, 'not-found', 'this catalogue has no signing key configured');
    const headers = { 'content-disposition': 'attachment; filename="katalog.pub"' };
    return respond(c, publicKeyPem(signing.signer.publicKey), 'application/x-pem-file', 'public', headers);
  });
  return app;
}
