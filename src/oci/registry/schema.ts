import { z } from 'zod';

/** ~/.docker/config.json, only the parts that carry credentials; everything else passes. */
export const DockerConfig = z
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
export type DockerConfig = z.infer<typeof DockerConfig>;

/** What `docker-credential-* get` prints. */
export const DockerCredentialHelperOutput = z.object({ Username: z.string(), Secret: z.string() }).loose();

/** Token endpoint answer (distribution token spec): `token` or the OAuth2 name `access_token`. */
export const TokenResponse = z
  .object({
    token: z.string().optional(),
    access_token: z.string().optional(),
    expires_in: z.number().optional(),
    issued_at: z.string().optional(),
  })
  .loose();
export type TokenResponse = z.infer<typeof TokenResponse>;

/** The distribution spec's error body, read tolerantly for the one-line message. */
export const RegistryErrorBody = z
  .object({
    errors: z.array(z.object({ code: z.string().optional(), message: z.string().optional() }).loose()).optional(),
  })
  .loose();

export const TagList = z.object({ name: z.string().optional(), tags: z.array(z.string()).nullish() }).loose();
