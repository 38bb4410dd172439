import { type Digest, isDigest, SgciError } from '../../core/index.ts';
import type { ImageReference, RegistryReference } from './types.ts';

/** The Docker Hub name as users and sgci write it; `registry-1.docker.io` is only the wire host. */
export const dockerHubRegistry = 'docker.io';
const dockerHubAliases: ReadonlySet<string> = new Set(['docker.io', 'index.docker.io', 'registry-1.docker.io']);
export const defaultTag = 'latest';

/** The Syft-style schemes in the order they are tried; a bare reference means `registry:`. */
export const referenceSchemes = ['registry', 'oci-dir', 'oci-archive', 'docker-archive', 'dir'] as const;
export type ReferenceScheme = (typeof referenceSchemes)[number];

// Grammar of github.com/distribution/reference (reference.go), spelled out piece by piece so each
// error can say which piece is wrong.
const pathComponent = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const domainComponent = /^(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])$/;
const ipv6Host = /^\[[a-fA-F0-9:]+\]$/;
const portNumber = /^[0-9]+$/;
const tagPattern = /^[\w][\w.-]{0,127}$/;
const digestShape = /^[a-z0-9]+(?:[+._-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$/;
/** distribution/reference NameTotalLengthMax: domain + '/' + path. */
const maxNameLength = 255;

function invalid(input: string, what: string): SgciError {
  return new SgciError('REFERENCE_INVALID', input, `invalid image reference: ${what}`);
}

function quote(value: string): string {
  return JSON.stringify(value.length > 80 ? `${value.slice(0, 80)}…` : value);
}

function checkDomain(domain: string, input: string): void {
  let host = domain;
  let port: string | undefined;
  if (domain.startsWith('[')) {
    const close = domain.indexOf(']');
    host = close < 0 ? domain : domain.slice(0, close + 1);
    const rest = close < 0 ? '' : domain.slice(close + 1);
    if (rest !== '') {
      if (!rest.startsWith(':')) throw invalid(input, `registry host ${quote(domain)} is not [IPv6]:port`);
      port = rest.slice(1);
    }
    if (!ipv6Host.test(host)) throw invalid(input, `registry host ${quote(host)} is not a bracketed IPv6 address`);
  } else {
    const colon = domain.lastIndexOf(':');
    if (colon >= 0) {
      host = domain.slice(0, colon);
      port = domain.slice(colon + 1);
    }
    for (const component of host.split('.')) {
      if (!domainComponent.test(component)) {
        throw invalid(input, `registry host ${quote(host)} has an invalid component ${quote(component)}`);
      }
    }
  }
  if (port !== undefined && (!portNumber.test(port) || Number(port) > 65535)) {
    throw invalid(input, `registry port ${quote(port)} is not a number from 0 to 65535`);
  }
}

/**
 * Whether the first path segment names a registry rather than a Docker Hub namespace: it has a dot, a
 * port or brackets, or is `localhost` (the rule of Docker's splitDockerDomain). Uppercase letters also
 * make it a host, since Hub namespaces are lowercase.
 */
function looksLikeDomain(segment: string): boolean {
  return /[.:[]/.test(segment) || segment === 'localhost' || segment !== segment.toLowerCase();
}

/**
 * Parses `[host[:port]/]path[:tag][@digest]` with Docker Hub defaults: `alpine` is
 * `docker.io/library/alpine:latest`. The tag defaults to `latest` only when no digest is given.
 */
export function parseRegistryReference(value: string, input = value): RegistryReference {
  if (value === '') throw invalid(input, 'empty reference');
  if (/\s/.test(value)) throw invalid(input, 'contains whitespace');
  let rest = value;
  let digest: Digest | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    const digestText = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!digestShape.test(digestText)) throw invalid(input, `digest ${quote(digestText)} is not algorithm:hex`);
    if (!isDigest(digestText)) {
      throw invalid(input, `digest ${quote(digestText)} is not sha256 (64 hex) or sha512 (128 hex), lowercase`);
    }
    digest = digestText;
  }
  let tag: string | undefined;
  const colon = rest.lastIndexOf(':');
  if (colon > rest.lastIndexOf('/') && !rest.slice(colon).includes(']')) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!tagPattern.test(tag)) {
      throw invalid(
        input,
        tag.length > 128
          ? `tag is ${tag.length} characters, at most 128 are allowed`
          : `tag ${quote(tag)} must match [A-Za-z0-9_][A-Za-z0-9_.-]*`,
      );
    }
  }
  if (rest === '') throw invalid(input, 'missing repository name');
  const slash = rest.indexOf('/');
  let registry = dockerHubRegistry;
  let repository = rest;
  if (slash >= 0 && looksLikeDomain(rest.slice(0, slash))) {
    registry = rest.slice(0, slash);
    repository = rest.slice(slash + 1);
    checkDomain(registry, input);
  }
  if (dockerHubAliases.has(registry.toLowerCase())) registry = dockerHubRegistry;
  if (repository === '') throw invalid(input, 'missing repository name after the registry host');
  for (const component of repository.split('/')) {
    if (component === '') throw invalid(input, `repository ${quote(repository)} has an empty path component`);
    if (!pathComponent.test(component)) {
      const why =
        component !== component.toLowerCase()
          ? 'must be lowercase'
          : 'may only hold a-z, 0-9 and single separators (. _ __ -) between them';
      throw invalid(input, `repository component ${quote(component)} ${why}`);
    }
  }
  if (registry === dockerHubRegistry && !repository.includes('/')) repository = `library/${repository}`;
  if (registry.length + 1 + repository.length > maxNameLength) {
    throw invalid(input, `repository name is longer than ${maxNameLength} characters`);
  }
  if (tag === undefined && digest === undefined) tag = defaultTag;
  return {
    registry,
    repository,
    ...(tag !== undefined ? { tag } : {}),
    ...(digest !== undefined ? { digest } : {}),
  };
}

