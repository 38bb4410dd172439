/** One challenge of a `WWW-Authenticate` header (RFC 9110 §11.6.1): scheme plus its parameters. */
export interface AuthChallenge {
  /** Lower-cased: `bearer`, `basic`, … */
  readonly scheme: string;
  /** Parameter names lower-cased; values unquoted. */
  readonly params: Readonly<Record<string, string>>;
}

/**
 * Parses every challenge in one or more `WWW-Authenticate` header values. Quoted values may hold
 * commas and escaped quotes (`scope="repository:a:pull,push"`), so this is a small tokenizer, not a
 * split on commas. Unparseable tails are dropped rather than thrown: the caller then reports the
 * 401 itself, which is clearer than a parser error.
 */
export function parseAuthChallenges(header: string | readonly string[] | undefined): AuthChallenge[] {
  if (header === undefined) return [];
  const values = typeof header === 'string' ? [header] : header;
  return values.flatMap(parseOne);
}

const tokenChar = /[!#$%&'*+\-.^_`|~0-9A-Za-z]/;
/** A registry needs one or two challenges; a hostile header must not make parsing quadratic. */
const maxHeaderLength = 16 * 1024;
const maxChallenges = 16;

function parseOne(header: string): AuthChallenge[] {
  const text = header.slice(0, maxHeaderLength);
  const challenges: { scheme: string; params: Record<string, string> }[] = [];
  let i = 0;
  const skipSpace = () => {
    while (i < text.length && (text[i] === ' ' || text[i] === '\t')) i++;
  };
  const readToken = (): string => {
    const start = i;
    while (i < text.length && tokenChar.test(text[i] ?? '')) i++;
    return text.slice(start, i);
  };
  const readQuoted = (): string => {
    // text[i] is the opening quote
    i++;
    let value = '';
    while (i < text.length && text[i] !== '"') {
      if (text[i] === '\\' && i + 1 < text.length) i++;
      value += text[i];
      i++;
    }
    i++; // closing quote (or end of text)
    return value;
  };

  while (i < text.length) {
    skipSpace();
    if (text[i] === ',') {
      i++;
      continue;
    }
    const word = readToken();
    if (!word) break;
    skipSpace();
    if (text[i] === '=' && challenges.length > 0) {
      // name=value of the current challenge
      i++;
      skipSpace();
      const value = text[i] === '"' ? readQuoted() : readToken();
      const current = challenges[challenges.length - 1];
      if (current) current.params[word.toLowerCase()] = value;
      continue;
    }
    // a new challenge: `Scheme` followed by params or a token68
    if (challenges.length >= maxChallenges) break;
    challenges.push({ scheme: word.toLowerCase(), params: {} });
    skipSpace();
    const lookahead = /^[A-Za-z0-9\-._~+/]+=*\s*(,|$)/.exec(text.slice(i));
    if (lookahead && !/^[!#$%&'*+\-.^_`|~0-9A-Za-z]+\s*=[^=]/.test(text.slice(i))) {
      // token68 (e.g. `Negotiate abc==`): not used by registries, skip it
      i += lookahead[0].length;
    }
  }
  return challenges;
}

/** Splits a scope string from a challenge (`a b`) into single scopes. */
export function splitScopes(scope: string | undefined): string[] {
  return (scope ?? '').split(' ').filter(Boolean);
}
