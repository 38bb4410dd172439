export { type AuthChallenge, parseAuthChallenges } from './auth-challenge.ts';
export {
  type BlobRef,
  type BlobStore,
  formatReference,
  type ManifestHead,
  type ManifestResult,
  manifestAcceptTypes,
  RegistryClient,
  type RegistryClientOptions,
  type RegistryResponseInfo,
  wireHost,
} from './client.ts';
export { registryImageContent } from './content.ts';
export {
  type CredentialResolver,
  chainCredentials,
  credentialsFromContainersAuth,
  credentialsFromDocker,
  credentialsFromEnv,
  type DockerConfigOptions,
  defaultCredentials,
  isDockerHub,
  type RegistryCredentials,
  staticCredentials,
} from './credentials.ts';
export {
  HostRefusal,
  type HostRole,
  RegistryHostPolicy,
  type RegistryHostPolicyOptions,
  refusalReason,
} from './host-policy.ts';
export {
  defaultRetryPolicy,
  isLoopbackHost,
  type ProxySettings,
  parseRetryAfter,
  proxyFromEnv,
  type RetryPolicy,
} from './transport.ts';
