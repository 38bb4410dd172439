/**
 * Repository patterns of the policy file: `registry.example.de/team/*` matches one path segment,
 * `registry.example.de/**` any depth, everything else literally. Tags and digests are not part of it.
 */
export function compileRepositoryPattern(pattern: string): (repository: string) => boolean {
  let source = '';
  for (let i = 0; i < pattern.length; i++) {
    const char = pattern[i]!;
    if (char === '*' && pattern[i + 1] === '*') {
      source += '.*';
      i++;
    } else if (char === '*') {
      source += '[^/]*';
    } else {
      source += char.replace(/[.+?^${}()|[\]\\]/g, '\\$&');
    }
  }
  const regex = new RegExp(`^${source}$`);
  return (repository) => regex.test(repository);
}
