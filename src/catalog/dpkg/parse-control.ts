/**
 * Debian control-file syntax (deb822): stanzas separated by blank lines, `Field: value`, continuation
 * lines start with a space or tab. Field names are case-insensitive; we keep them as written and look
 * them up through `field()`.
 */
export type Stanza = ReadonlyMap<string, string>;

export function parseStanzas(text: string): Stanza[] {
  const stanzas: Stanza[] = [];
  let current = new Map<string, string>();
  let lastKey: string | undefined;
  const flush = () => {
    if (current.size) stanzas.push(current);
    current = new Map();
    lastKey = undefined;
  };
  for (const raw of text.split('\n')) {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (line.trim() === '') {
      flush();
      continue;
    }
    if (line.startsWith('#')) continue;
    if ((line[0] === ' ' || line[0] === '\t') && lastKey !== undefined) {
      current.set(lastKey, `${current.get(lastKey) ?? ''}\n${line.slice(1)}`);
      continue;
    }
    const colon = line.indexOf(':');
    if (colon <= 0) continue; // not a field: a corrupt line does not poison the stanza
    lastKey = line.slice(0, colon).trim().toLowerCase();
    current.set(lastKey, line.slice(colon + 1).trim());
  }
  flush();
  return stanzas;
}

export function field(stanza: Stanza, name: string): string | undefined {
  const v = stanza.get(name.toLowerCase());
  return v === undefined || v === '' ? undefined : v;
}