/** The fully qualified form, `registry/repository[:tag][@digest]`; parsing it gives the same reference. */
export function formatRegistryReference(ref: RegistryReference): string {
  return `${ref.registry}/${ref.repository}${ref.tag !== undefined ? `:${ref.tag}` : ''}${
    ref.digest !== undefined ? `@${ref.digest}` : ''
  }`;
}

/** Splits `PATH[:TAG]`: the tag is what follows the last colon after the last slash. */
function splitPathAndTag(value: string, input: string, scheme: string): { path: string; tag?: string } {
  const colon = value.lastIndexOf(':');
  if (colon <= value.lastIndexOf('/')) return { path: value };
  const tag = value.slice(colon + 1);
  const path = value.slice(0, colon);
  if (path === '') throw invalid(input, `${scheme}: needs a path before the tag`);
  // org.opencontainers.image.ref.name allows more than a Docker tag; only refuse what cannot be one.
  if (tag === '' || /[\s@]/.test(tag)) throw invalid(input, `tag ${quote(tag)} after the path is not a tag`);
  return { path, tag };
}

/**
 * Parses what the user typed as an image: a Syft-style `scheme:rest`, or a bare registry reference.
 * Paths stay as typed here (relative or absolute); sources resolve them.
 */
export function parseImageReference(input: string): ImageReference {
  const colon = input.indexOf(':');
  const scheme = colon > 0 ? input.slice(0, colon) : '';
  const rest = input.slice(colon + 1);
  switch (scheme) {
    case 'registry':
      return { kind: 'registry', input, ref: parseRegistryReference(rest, input) };
    case 'oci-dir':
    case 'oci-archive':
    case 'docker-archive': {
      if (rest === '') throw invalid(input, `${scheme}: needs a path`);
      const { path, tag } = splitPathAndTag(rest, input, scheme);
      return { kind: scheme, input, path, ...(tag !== undefined ? { tag } : {}) };
    }
    case 'dir':
      if (rest === '') throw invalid(input, 'dir: needs a path to a root filesystem');
      return { kind: 'dir', input, path: rest };
    default:
      if (/^[a-z][a-z0-9+.-]*:\/\//.test(input)) {
        throw invalid(input, `URL schemes are not image references; use one of ${referenceSchemes.join(':, ')}:`);
      }
      if (/^(?:\.{0,2}\/|~\/)|\.tar(?:\.gz)?$/.test(input)) {
        throw invalid(input, 'looks like a path; name the transport: oci-dir:, oci-archive:, docker-archive: or dir:');
      }
      return { kind: 'registry', input, ref: parseRegistryReference(input, input) };
  }
}

/** The canonical text of a reference, with its scheme; `parseImageReference` of it gives the same value. */
export function formatImageReference(ref: ImageReference): string {
  switch (ref.kind) {
    case 'registry':
      return `registry:${formatRegistryReference(ref.ref)}`;
    case 'dir':
      return `dir:${ref.path}`;
    default:
      return `${ref.kind}:${ref.path}${ref.tag !== undefined ? `:${ref.tag}` : ''}`;
  }
}
