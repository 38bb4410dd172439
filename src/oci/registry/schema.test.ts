import { describe, test } from 'node:test';
import fc from 'fast-check';
import { z } from 'zod';
import { assertAgreement, document, near } from '../image/shape-testing.ts';
import { DockerConfig, DockerCredentialHelperOutput, RegistryErrorBody, TagList, TokenResponse } from './schema.ts';

/** The zod schemas these validators replaced (issue 15), kept here as the oracle. */
const zodDockerConfig = z
  .object({
    auths: z
      .record(
        z.string(),
        z
          .object({
            auth: z.string().optional(),
            username: z.string().optional(),
            password: z.string().optional(),
            identitytoken: z.string().optional(),
          })
          .loose(),
      )
      .optional(),
    credsStore: z.string().optional(),
    credHelpers: z.record(z.string(), z.string()).optional(),
  })
  .loose();
const zodHelperOutput = z.object({ Username: z.string(), Secret: z.string() }).loose();
const zodTokenResponse = z
  .object({
    token: z.string().optional(),
    access_token: z.string().optional(),
    expires_in: z.number().optional(),
    issued_at: z.string().optional(),
  })
  .loose();
const zodErrorBody = z
  .object({
    errors: z.array(z.object({ code: z.string().optional(), message: z.string().optional() }).loose()).optional(),
  })
  .loose();
const zodTagList = z.object({ name: z.string().optional(), tags: z.array(z.string()).nullish() }).loose();

const text = fc.string({ maxLength: 4 });
const texts = fc.array(near(text), { maxLength: 3 });
const textMap = fc.dictionary(text, near(text), { maxKeys: 3 });
const auth = document({ auth: text, username: text, password: text, identitytoken: text });
const dockerConfig = document({
  auths: fc.dictionary(text, near(auth), { maxKeys: 3 }),
  credsStore: text,
  credHelpers: textMap,
});
const helperOutput = document({ Username: text, Secret: text }, ['Username', 'Secret']);
const tokenResponse = document({
  token: text,
  access_token: text,
  expires_in: fc.oneof(fc.integer(), fc.double()),
  issued_at: text,
});
const errorBody = document({ errors: fc.array(near(document({ code: text, message: text })), { maxLength: 3 }) });
const tagList = document({ name: text, tags: texts });

describe('registry answer validators agree with the zod schemas they replaced', () => {
  for (const [name, shape, oracle, arbitrary] of [
    ['docker config', DockerConfig, zodDockerConfig, dockerConfig],
    ['credential helper output', DockerCredentialHelperOutput, zodHelperOutput, helperOutput],
    ['token response', TokenResponse, zodTokenResponse, tokenResponse],
    ['error body', RegistryErrorBody, zodErrorBody, errorBody],
    ['tag list', TagList, zodTagList, tagList],
  ] as const)
    test(name, () => assertAgreement(name, shape, oracle, arbitrary));
});
