import { array, type Infer, looseObject, nullish, number, optional, record, string } from '../image/shape.ts';

/*
 * The registry's JSON answers and the Docker config, checked by the image documents' hand-written validators
 * (`image/shape.ts`) instead of zod: the registry client is on the path of every `monitor run`, and loading zod there
 * cost a round of unchanged tags ~0.045 s of CPU (issue 15). `schema.test.ts` holds them to the zod schemas they
 * replaced.
 */

/** ~/.docker/config.json, only the parts that carry credentials; everything else passes. */
export const DockerConfig = looseObject({
  auths: optional(
    record(
      looseObject({
        auth: optional(string()),
        username: optional(string()),
        password: optional(string()),
        identitytoken: optional(string()),
      }),
    ),
  ),
  credsStore: optional(string()),
  credHelpers: optional(record(string())),
});
export type DockerConfig = Infer<typeof DockerConfig>;

/** What `docker-credential-* get` prints. */
export const DockerCredentialHelperOutput = looseObject({ Username: string(), Secret: string() });

/** Token endpoint answer (distribution token spec): `token` or the OAuth2 name `access_token`. */
export const TokenResponse = looseObject({
  token: optional(string()),
  access_token: optional(string()),
  expires_in: optional(number()),
  issued_at: optional(string()),
});
export type TokenResponse = Infer<typeof TokenResponse>;

/** The distribution spec's error body, read tolerantly for the one-line message. */
export const RegistryErrorBody = looseObject({
  errors: optional(array(looseObject({ code: optional(string()), message: optional(string()) }))),
});

export const TagList = looseObject({ name: optional(string()), tags: nullish(array(string())) });
