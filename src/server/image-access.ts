import type { BlobCache } from '../cache/index.ts';
import {
  type Catalogue,
  type CredentialsKey,
  type ImageAccess,
  listOrganisationKeys,
  type ResolvedImage,
  registryCredentialsFor,
} from '../catalogue/index.ts';
import { defaultLimits, type Limits, type Logger, SgciError } from '../core/index.ts';
import { parseImageReference, type RegistryReference } from '../oci/reference/index.ts';
import { RegistryClient, RegistryHostPolicy, staticCredentials } from '../oci/registry/index.ts';
import { openImage } from '../oci/source/index.ts';
import type { Policy } from '../policy/index.ts';
import type { ServerConfig } from './config.ts';

export interface ImageAccessOptions {
  readonly config: Pick<ServerConfig, 'insecureRegistry' | 'allowRegistry'>;
  readonly logger: Logger;
  /** Where organisations' registry credentials and trusted keys are kept; without it, anonymous pulls only. */
  readonly catalogue?: Catalogue;
  readonly credentialsKey?: CredentialsKey;
  /** The catalogue policy whose trusted keys apply besides the organisation's own. */
  readonly policy?: Policy;
  readonly cache?: BlobCache;
  readonly limits?: Limits;
}

/** Only registry references: a submitted `oci-dir:/etc` or `docker-archive:/…` would read the server's own files. */
function registryReference(reference: string): RegistryReference {
  const parsed = parseImageReference(reference);
  if (parsed.kind !== 'registry') {
    throw new SgciError('REFERENCE_INVALID', reference, 'only registry references can be submitted (no local paths)');
  }
  return parsed.ref;
}

/**
 * The catalogue's way to registries, for references untrusted users submit: registry references only, every host
 * (registry, redirect, token realm) checked against loopback, private and link-local addresses unless the
 * operator allowed it (`--allow-registry`), the organisation's credentials for its own registries, the shared
 * blob cache and the hostile-input limits.
 */
export function registryImageAccess(options: ImageAccessOptions): ImageAccess {
  const limits = options.limits ?? defaultLimits;
  const insecureRegistries = options.config.insecureRegistry;
  const hostPolicy = new RegistryHostPolicy({ allow: options.config.allowRegistry });
  const { catalogue, credentialsKey, logger } = options;
  const credentialsOf = async (organisation: string, registry: string) =>
    catalogue ? registryCredentialsFor(catalogue, organisation, registry, credentialsKey) : undefined;
  const client = async (organisation: string, registry?: string) => {
    const credentials = registry === undefined ? undefined : await credentialsOf(organisation, registry);
    return new RegistryClient({
      limits,
      logger,
      insecureRegistries,
      hostPolicy,
      ...(credentials && registry ? { credentials: staticCredentials(credentials, registry) } : {}),
    });
  };
  return {
    async resolve(reference, organisation): Promise<ResolvedImage> {
      const ref = registryReference(reference);
      await using registry = await client(organisation, ref.registry);
      const manifest = await registry.getManifest(ref);
      return {
        repository: `${ref.registry}/${ref.repository}`,
        digest: manifest.digest,
        ...(ref.tag !== undefined && ref.digest === undefined ? { tag: ref.tag } : {}),
      };
    },
    async open(reference, organisation, signal) {
      const ref = registryReference(reference);
      const credentials = await credentialsOf(organisation, ref.registry);
      return openImage(reference, {
        limits,
        logger,
        insecureRegistries,
        hostPolicy,
        ...(credentials ? credentials : {}),
        ...(options.cache ? { cache: options.cache } : {}),
        ...(signal ? { signal } : {}),
      });
    },
    async registry(organisation) {
      return client(organisation);
    },
    ...(catalogue && options.policy
      ? {
          async verifyAttestations(image, organisation) {
            const { source, digest } = image;
            if (source.kind !== 'registry' || !source.registry || !source.repository || !digest) return undefined;
            const policy = options.policy as Policy;
            const repository = `${source.registry}/${source.repository}`;
            const own = await listOrganisationKeys(catalogue.db, organisation);
            const trustedKeys = [
              ...policy.trustedKeys,
              ...own.map((k) => ({ key: k.pem, repositories: [repository] })),
            ];
            if (trustedKeys.length === 0) return undefined;
            const { attestationsForChecks } = await import('../attest/index.ts');
            await using registry = await client(organisation, source.registry);
            const ref = { registry: source.registry, repository: source.repository };
            return await attestationsForChecks(registry, { kind: 'registry', input: source.input, ref }, digest, {
              trustedKeys,
              directory: policy.directory,
            });
          },
        }
      : {}),
  };
}
