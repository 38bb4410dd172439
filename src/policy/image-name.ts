/**
 * Normalises an image name the way Docker does (`debian` -> `docker.io/library/debian:latest`) so that policy
 * patterns compare like with like. A name with `${VAR}` left in it cannot be normalised and stays as is.
 */
export interface ImageName {
  /** `docker.io/library/debian`. */
  readonly repository: string;
  readonly tag?: string;
  readonly digest?: string;
  /** `docker.io/library/debian:bookworm-slim@sha256:…` (tag `latest` only when nothing else is given). */
  readonly normalized: string;
}

export function normalizeImageName(input: string): ImageName {
  let rest = input.trim();
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
  }
  let tag: string | undefined;
  const colon = rest.lastIndexOf(':');
  if (colon > rest.lastIndexOf('/')) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
  }
  const slash = rest.indexOf('/');
  const first = slash < 0 ? '' : rest.slice(0, slash);
  const hasRegistry = slash >= 0 && (first.includes('.') || first.includes(':') || first === 'localhost');
  let repository = hasRegistry ? rest : `docker.io/${rest}`;
  if (repository.startsWith('index.docker.io/'))
    repository = `docker.io/${repository.slice('index.docker.io/'.length)}`;
  if (repository.startsWith('docker.io/') && !repository.slice('docker.io/'.length).includes('/')) {
    repository = `docker.io/library/${repository.slice('docker.io/'.length)}`;
  }
  repository = repository.toLowerCase();
  const shownTag = tag ?? (digest ? undefined : 'latest');
  const normalized = `${repository}${shownTag ? `:${shownTag}` : ''}${digest ? `@${digest}` : ''}`;
  return { repository, ...(tag ? { tag } : {}), ...(digest ? { digest } : {}), normalized };
}

/**
 * Glob over image names: `*` matches within one path segment or tag, `**` across segments.
 * `docker.io/library/debian:*-slim` matches `docker.io/library/debian:bookworm-slim`.
 */
export function imagePatternMatches(pattern: string, name: string): boolean {
  let source = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i] ?? '';
    if (c === '*' && pattern[i + 1] === '*') {
      source += '.*';
      i++;
    } else if (c === '*') source += '[^/]*';
    else if (c === '?') source += '[^/]';
    else source += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${source}$`).test(name);
}
